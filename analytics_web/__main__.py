from analytics_web.cli import main

raise SystemExit(main())

"""Build dist/ from the Python browser sources: ``python build.py [--force]``.

The same as ``analytics-web build``; kept at the root so a checkout builds without installing.
"""

import sys

from analytics_web.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))

"""Make docs/debugger.png, the picture of the event debugger in docs/collector.md: a visitor's walk through
the demo site in Chromium, then the debugger with one event opened.

    .venv/bin/python -m scripts.debugger_screenshot [--out docs/debugger.png]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from analytics_web.build import build
from analytics_web.collector.store import EventStore
from analytics_web.demo import demo_app
from analytics_web.serving import ThreadedServer
from tests.support.browsers import launch_args
from tests.support.demo_tour import take_the_tour

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "debugger.png")
    args = parser.parse_args()
    build()
    with tempfile.TemporaryDirectory() as folder:
        store = EventStore(Path(folder) / "events.sqlite3")
        server = ThreadedServer(demo_app(store))
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(**launch_args(playwright.chromium))
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                take_the_tour(page, f"{server.url}/")
                page.locator(".event .name", has_text="Queued Before Leaving").first.wait_for()
                opened = page.locator(".event", has_text="Project Deployed").first
                opened.locator("summary").first.click()
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            server.stop()
            store.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""The README's run command: `analytics-web demo` serves a site whose events show up."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Iterator[str]:
    db = tmp_path_factory.mktemp("demo") / "events.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "analytics_web", "demo", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("demo site:"), first_line
        yield first_line.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_page_shows_the_events_it_sent(page: Page, demo_url: str):
    page.goto(demo_url)
    page.click("#track")
    expect(page.locator("#events")).to_contain_text("track  Demo Button Clicked")
    expect(page.locator("#events")).to_contain_text("page")

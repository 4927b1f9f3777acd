"""Which browser binaries to drive: Playwright's own when installed, otherwise Debian's
chromium and firefox-esr. Shared by the tests, the benchmarks and the screenshot script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserType

SYSTEM_BROWSERS: dict[str, dict[str, Any]] = {
    "chromium": {"executable_path": "/usr/bin/chromium"},
    "firefox": {"executable_path": "/usr/bin/firefox-esr", "channel": "moz-firefox"},
}
# Running as root needs --no-sandbox; the rest keeps Chromium off the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


class NoBrowser(RuntimeError):
    """Neither Playwright's browser nor the system one is installed."""


def launch_args(browser_type: BrowserType) -> dict[str, Any]:
    """Arguments for ``browser_type.launch``."""
    args: dict[str, Any] = {}
    if not Path(browser_type.executable_path).exists():
        system = SYSTEM_BROWSERS[browser_type.name]
        if not Path(system["executable_path"]).exists():
            raise NoBrowser(
                f"no {browser_type.name} found: run `playwright install {browser_type.name}` or"
                f" install Debian's {Path(system['executable_path']).name}"
            )
        args.update(system)
    if browser_type.name == "chromium":
        args["args"] = CHROMIUM_ARGS
    return args


def playwright_launch_options(browser_type: BrowserType, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (pytest-playwright's launch arguments) with this machine's browser and, for
    Chromium, its back/forward cache left on, as visitors have it (Playwright turns it off)."""
    ours = launch_args(browser_type)
    options = {**base, **ours}
    if browser_type.name == "chromium":
        options["args"] = [*base.get("args", []), *ours["args"]]
        options["ignore_default_args"] = ["--disable-back-forward-cache"]
    return options

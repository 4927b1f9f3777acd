"""Which browser binaries to drive: Playwright's own when installed, otherwise Debian's
chromium (and chromium-headless-shell) and firefox-esr. Shared by the tests, the benchmarks and
the screenshot script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserType

SYSTEM_BROWSERS: dict[str, dict[str, Any]] = {
    "chromium": {"executable_path": "/usr/bin/chromium"},
    "firefox": {"executable_path": "/usr/bin/firefox-esr", "channel": "moz-firefox"},
}
# Chromium's headless shell: the browser's engine without its user interface, which is what
# Playwright itself runs for headless Chromium. A tab there costs a quarter of the CPU a tab of
# the full browser does (a new context, page and page load: 126 ms of CPU against 452), and the
# suite is CPU bound. It has no back/forward cache; the tests of that use the full browser.
SYSTEM_HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
# Running as root needs --no-sandbox; the rest keeps Chromium off the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


class NoBrowser(RuntimeError):
    """Neither Playwright's browser nor the system one is installed."""


def launch_args(browser_type: BrowserType, *, headless_shell: bool = False) -> dict[str, Any]:
    """Arguments for ``browser_type.launch``: Chromium as visitors run it, the full browser,
    unless ``headless_shell`` asks for the lighter one the tests run in."""
    args: dict[str, Any] = {}
    if not Path(browser_type.executable_path).exists():
        system = dict(SYSTEM_BROWSERS[browser_type.name])
        if browser_type.name == "chromium" and headless_shell:
            system["executable_path"] = SYSTEM_HEADLESS_SHELL
        if not Path(system["executable_path"]).exists():
            raise NoBrowser(
                f"no {browser_type.name} found: run `playwright install {browser_type.name}` or"
                f" install Debian's {Path(system['executable_path']).name}"
            )
        args.update(system)
    elif browser_type.name == "chromium" and not headless_shell:
        args["channel"] = "chromium"  # Playwright's headless Chromium is its shell otherwise
    if browser_type.name == "chromium":
        args["args"] = CHROMIUM_ARGS
    return args


def playwright_launch_options(
    browser_type: BrowserType, base: dict[str, Any], *, headless_shell: bool = True
) -> dict[str, Any]:
    """``base`` (pytest-playwright's launch arguments) with this machine's browser (for Chromium
    headless, the headless shell, unless told otherwise) and, for Chromium, its back/forward
    cache left on, as visitors have it (Playwright turns it off)."""
    headless = base.get("headless", True)
    ours = launch_args(browser_type, headless_shell=headless_shell and headless)
    options = {**base, **ours}
    if browser_type.name == "chromium":
        options["args"] = [*base.get("args", []), *ours["args"]]
        options["ignore_default_args"] = ["--disable-back-forward-cache"]
    return options

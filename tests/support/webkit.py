"""WebKit, the third engine: Debian's WebKitGTK (MiniBrowser) driven through WebKitWebDriver by
selenium, on an Xvfb display. Playwright's own WebKit build cannot be downloaded here.

The traps (see TOOLCHAIN.md, "WebKit, the third engine"): MiniBrowser has no headless mode and
WebKitWebDriver must have DISPLAY in its environment, or it never answers and selenium, which
has no default timeout, waits forever; Xvfb's -displayfd line must be read whole.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.tabs import WebDriverTab

DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
SESSION_TIMEOUT_S = 60
INSTALL_HINT = "apt-get install webkit2gtk-driver xvfb (./dev test does it)"


class NoWebKit(RuntimeError):
    """WebKitGTK's driver or Xvfb is not installed."""


def missing() -> str | None:
    """What is missing to run WebKit here, or None."""
    if not DRIVER.exists() or not MINIBROWSER.exists():
        return f"no WebKitGTK driver: {INSTALL_HINT}"
    if shutil.which("Xvfb") is None:
        return f"no Xvfb: {INSTALL_HINT}"
    return None


@contextmanager
def virtual_display() -> Iterator[str]:
    """An Xvfb display for the test session; yields its name (":99")."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    line = b""
    while not line.endswith(b"\n"):  # all of it, or Xvfb dies writing the rest
        chunk = os.read(read_end, 16)
        if not chunk:
            raise NoWebKit("Xvfb exited before giving its display number")
        line += chunk
    os.close(read_end)
    try:
        yield ":" + line.decode().strip()
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def start_session(display: str):
    """A fresh WebKitGTK session (its own cookies and storage)."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    options = Options()
    options.binary_location = str(MINIBROWSER)
    options.add_argument("--automation")  # without it, a custom binary hangs the new session
    service = Service(str(DRIVER), env={**os.environ, "DISPLAY": display})
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(SESSION_TIMEOUT_S)  # selenium waits forever otherwise
    try:
        driver = webdriver.WebKitGTK(options=options, service=service)
    finally:
        socket.setdefaulttimeout(previous)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    return driver


@contextmanager
def webkit_tab(display: str) -> Iterator[WebDriverTab]:
    """A tab in a fresh WebKitGTK session, ended afterwards."""
    driver = start_session(display)
    try:
        yield WebDriverTab(driver)
    finally:
        driver.quit()

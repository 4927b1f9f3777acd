"""WebKit, the third engine: Debian's WebKitGTK (MiniBrowser) driven through WebKitWebDriver by
selenium, on an Xvfb display. Playwright's own WebKit build cannot be downloaded here.

The traps (see TOOLCHAIN.md, "WebKit, the third engine"): MiniBrowser has no headless mode and
WebKitWebDriver must have DISPLAY in its environment, or it never answers and selenium, which
has no default timeout, waits forever; Xvfb's -displayfd line must be read whole.

Offline: WebDriver has no offline switch for WebKitGTK. WebKit's navigator.onLine follows GIO's
network monitor, which can be told to ask the desktop portal; a stand-in portal on a bus of
the tests' own (DesktopPortal) answers "available" or not, and WebKit fires offline and online,
after its own 2 s debounce. It changes what the page is told, not the network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.tabs import WebDriverTab

DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
# A new session answers within 4 s even with every worker busy; one that has not by this time
# never will (a hung MiniBrowser), and the retry below starts another.
SESSION_TIMEOUT_S = 15
INSTALL_HINT = "apt-get install webkit2gtk-driver xvfb dbus-daemon (./dev test does it)"


class NoWebKit(RuntimeError):
    """WebKitGTK's driver or Xvfb is not installed."""


def missing() -> str | None:
    """What is missing to run WebKit here, or None."""
    if not DRIVER.exists() or not MINIBROWSER.exists():
        return f"no WebKitGTK driver: {INSTALL_HINT}"
    if shutil.which("Xvfb") is None:
        return f"no Xvfb: {INSTALL_HINT}"
    if shutil.which("dbus-daemon") is None:
        return f"no dbus-daemon: {INSTALL_HINT}"
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


# The policy is that of D-Bus's own session.conf: with less (no receive rules), the bus refuses
# even the reply to a client's Hello.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
PORTAL = "/org/freedesktop/portal/desktop"
NETWORK_MONITOR = "org.freedesktop.portal.NetworkMonitor"
G_NETWORK_CONNECTIVITY_LOCAL, G_NETWORK_CONNECTIVITY_FULL = 1, 4


class DesktopPortal:
    """The parts of xdg-desktop-portal that GIO asks for once told to use portals: the network
    monitor (whose answer is ours to set) and the proxy resolver (always direct). Any other
    portal call gets UnknownMethod, as from a desktop without that portal."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.available = True
        self.sending = threading.Lock()  # replies (serve's thread) and "changed" (the test's)

    def send(self, message) -> None:
        with self.sending:
            self.connection.send(message)

    def serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_error, new_method_return

        while True:
            try:
                message = self.connection.receive()
            except Exception:  # the bus is gone: the session is over
                return
            header = message.header
            if header.message_type != MessageType.method_call:
                continue
            member = header.fields.get(HeaderFields.member)
            if member == "GetStatus":
                reply = new_method_return(message, "a{sv}", (self.status(),))
            elif member == "Lookup":  # ProxyResolver: no proxy for any URL
                reply = new_method_return(message, "as", (["direct://"],))
            elif member == "GetAll":  # each portal's properties: just its version
                reply = new_method_return(message, "a{sv}", ({"version": ("u", 3)},))
            else:
                reply = new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")
            self.send(reply)

    def status(self) -> dict[str, tuple[str, object]]:
        connectivity = (
            G_NETWORK_CONNECTIVITY_FULL if self.available else G_NETWORK_CONNECTIVITY_LOCAL
        )
        return {
            "available": ("b", self.available),
            "metered": ("b", False),
            "connectivity": ("u", connectivity),
        }

    def set_available(self, available: bool) -> None:
        """What the network monitor says from now on; GIO asks again on "changed"."""
        from jeepney import DBusAddress, new_signal

        self.available = available
        self.send(new_signal(DBusAddress(PORTAL, interface=NETWORK_MONITOR), "changed"))


@contextmanager
def desktop_portal() -> Iterator[tuple[DesktopPortal, dict[str, str]]]:
    """A private bus with the stand-in portal on it; yields the portal and the environment
    that points WebKit's processes at it."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with tempfile.TemporaryDirectory(prefix="aw-bus-") as folder:
        config = Path(folder) / "bus.conf"
        config.write_text(BUS_CONFIG % folder)
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--print-address", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert bus.stdout is not None
            address = bus.stdout.readline().strip()
            if not address:
                raise NoWebKit("dbus-daemon did not start")
            connection = open_dbus_connection(bus=address)
            connection.send_and_get_reply(message_bus.RequestName("org.freedesktop.portal.Desktop"))
            portal = DesktopPortal(connection)
            threading.Thread(target=portal.serve, daemon=True).start()
            environment = {
                "DBUS_SESSION_BUS_ADDRESS": address,
                "GTK_USE_PORTAL": "1",  # GLib 2.74 reads it for GIO too
                "GIO_USE_NETWORK_MONITOR": "portal",
            }
            yield portal, environment
            connection.close()
        finally:
            bus.terminate()
            bus.wait(timeout=10)


def start_session(display: str, environment: dict[str, str] | None = None):
    """A fresh WebKitGTK session (its own cookies and storage); ``environment``: more for the
    driver and the browser it starts (desktop_portal's)."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service
    from urllib3.exceptions import ReadTimeoutError

    options = Options()
    options.binary_location = str(MINIBROWSER)
    options.add_argument("--automation")  # without it, a custom binary hangs the new session
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(SESSION_TIMEOUT_S)  # selenium waits forever otherwise
    try:
        # A MiniBrowser that never answers the new session (about once a full run) is the
        # machine's trouble, not the library's: one more browser before the test errors.
        for attempt in range(2):
            service = Service(
                str(DRIVER), env={**os.environ, **(environment or {}), "DISPLAY": display}
            )
            try:
                driver = webdriver.WebKitGTK(options=options, service=service)
                break
            except ReadTimeoutError:
                service.stop()
                if attempt == 1:
                    raise
    finally:
        socket.setdefaulttimeout(previous)
    driver.set_script_timeout(30)
    driver.set_page_load_timeout(30)
    return driver


@contextmanager
def webkit_tab(
    display: str, portal: tuple[DesktopPortal, dict[str, str]] | None = None
) -> Iterator[WebDriverTab]:
    """A tab in a fresh WebKitGTK session, ended afterwards; with a ``portal`` (desktop_portal's)
    the tab can be taken offline."""
    driver = start_session(display, portal[1] if portal else None)
    try:
        tab = WebDriverTab(driver, portal[0] if portal else None)
        if portal:
            # The browser learns it is online from the portal's first answer, over the bus; on
            # a busy machine a page loaded before that answer would start offline.
            tab.wait_for_function("navigator.onLine === true")
        yield tab
    finally:
        driver.quit()

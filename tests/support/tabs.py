"""One browser tab, whatever drives it: Playwright (Chromium, Firefox) or WebDriver (WebKit).

The engine-shared tests (those taking the ``tab`` fixture, across tests/browser/) are written
once against this small surface and run in all three engines. It holds only what those tests
do to a page: open a URL (and wait for its load event), run script, click (an element, or a link
by its text), reload, go back and forward, wait for a URL or a condition, read cookies, go
offline and back, close the tab.

``evaluate`` takes what Playwright's ``page.evaluate`` takes: an expression (its value, awaited
if it is a promise) or a function (called with ``arg``). Over WebDriver the script is placed in
the page as written, never ``eval``-ed, so it also runs on pages with a strict CSP; write one
expression or a function, not statements.
"""

from __future__ import annotations

import fnmatch
import time
from typing import TYPE_CHECKING, Any, Protocol

from playwright.sync_api import Page

from tests.support.polling import wait_until

if TYPE_CHECKING:
    from tests.support.webkit import DesktopPortal


class Tab(Protocol):
    engine: str

    def goto(self, url: str) -> None: ...
    def evaluate(self, script: str, arg: Any = None) -> Any: ...
    def click(self, selector: str) -> None: ...
    def click_link(self, text: str) -> None: ...
    def reload(self) -> None: ...
    def go_back(self) -> None: ...
    def go_forward(self) -> None: ...
    @property
    def url(self) -> str: ...
    def wait_for_url(self, pattern: str, timeout: float = 10) -> None: ...
    def wait_for_function(self, expression: str, timeout: float = 10) -> None: ...
    def cookies(self) -> list[dict[str, Any]]: ...
    def set_offline(self, offline: bool) -> None: ...
    def close(self) -> None: ...


class PlaywrightTab:
    def __init__(self, page: Page, engine: str) -> None:
        self.page = page
        self.engine = engine

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def click(self, selector: str) -> None:
        self.page.click(selector)

    def click_link(self, text: str) -> None:
        self.page.get_by_role("link", name=text, exact=True).click()

    def reload(self) -> None:
        self.page.reload()

    def go_back(self) -> None:
        self.page.go_back()

    def go_forward(self) -> None:
        self.page.go_forward()

    @property
    def url(self) -> str:
        return self.page.url

    def wait_for_url(self, pattern: str, timeout: float = 10) -> None:
        self.page.wait_for_url(pattern, timeout=timeout * 1000)

    def wait_for_function(self, expression: str, timeout: float = 10) -> None:
        self.page.wait_for_function(expression, timeout=timeout * 1000)

    def cookies(self) -> list[dict[str, Any]]:
        return [dict(cookie) for cookie in self.page.context.cookies()]

    def set_offline(self, offline: bool) -> None:
        """The whole browser context offline (its other tabs too), requests failing, as a
        dropped connection does."""
        self.page.context.set_offline(offline)

    def close(self) -> None:
        with self.page.expect_event("close"):
            self.page.close(run_before_unload=True)


# The page runs the script as written; its completion, value or error comes back as one object.
# Values come back as JSON would carry them: a call that returns the analytics instance (cyclic,
# which WebDriver refuses to serialise) comes back as null, where Playwright gives a stand-in.
WEBDRIVER_CALL = """const done = arguments[arguments.length - 1];
const arg = arguments[0];
const plain = (value) => {
  try { return value === undefined ? null : JSON.parse(JSON.stringify(value)); }
  catch (error) { return null; }
};
Promise.resolve().then(() => {
  const value = (%s
  );
  return typeof value === 'function' ? value(arg) : value;
}).then(
  (value) => done({ok: true, value: plain(value)}),
  (error) => done({ok: false, error: String(error && error.message || error)}));"""


class WebDriverTab:
    """A WebKitGTK window through selenium. Navigations (``get``, a link's click, ``refresh``)
    return once the new page has loaded, by WebDriver's own wait: polling the page with script
    while it navigates can leave WebKit's driver without an answer until the script timeout."""

    engine = "webkit"

    def __init__(self, driver: Any, portal: DesktopPortal | None = None) -> None:
        self.driver = driver
        self.portal = portal

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def evaluate(self, script: str, arg: Any = None) -> Any:
        answer = self.driver.execute_async_script(WEBDRIVER_CALL % script, arg)
        if not answer["ok"]:
            raise RuntimeError(f"script failed in WebKit: {answer['error']}")
        return answer["value"]

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, selector).click()

    def click_link(self, text: str, timeout: float = 10) -> None:
        """Once the link is there, as Playwright's locators wait: an app renders its links
        after the page's load event, which is when WebDriver's navigations return."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        clickable = expected_conditions.element_to_be_clickable((By.LINK_TEXT, text))
        WebDriverWait(self.driver, timeout).until(clickable).click()

    def reload(self) -> None:
        self.driver.refresh()

    def go_back(self) -> None:
        # WebKitGTK's driver steps over entries an app pushed with pushState (it went back to
        # about:blank); the page's own history.back() is what the back button does.
        self.driver.execute_script("history.back()")

    def go_forward(self) -> None:
        self.driver.execute_script("history.forward()")  # as go_back, for the same reason

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    def wait_for_url(self, pattern: str, timeout: float = 10) -> None:
        if not wait_until(lambda: fnmatch.fnmatch(self.driver.current_url, pattern), timeout):
            raise TimeoutError(f"still at {self.driver.current_url}, not {pattern}")

    def wait_for_function(self, expression: str, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not self._holds(expression):
            if time.monotonic() > deadline:
                state = self._state()
                raise TimeoutError(f"{expression} did not hold within {timeout} s ({state})")
            time.sleep(0.05)

    def _state(self) -> str:
        try:
            return str(
                self.driver.execute_script("return location.href + ' ' + document.readyState")
            )
        except Exception as error:
            return f"no answer: {error}"

    def _holds(self, expression: str) -> bool:
        try:
            return bool(self.driver.execute_script(f"return !!({expression})"))
        except Exception:  # a page between two documents: not yet
            return False

    def cookies(self) -> list[dict[str, Any]]:
        """In Playwright's shape (``expires``, not WebDriver's ``expiry``)."""
        return [
            {**cookie, "expires": cookie.get("expiry", -1)} for cookie in self.driver.get_cookies()
        ]

    def set_offline(self, offline: bool) -> None:
        """The system's network monitor says offline (or online again), and this returns once
        the page has been told (WebKit waits 2 s before it passes a change on). Only what the
        page is told changes: requests would still go through, so a library that sent anyway
        would be seen by the collector."""
        if self.portal is None:
            raise RuntimeError("this WebKit tab was opened without a desktop portal")
        self.portal.set_available(not offline)
        self.wait_for_function(f"navigator.onLine === {'false' if offline else 'true'}")

    def close(self) -> None:
        """Close this window as a visitor closes a tab; the session goes on in a new one."""
        closing = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        replacement = self.driver.current_window_handle
        self.driver.switch_to.window(closing)
        self.driver.close()
        self.driver.switch_to.window(replacement)

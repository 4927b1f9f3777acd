"""Test browsers as people's browsers, set here and nowhere else.

Every browser the tests and the benchmark drive is automated (``navigator.webdriver``), and
Chromium is headless (``HeadlessChrome`` in its user agent and brands): the library's bot filter
(analytics_web/browser/bots.py) drops such a browser's events by default, as it should. The
suite measures what a person's events do, so each page it serves starts with PERSON_SCRIPT,
which makes the browser look like a person's: not automated, no headless name. The library's
own code, bot filter included, runs unchanged. tests/browser/test_bots.py opens pages without
it (``?robot=1``) to prove the default.
"""

from __future__ import annotations

import re

PERSON_SCRIPT = """(function () {
  var nav = Navigator.prototype;
  function read(value) { return {get: function () { return value; }, configurable: true}; }
  Object.defineProperty(nav, 'webdriver', read(false));
  Object.defineProperty(nav, 'userAgent', read(navigator.userAgent.replace('HeadlessChrome', 'Chrome')));
  if (window.NavigatorUAData) {
    var brands = Object.getOwnPropertyDescriptor(NavigatorUAData.prototype, 'brands').get;
    Object.defineProperty(NavigatorUAData.prototype, 'brands', {configurable: true, get: function () {
      return brands.call(this).map(function (b) {
        return {brand: b.brand.replace('HeadlessChrome', 'Chromium'), version: b.version};
      });
    }});
  }
})();"""

# Where the script goes: first in the head, else as early as a document allows (never before
# the doctype, which would put the page in quirks mode).
PLACES = [re.compile(rf"<{tag}[^>]*>", re.IGNORECASE) for tag in ("head", "html", "!doctype")]
NONCE = re.compile(r"'nonce-([^']+)'")


def as_a_person(html: str, policy: str | None = None) -> str:
    """``html`` with PERSON_SCRIPT first in its head, carrying the nonce a strict Content
    Security Policy (``policy``) asks scripts for."""
    nonce = NONCE.search(policy or "")
    attribute = f' nonce="{nonce.group(1)}"' if nonce else ""
    tag = f"<script{attribute}>{PERSON_SCRIPT}</script>"
    for place in PLACES:
        found = place.search(html)
        if found:
            return html[: found.end()] + tag + html[found.end() :]
    return tag + html

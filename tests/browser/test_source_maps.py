"""The source maps in a browser's developer tools: they name the Python sources."""

from __future__ import annotations

from tests.support.browsers import launch_args


def test_devtools_opens_the_map_that_names_the_python_sources(playwright, site, write_key):
    """What Chromium's DevTools protocol reports for the loaded bundle (a protocol only
    Chromium speaks, so this one test drives Chromium alone)."""
    browser = playwright.chromium.launch(**launch_args(playwright.chromium))
    try:
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        parsed: list[dict] = []
        # Playwright needs a function of its own here, not a bound builtin such as parsed.append.
        cdp.on("Debugger.scriptParsed", lambda event: parsed.append(event))  # noqa: PLW0108
        cdp.send("Debugger.enable")
        page.goto(f"{site.url}/basic.html?key={write_key}")
        page.wait_for_function("window.analytics && analytics.initialized")
        [script] = [event for event in parsed if event["url"].endswith("/dist/analytics.min.js")]
        map_url = f"{site.url}/dist/{script['sourceMapURL']}"
        source_map = page.evaluate("(url) => fetch(url).then(r => r.json())", map_url)
    finally:
        browser.close()
    assert script["sourceMapURL"] == "analytics.min.js.map"
    named = {s.removeprefix("../") for s in source_map["sources"] if not s.startswith("<")}
    assert {"analytics_web/browser/analytics.py", "analytics_web/browser/segmentio.py"} <= named

"""Bots kept out (analytics_web/browser/bots.py, load option botFilter): the browsers the suite
drives are automated and, on pages opened with ``?robot=1``, not dressed as a person's
(tests/support/person.py), so they are what a crawler running the page's JavaScript is. In
Chromium, Firefox and WebKit."""

from __future__ import annotations

from tests.support.pages import page_url, send_marker
from tests.support.tabs import Tab

# Every console.log line the page prints, as text, for what debug(true) says.
CAPTURE_CONSOLE = """() => {
  window.logged = [];
  const log = console.log.bind(console);
  console.log = (...args) => { window.logged.push(args.join(' ')); log(...args); };
}"""


def robot_page(site, write_key: str, **options) -> str:
    return page_url(site, write_key, "basic.html?robot=1", **options)


def test_a_headless_automated_browser_sends_nothing_by_default(tab: Tab, site, write_key, received):
    tab.goto(robot_page(site, write_key))
    settled = tab.evaluate("""async () => {
        const heard = [];
        analytics.on('error', (error) => heard.push(error.message));
        const ctx = await analytics.track('Crawled', {}, {}, () => heard.push('callback'));
        await analytics.page();
        await analytics.flush();
        return {event: ctx.event.event, heard};
    }""")
    assert settled == {"event": "Crawled", "heard": ["callback"]}  # settled, and no error
    send_marker(tab, site.api_host, write_key)
    assert [event["event"] for event in received(1)] == ["Marker"]


def test_the_same_browser_dressed_as_a_person_sends(tab: Tab, site, write_key, received):
    tab.goto(page_url(site, write_key))
    tab.evaluate("analytics.track('Visited')")
    assert received(1)[0]["event"] == "Visited"


def test_bot_filter_false_sends_an_automated_browser_s_events(tab: Tab, site, write_key, received):
    tab.goto(robot_page(site, write_key, botFilter=False))
    tab.evaluate("analytics.track('Monitored')")
    event = received(1)[0]
    assert event["event"] == "Monitored" and "bot" not in event["context"]


def test_mark_sends_a_bot_s_events_marked(tab: Tab, site, write_key, received):
    tab.goto(robot_page(site, write_key, botFilter={"mark": True}))
    tab.evaluate("analytics.track('Crawled')")
    assert received(1)[0]["context"]["bot"] is True


def test_a_site_s_own_pattern_marks_a_person_s_browser(tab: Tab, site, write_key, received):
    # Every user agent says Mozilla: this site's pattern takes everyone for a bot.
    tab.goto(page_url(site, write_key, botFilter={"patterns": ["mozilla"], "mark": True}))
    tab.evaluate("analytics.track('Matched')")
    assert received(1)[0]["context"]["bot"] is True


def test_debug_says_why_an_event_was_not_sent(tab: Tab, site, write_key):
    tab.goto(robot_page(site, write_key))
    tab.evaluate(CAPTURE_CONSOLE)
    tab.evaluate("analytics.debug(true).track('Crawled')")
    tab.wait_for_function("window.logged.some((line) => line.includes('not sent'))")
    line = tab.evaluate("window.logged.find((line) => line.includes('not sent'))")
    assert 'track "Crawled" not sent: this browser is not a person (webdriver)' in line
    assert "botFilter: false" in line

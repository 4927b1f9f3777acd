"""Sessions (analytics_web/browser/sessions.py): every event says which visit it belongs to, as
``context.sessionId`` (the millisecond time the visit started). Time passes on a fake clock the
page reads (Date.now), never by sleeping. In Chromium, Firefox and WebKit."""

from __future__ import annotations

import time

from tests.browser.test_features import features_page
from tests.support.pages import call, open_page, page_url, send_marker
from tests.support.tabs import Tab

MINUTE_MS = 60_000
# The page's clock, moved on by advance(): the library reads Date.now() at each event.
FAKE_CLOCK = """() => {
  const real = Date.now.bind(Date);
  window.clockShift = 0;
  Date.now = () => real() + window.clockShift;
}"""
CONSENT = {"categories": ["analytics"]}
AMPLITUDE = "Actions Amplitude"


def advance(tab: Tab, minutes: float) -> None:
    tab.evaluate(f"window.clockShift += {minutes * MINUTE_MS}")


def session_of(event: dict) -> tuple[int, bool]:
    context = event["context"]
    return context["sessionId"], context.get("sessionStart", False)


def stored_session(tab: Tab) -> str | None:
    return tab.evaluate("localStorage.getItem('analytics_session_id')")


def test_the_first_event_starts_a_session_the_next_ones_continue_it(
    tab: Tab, site, write_key, received
):
    before = time.time() * 1000
    open_page(tab, site, write_key)
    call(tab, "analytics.page()")
    call(tab, "analytics.track('Browsed')")
    first, second = received(2)
    assert session_of(first)[1] is True and "sessionStart" not in second["context"]
    assert session_of(first)[0] == session_of(second)[0]
    assert before - 1000 <= session_of(first)[0] <= time.time() * 1000
    assert tab.evaluate("analytics.getSessionId()") == session_of(first)[0]


def test_a_session_ends_after_thirty_minutes_without_an_event(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate(FAKE_CLOCK)
    call(tab, "analytics.track('A')")
    advance(tab, 29)
    call(tab, "analytics.track('B')")
    advance(tab, 29)  # 58 minutes after the start, 29 after the last event: the timeout slid
    call(tab, "analytics.track('C')")
    advance(tab, 31)
    call(tab, "analytics.track('D')")
    a, b, c, d = (session_of(event) for event in received(4))
    assert a[0] == b[0] == c[0] and not b[1] and not c[1]
    assert d[1] is True and d[0] >= a[0] + 89 * MINUTE_MS


def test_the_timeout_and_a_cut_off_are_options(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, sessions={"timeout": 10 * MINUTE_MS, "cutOff": 60 * MINUTE_MS})
    tab.evaluate(FAKE_CLOCK)
    call(tab, "analytics.track('Start')")
    for _ in range(8):  # every 9 minutes: alive by the 10-minute timeout, for at most the hour
        advance(tab, 9)
        call(tab, "analytics.track('Again')")
    advance(tab, 11)
    call(tab, "analytics.track('After a pause')")
    sessions = [session_of(event) for event in received(10)]
    ids = [session_id for session_id, _ in sessions]
    assert len(set(ids[:7])) == 1  # 0 to 54 minutes
    assert ids[7] != ids[0] and sessions[7][1] is True  # 63 minutes: cut off
    assert ids[8] == ids[7]  # 72 minutes: the new session goes on
    assert ids[9] != ids[8] and sessions[9][1] is True  # 11 idle minutes: timed out


def test_reloads_and_other_pages_of_the_site_continue_the_session(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key)
    call(tab, "analytics.track('First Page')")
    tab.reload()
    call(tab, "analytics.track('Reloaded')")
    # Another document of the site, in a frame as in a second tab: it reads the same storage.
    tab.evaluate(
        """(url) => new Promise((resolve) => {
        const frame = document.createElement('iframe');
        frame.onload = resolve;
        frame.src = url;
        document.body.appendChild(frame);
    })""",
        page_url(site, write_key),
    )
    tab.evaluate("document.querySelector('iframe').contentWindow.analytics.track('In Another')")
    first, reloaded, other = received(3)
    assert session_of(first)[0] == session_of(reloaded)[0] == session_of(other)[0]
    assert not session_of(reloaded)[1] and not session_of(other)[1]


def test_reset_starts_a_new_session(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    call(tab, "analytics.track('Before')")
    tab.evaluate("analytics.reset()")
    call(tab, "analytics.track('After')")
    before, after = received(2)
    assert session_of(after)[0] != session_of(before)[0] and session_of(after)[1] is True


def test_a_site_starts_and_ends_sessions_itself(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    assert tab.evaluate("analytics.startSession(1700000000000)") == 1700000000000
    call(tab, "analytics.track('Started')")
    tab.evaluate("analytics.endSession()")
    assert tab.evaluate("analytics.getSessionId()") is None
    call(tab, "analytics.track('Next Visit')")
    started, next_visit = received(2)
    assert session_of(started) == (1700000000000, True)
    assert session_of(next_visit)[0] > 1700000000000 and session_of(next_visit)[1] is True


def test_sessions_false_puts_no_session_on_events_or_in_storage(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key, sessions=False)
    call(tab, "analytics.track('Untimed')")
    assert "sessionId" not in received(1)[0]["context"]
    assert stored_session(tab) is None and tab.evaluate("analytics.getSessionId()") is None


def test_memory_only_when_the_site_chose_memory(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, disableClientPersistence=True)
    call(tab, "analytics.track('Kept In Memory')")
    assert received(1)[0]["context"]["sessionId"] == tab.evaluate("analytics.getSessionId()")
    assert stored_session(tab) is None


def test_under_consent_the_session_is_stored_only_once_the_visitor_agrees(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key, consent=CONSENT)
    tab.evaluate("analytics.track('Undecided')")
    send_marker(tab, site.api_host, write_key)
    assert [event["event"] for event in received(1)] == ["Marker"]
    assert stored_session(tab) is None
    tab.evaluate("analytics.consent(true)")
    kept = received(2)[1]
    assert session_of(kept)[1] is True
    assert stored_session(tab) == str(session_of(kept)[0])


def test_amplitude_s_session_id_goes_on_events_when_the_settings_name_it(
    tab: Tab, site, write_key, received
):
    settings = {"integrations": {AMPLITUDE: {"apiKey": "amp"}}}
    open_page(tab, site, write_key, cdnSettings=settings)
    call(tab, "analytics.track('To Amplitude')")
    event = received(1)[0]
    assert event["integrations"][AMPLITUDE]["session_id"] == session_of(event)[0]


def test_a_session_segment_s_amplitude_plugin_left_continues(tab: Tab, site, write_key, received):
    tab.goto(f"{site.url}/deferred.html")
    left = tab.evaluate("""() => {
        const started = Date.now() - 10 * 60000;  // ten minutes ago, active a minute ago
        localStorage.setItem('analytics_session_id', JSON.stringify(started));
        localStorage.setItem('analytics_session_id.last_access', JSON.stringify(Date.now() - 60000));
        return started;
    }""")
    tab.evaluate(
        """([key, host]) => { analytics.load(key, {apiHost: host, protocol: 'http',
            sessions: {amplitude: true}}); }""",
        [write_key, site.api_host],
    )
    call(tab, "analytics.track('Switched')")
    event = received(1)[0]
    assert session_of(event) == (left, False)
    assert event["integrations"][AMPLITUDE] == {"session_id": left}
    assert tab.evaluate("JSON.parse(localStorage.getItem('analytics_session_id.last_access'))") > (
        left + 9 * MINUTE_MS
    )


def test_a_session_started_on_the_snippets_stub_holds_for_the_calls_after_it(
    tab: Tab, site, write_key, received
):
    before = "analytics.startSession(1700000000000); analytics.track('After')"
    tab.goto(features_page(site, write_key, before=before))
    page, after = received(2)
    assert session_of(after) == (1700000000000, True)
    assert session_of(page)[0] != 1700000000000  # the snippet's page view came first
    assert tab.evaluate("window.thrown") == []

"""When a call settles: once its event is safe, never after more than one request, and its
callback never later than `timeout` ms after the call. Pages await a track before navigating,
so none of this may hang."""

from __future__ import annotations

from analytics_web.collector import Fault
from tests.support.pages import batching, open_page
from tests.support.tabs import Tab

# The time a call takes to settle and to call back, and what it says about delivery.
TIMED_TRACK = """async (name) => {
    const started = performance.now();
    let calledBack = null;
    const ctx = await analytics.track(name, {}, {}, () => { calledBack = performance.now() - started });
    const settled = performance.now() - started;
    await new Promise(resolve => setTimeout(resolve, 50));
    const failure = ctx.failedDelivery();
    return {settled, calledBack, pending: failure ? failure.reason.message : null};
}"""


def test_offline_a_call_settles_at_once_and_its_event_waits(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.set_offline(True)
    tab.evaluate("analytics.timeout(5000)")  # a callback left to the timeout would show
    timing = tab.evaluate(TIMED_TRACK, "Offline")
    # At once: not at the timeout, and (the reason says) not after a request failed.
    assert timing["settled"] < 2000 and timing["calledBack"] < 2000
    assert "offline" in timing["pending"]
    tab.set_offline(False)
    assert received(1)[0]["event"] == "Offline"


def test_while_the_api_fails_a_call_settles_after_its_first_attempt(
    tab: Tab, site, write_key, collector, received
):
    collector.inject(Fault(status=503, count=3, write_key=write_key))
    open_page(tab, site, write_key)
    timing = tab.evaluate(TIMED_TRACK, "During An Outage")
    assert timing["settled"] < 1000  # the backoff (0.5 s, 1 s, 2 s) is not waited for
    assert "503" in timing["pending"]
    assert received(1)[0]["event"] == "During An Outage"  # the retries deliver it
    assert [r["status"] for r in collector.store.requests(write_key=write_key)] == [
        503,
        503,
        503,
        200,
    ]


def test_while_the_api_is_slow_the_callback_comes_at_the_timeout_and_the_promise_on_delivery(
    tab: Tab, site, write_key, collector, received
):
    collector.inject(Fault(delay=1.5, write_key=write_key))
    open_page(tab, site, write_key)
    timing = tab.evaluate(TIMED_TRACK, "Slow API")
    assert 250 <= timing["calledBack"] < 1000  # Analytics.js's 300 ms: a page can navigate
    assert timing["settled"] >= 1400 and timing["pending"] is None  # acknowledged
    received(1)


def test_timeout_sets_how_long_a_callback_may_wait(tab: Tab, site, write_key, collector, received):
    collector.inject(Fault(delay=1.5, write_key=write_key))
    open_page(tab, site, write_key)
    tab.evaluate("analytics.timeout(50)")
    timing = tab.evaluate(TIMED_TRACK, "Impatient")
    # Well before the API's answer at 1.5 s; a busy machine may run the timer late.
    assert 40 <= timing["calledBack"] < 1000
    received(1)


def test_a_callback_of_a_refused_call_still_runs_and_says_why(tab: Tab, site, write_key):
    open_page(tab, site, write_key)
    outcome = tab.evaluate("""() => new Promise(resolve => {
        analytics.track('', {}, {}, ctx => resolve(ctx.failedDelivery().reason.message)).catch(() => {});
    })""")
    assert "needs an event name" in outcome


def test_flush_waits_until_the_api_has_acknowledged(tab: Tab, site, write_key, collector, received):
    collector.inject(Fault(status=503, count=2, write_key=write_key))
    open_page(tab, site, write_key, **batching(100, 60_000))
    flushed = tab.evaluate("""async () => {
        analytics.track('A'); analytics.track('B');
        await analytics.flush();
        return performance.now();
    }""")
    assert flushed > 0
    # flush() resolved only after the third request, the one acknowledged.
    assert [r["status"] for r in collector.store.requests(write_key=write_key)] == [503, 503, 200]
    assert len(received(2)) == 2


def test_a_refused_identify_changes_nothing(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate("analytics.identify('u-1', {plan: 'free'})")
    received(1)
    before = tab.evaluate(
        "[analytics.user().id(), analytics.user().anonymousId(), analytics.user().traits()]"
    )
    outcome = tab.evaluate("""() => {
        const circular = {}; circular.self = circular;
        return Promise.all([
            analytics.identify('u-2', {plan: 'x'.repeat(40000)}).then(() => 'sent', e => e.message),
            analytics.identify('u-3', {loop: circular}).then(() => 'sent', e => e.message),
        ]);
    }""")
    assert "32 KB" in outcome[0] and "JSON" in outcome[1]
    after = tab.evaluate(
        "[analytics.user().id(), analytics.user().anonymousId(), analytics.user().traits()]"
    )
    assert after == before == ["u-1", before[1], {"plan": "free"}]

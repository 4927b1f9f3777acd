"""The delivery engine against the real collector: batching, unload, faults, offline, tabs.

Every test ends by checking the collector stored each accepted event exactly once, and
records what it saw (sent, stored, duplicate deliveries, requests) for the run's summary.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

import pytest
from playwright.sync_api import BrowserContext, Page

from analytics_web.collector import Fault
from tests.support.collector_client import stored_events
from tests.support.pages import batching, call, open_page, page_url, send_marker
from tests.support.polling import wait_until
from tests.support.tabs import Tab


def count_compressions(tab: Tab) -> None:
    """window.compressions: how many background gzips the page started and how many are still
    running (the library reads each CompressionStream's output through Response.arrayBuffer)."""
    tab.evaluate("""() => {
        const read = Response.prototype.arrayBuffer;
        const compressions = window.compressions = {started: 0, pending: 0};
        Response.prototype.arrayBuffer = function () {
            compressions.started++;
            compressions.pending++;
            return read.call(this).finally(() => compressions.pending--);
        };
    }""")


def track_many(page: Page | Tab, count: int, *, prefix: str = "Event", blob: int = 0) -> None:
    """Make `count` track calls without waiting for delivery. `window.allSettled` resolves to
    each call's outcome: 'ok' (delivered), 'pending: <why>' (kept for a retry), or the message
    of the error it rejected with."""
    page.evaluate(
        """([count, prefix, blob]) => {
            const outcomes = [];
            for (let i = 0; i < count; i++) {
              const call = analytics.track(prefix + ' ' + i, {i, blob: 'x'.repeat(blob)});
              outcomes.push(call.then(
                ctx => ctx.failedDelivery() ? 'pending: ' + ctx.failedDelivery().reason.message : 'ok',
                error => error.message));
            }
            window.allSettled = Promise.all(outcomes);
        }""",
        [count, prefix, blob],
    )


def stored_once(received, expected: int) -> list[dict]:
    """The collector stored `expected` events, each exactly once."""
    events = received(expected, timeout=30)
    ids = [event["messageId"] for event in events]
    assert len(set(ids)) == len(ids) == expected
    return events


# -- batching ---------------------------------------------------------------------------------


def test_without_batching_calls_made_in_one_task_go_in_one_request(
    tab: Tab, site, write_key, collector, received
):
    """Sign-up's identify + group + track cost one request, sent at the end of the task."""
    open_page(tab, site, write_key)
    tab.evaluate("""() => {
        analytics.identify('u-1', {plan: 'pro'});
        analytics.group('acct-1', {name: 'Acme'});
        analytics.track('Signed Up', {}, {context: {groupId: 'acct-1'}});
    }""")
    events = stored_once(received, 3)
    assert [e["type"] for e in events] == ["identify", "group", "track"]
    [request] = collector.store.requests(write_key=write_key)
    assert (request["path"], request["events"]) == ("/v1/batch", 3)


def test_without_batching_calls_in_separate_tasks_each_go_at_once(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key)
    for name in ("First", "Second", "Third"):
        call(tab, f"analytics.track({name!r})")  # each awaited: its own task and request
    stored_once(received, 3)
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [1, 1, 1]


def test_a_full_batch_is_sent_at_once(tab: Tab, site, write_key, collector, received):
    open_page(tab, site, write_key, **batching(5, 60_000))
    track_many(tab, 10)
    assert tab.evaluate("window.allSettled") == ["ok"] * 10
    stored_once(received, 10)
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [5, 5]


def test_a_partial_batch_is_sent_when_its_timeout_passes(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, **batching(100, 300))
    track_many(tab, 3)
    assert tab.evaluate("window.allSettled") == ["ok"] * 3
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [3]


def test_a_burst_waits_for_the_batch_in_flight_then_goes_together(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    open_page(tab, site, write_key, **batching(10, 60_000))
    track_many(tab, 100)
    stored_once(received, 100)
    # The first full batch goes at once; the other 90 arrive while it is in flight and go in
    # one request when it is answered, as analytics-next does.
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [10, 90]
    report_delivery("100 events at once, batch size 10", 100)


def test_batches_spread_out_in_time_go_one_by_one(tab: Tab, site, write_key, collector, received):
    open_page(tab, site, write_key, **batching(5, 60_000))
    for _ in range(3):
        track_many(tab, 5)
        tab.evaluate("window.allSettled")  # answered before the next burst starts
    stored_once(received, 15)
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [5, 5, 5]


def test_compress_sends_gzipped_batches_the_collector_stores(
    tab: Tab, site, write_key, collector, received
):
    options = batching(20, 60_000)
    options["integrations"]["Segment.io"]["compress"] = True
    open_page(tab, site, write_key, **options)
    track_many(tab, 20)
    assert tab.evaluate("window.allSettled") == ["ok"] * 20
    events = stored_once(received, 20)
    assert events[0]["properties"]["i"] == 0
    [request] = collector.store.requests(write_key=write_key)
    assert request["content_encoding"] == "gzip"
    body = json.dumps({"batch": events}).encode()
    assert request["bytes"] < len(body) / 4  # twenty similar events compress well


def test_without_compress_bodies_go_as_they_are(tab: Tab, site, write_key, collector, received):
    open_page(tab, site, write_key, **batching(5, 60_000))
    track_many(tab, 5)
    stored_once(received, 5)
    [request] = collector.store.requests(write_key=write_key)
    assert request["content_encoding"] is None


def test_a_big_batch_is_split_under_the_request_limit(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, **batching(40, 60_000))
    track_many(tab, 40, blob=20_000)  # 40 x 20 KB = 800 KB: two requests under 500 KB
    assert tab.evaluate("window.allSettled") == ["ok"] * 40
    stored_once(received, 40)
    requests = collector.store.requests(write_key=write_key)
    assert len(requests) == 2 and all(r["status"] == 200 for r in requests)


def test_an_oversize_event_is_refused_and_does_not_block_the_rest(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key)
    outcome = tab.evaluate("""async () => {
        const big = analytics.track('Too Big', {blob: 'x'.repeat(40000)}).then(() => 'sent', e => e.message);
        const small = analytics.track('Small').then(() => 'sent', e => e.message);
        return [await big, await small];
    }""")
    assert "32 KB" in outcome[0] and outcome[1] == "sent"
    [event] = received(1)
    assert event["event"] == "Small"


def test_an_event_over_32_kb_of_utf8_is_refused_even_when_its_characters_are_fewer(
    tab: Tab, site, write_key, collector, received
):
    """12,000 CJK characters are 36,000 bytes of UTF-8: over the API's limit."""
    open_page(tab, site, write_key)
    outcome = tab.evaluate("""async () => {
        const wide = analytics.track('Wide', {text: '\u6f22'.repeat(12000)}).then(() => 'sent', e => e.message);
        const fits = analytics.track('Fits', {text: '\u6f22'.repeat(10000)}).then(() => 'sent', e => e.message);
        return [await wide, await fits];
    }""")
    assert "32 KB" in outcome[0] and outcome[1] == "sent"
    [event] = received(1)
    assert event["event"] == "Fits"


# -- leaving the page ---------------------------------------------------------------------------


def test_events_queued_when_the_page_is_left_all_arrive(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    open_page(tab, site, write_key, **batching(100, 30_000))
    track_many(tab, 25)
    tab.click("#leave")
    stored_once(received, 25)
    report_delivery("leave with 25 queued", 25)


def test_events_queued_in_the_pages_own_pagehide_handler_still_go_out(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, **batching(100, 30_000))
    tab.evaluate("addEventListener('pagehide', () => analytics.track('Left The Page'))")
    track_many(tab, 2)
    tab.click("#leave")
    events = stored_once(received, 3)
    assert "Left The Page" in {event["event"] for event in events}


def test_more_than_64_kb_queued_on_leaving_all_arrives(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    open_page(tab, site, write_key, **batching(100, 30_000))
    count_compressions(tab)
    track_many(tab, 25, blob=4_000)  # about 100 KB, over the keepalive budget
    # A visitor leaves a moment later; a loaded test machine may click before the background
    # gzip is done (then 64 KB goes plain and the next page sends the rest), so wait for it.
    tab.wait_for_function("window.compressions.started > 0 && window.compressions.pending == 0")
    tab.click("#leave")  # all of it goes gzipped on the way out
    tab.wait_for_url("**/blank.html")
    # The next page of the site never saw that request's answer, so it sends the queue again;
    # the collector stores each event once and counts the second copies as duplicates.
    open_page(tab, site, write_key, **batching(100, 30_000))
    stored_once(received, 25)
    assert wait_until(lambda: len(collector.store.requests(write_key=write_key)) == 2, 10)
    requests = collector.store.requests(write_key=write_key)
    assert sorted((r["events"], r["content_encoding"] or "") for r in requests) == [
        (25, ""),
        (25, "gzip"),
    ]
    assert collector.store.stats(write_key=write_key)["duplicates"] == 25
    report_delivery("leave with 100 KB queued", 25)


def test_an_event_in_flight_when_the_page_is_left_is_sent_by_the_next_page(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key)
    # A link that tracks its click: the request starts, and the navigation cuts it off.
    tab.evaluate(
        "document.getElementById('leave').addEventListener('click', () => analytics.track('Left'))"
    )
    collector.inject(Fault(delay=1, write_key=write_key))
    tab.click("#leave")
    tab.wait_for_url("**/blank.html")
    open_page(tab, site, write_key)
    # The next page of this tab takes its queue back at once; it must not mistake it for a
    # live tab's queue, which another tab would adopt only after 6 s.
    events = received(1, timeout=4)
    assert events[0]["event"] == "Left"


def test_closing_the_page_sends_what_is_queued(tab: Tab, site, write_key, collector, received):
    open_page(tab, site, write_key, **batching(100, 30_000))
    track_many(tab, 25)
    tab.close()
    stored_once(received, 25)


def test_a_page_restored_from_the_back_forward_cache_keeps_sending(
    bfcache_page: Page, site, write_key, collector, received
):
    page = bfcache_page
    open_page(page, site, write_key)
    page.evaluate("addEventListener('pageshow', event => { window.restored = event.persisted })")
    page.evaluate("analytics.track('Before')")
    page.click("#leave")
    page.wait_for_url("**/blank.html")
    # Playwright's go_back waits for navigation events a back/forward-cache restore does not
    # fire in every browser, so go back from the page and wait for the restored page itself.
    page.evaluate("setTimeout(() => history.back(), 0)")
    page.wait_for_function(
        "location.pathname === '/basic.html' && window.analytics && analytics.initialized"
    )
    assert page.evaluate("window.restored") is True, "the page was not restored from the bfcache"
    page.evaluate("analytics.track('After')")
    events = received(2)
    assert [event["event"] for event in events] == ["Before", "After"]


# -- faults ------------------------------------------------------------------------------------


def test_three_503s_then_success(tab: Tab, site, write_key, collector, received, report_delivery):
    collector.inject(Fault(status=503, count=3, write_key=write_key))
    open_page(tab, site, write_key, **batching(5, 60_000))
    track_many(tab, 5)
    outcomes = tab.evaluate("window.allSettled")  # after the first attempt, not the fourth
    assert all(outcome.startswith("pending: ") and "503" in outcome for outcome in outcomes)
    stored_once(received, 5)
    requests = collector.store.requests(write_key=write_key)
    assert [r["status"] for r in requests] == [503, 503, 503, 200]
    assert [r["retry_count"] for r in requests] == [None, 1, 2, 3]
    report_delivery("503 x3 then 200", 5)


def test_429_waits_for_retry_after(tab: Tab, site, write_key, collector, received, report_delivery):
    collector.inject(Fault(status=429, retry_after=2, write_key=write_key))
    open_page(tab, site, write_key)
    pending = tab.evaluate("""async () => {
        const ctx = await analytics.track('Rate Limited');
        return ctx.failedDelivery() && ctx.failedDelivery().reason.message;
    }""")
    # The call settles after its first attempt, saying its event waits for a retry ...
    assert "429" in pending and "retried" in pending
    stored_once(received, 1)
    # ... and the retry comes once Retry-After has passed.
    first, second = collector.store.requests(write_key=write_key)
    assert (first["status"], second["status"]) == (429, 200)
    waited = datetime.fromisoformat(second["received_at"]) - datetime.fromisoformat(
        first["received_at"]
    )
    assert waited.total_seconds() >= 1.9
    report_delivery("429 Retry-After 2", 1)


def test_a_dropped_connection_is_retried(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    collector.inject(Fault(drop=True, write_key=write_key))
    open_page(tab, site, write_key)
    tab.evaluate("analytics.track('Dropped Once')")
    stored_once(received, 1)
    report_delivery("connection dropped", 1)


def test_a_call_settles_when_the_api_holds_its_request_unanswered(tab: Tab, site, write_key):
    """A proxy or a captive portal that keeps the connection open and never answers: after a
    while the attempt counts as failed, so a page awaiting its track before navigating goes
    on, and the event is sent again and arrives."""
    tab.goto(f"{site.url}/deferred.html")
    tab.evaluate(
        "([key, url]) => analytics.load(key, {apiHost: url})", [write_key, f"{site.url}/stall/v1"]
    )
    settled = tab.evaluate("""async () => {
        const started = performance.now();
        const gaveUp = new Promise((resolve) => setTimeout(() => resolve(null), 25000));
        const ctx = await Promise.race([analytics.track('Through A Stall'), gaveUp]);
        return ctx && {waitedMs: performance.now() - started, messageId: ctx.event.messageId,
                       kept: String(ctx.failedDelivery() && ctx.failedDelivery().reason)};
    }""")
    assert settled is not None, "the call still waits on the unanswered request"
    assert settled["waitedMs"] >= 10_000  # the first attempt had its time
    assert "kept in the outbox and retried" in settled["kept"]

    def arrived() -> int:
        return sum(1 for sent in site.echoed if settled["messageId"].encode() in sent["body"])

    assert wait_until(lambda: arrived() >= 1, 10)
    assert arrived() == 1


def test_a_400_drops_that_batch_without_retrying_and_reports_it(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    collector.inject(Fault(status=400, write_key=write_key))
    open_page(tab, site, write_key, **batching(3, 60_000))
    tab.evaluate(
        "() => { window.errors = []; analytics.on('error', e => window.errors.push(e.message)) }"
    )
    track_many(tab, 6)
    outcomes = tab.evaluate("window.allSettled")
    # The two batches go out together; the 400 answers whichever request reaches the collector
    # first. Exactly one whole batch is refused, the other delivered.
    batches = [outcomes[:3], outcomes[3:]]
    rejected = next(i for i, batch in enumerate(batches) if batch[0] != "ok")
    assert all("rejected 3 event(s) with 400" in outcome for outcome in batches[rejected])
    assert batches[1 - rejected] == ["ok"] * 3
    assert any("400" in message for message in tab.evaluate("window.errors"))
    events = stored_once(received, 3)
    delivered = [3, 4, 5] if rejected == 0 else [0, 1, 2]
    assert sorted(event["properties"]["i"] for event in events) == delivered
    assert [r["status"] for r in collector.store.requests(write_key=write_key)] == [400, 200]
    report_delivery("400 for one batch", 6)


def test_the_collector_down_for_a_while_and_back(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    open_page(tab, site, write_key)
    collector.stop_listening()
    try:
        track_many(tab, 5)
        # The calls settle once their first attempt has failed against the closed port.
        outcomes = tab.evaluate("window.allSettled")
    finally:
        collector.start_listening()
    assert all("network error" in outcome and "retried" in outcome for outcome in outcomes)
    stored_once(received, 5)
    report_delivery("collector down then up", 5)


# -- offline, crashes and tabs -----------------------------------------------------------------


def test_events_waiting_for_a_retry_are_sent_by_the_next_page(
    tab: Tab, site, write_key, collector, received
):
    """The API is unreachable and the visitor reloads: the outbox (localStorage) carries the
    events to the next page, which sends them once the API is back."""
    open_page(tab, site, write_key)
    collector.stop_listening()
    try:
        track_many(tab, 5)
        tab.evaluate("window.allSettled")  # each kept for a retry
        tab.reload()
    finally:
        collector.start_listening()
    stored_once(received, 5)


def test_offline_events_go_out_when_back_online(
    tab: Tab, site, write_key, collector, received, report_delivery
):
    open_page(tab, site, write_key)
    tab.set_offline(True)
    track_many(tab, 5)
    # Offline, the calls settle at once, kept in the outbox, and the library does not even try
    # (a failed attempt would say so instead).
    outcomes = tab.evaluate("window.allSettled")
    assert all(
        outcome.startswith("pending: ") and "the browser is offline" in outcome
        for outcome in outcomes
    )
    tab.set_offline(False)
    stored_once(received, 5)
    # One request, once back online. In WebKit only the page is told it is offline (the network
    # stays up), so a request made while offline would have reached the collector too.
    assert [r["events"] for r in collector.store.requests(write_key=write_key)] == [5]
    report_delivery("offline then online", 5)


def test_events_of_a_closed_offline_page_are_sent_by_the_next_page(
    context: BrowserContext, site, write_key, collector, received, report_delivery
):
    first = context.new_page()
    open_page(first, site, write_key)
    context.set_offline(True)
    track_many(first, 5)
    first.close()
    context.set_offline(False)
    second = context.new_page()
    open_page(second, site, write_key)
    stored_once(received, 5)
    report_delivery("closed offline, reopened", 5)


def test_two_tabs_one_closed_with_pending_events(
    context: BrowserContext, site, write_key, collector, received, report_delivery
):
    options = batching(100, 30_000)
    first, second = context.new_page(), context.new_page()
    open_page(first, site, write_key, **options)
    open_page(second, site, write_key, **options)
    track_many(first, 10, prefix="First")
    track_many(second, 10, prefix="Second")
    context.set_offline(True)  # what the closing tab sends on its way out cannot arrive
    with first.expect_event("close"):
        first.close(run_before_unload=True)
    context.set_offline(False)
    second.evaluate("analytics.flush()")
    events = stored_once(received, 20)
    assert sum(event["event"].startswith("First") for event in events) == 10
    report_delivery("two tabs, one closed", 20)


# A write key's stored queues (one per tab), and everything stored for them (their parts too).
QUEUES = """(key) => Object.keys(localStorage)
    .filter(k => k.startsWith('aw_queue:' + key + ':') && k.split(':').length == 3)"""
STORED = """(key) => Object.keys(localStorage)
    .filter(k => k.startsWith('aw_queue:' + key + ':'))"""


def test_a_waiting_tab_beats_without_rewriting_its_queue_and_keeps_it(
    context: BrowserContext, site, write_key, collector, received
):
    """A tab whose events wait says it is alive in a heartbeat key of its own, every 2 s, and
    leaves its stored queue as it is (with thousands waiting, rewriting it cost each beat tens
    of ms). Another tab, which looks again 8 s after the queue was written, past the 6 s a
    silent tab is given, still leaves it alone."""
    first, second = context.new_page(), context.new_page()
    open_page(first, site, write_key)
    open_page(second, site, write_key)
    context.set_offline(True)
    track_many(first, 5)
    first.evaluate("window.allSettled")
    [key] = first.evaluate(QUEUES, write_key)
    stored = first.evaluate("(key) => localStorage.getItem(key)", key)
    written = json.loads(stored)["beat"]
    first.wait_for_function(
        "([key, written]) => Number(localStorage.getItem(key + ':beat')) - written > 9000",
        arg=[key, written],
        timeout=20_000,
    )
    # Unwritten since, and not taken by the other tab (which would have removed it).
    assert first.evaluate("(key) => localStorage.getItem(key)", key) == stored
    context.set_offline(False)
    stored_once(received, 5)


def test_with_a_backlog_a_call_stores_its_own_part_not_every_waiting_event(
    context: BrowserContext, page: Page, site, write_key, received
):
    """300 events of 1 KB wait (offline): one more call writes one part of at most 64 KB (and
    the queue's few bytes), not the 300 KB waiting; once back online every event arrives, once."""
    page.add_init_script("""window.storageWrites = [];
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function (key, value) {
          window.storageWrites.push([key, String(value).length]);
          return setItem.call(this, key, value);
        };""")
    open_page(page, site, write_key)
    context.set_offline(True)
    track_many(page, 300, blob=1000)
    page.evaluate("window.allSettled")
    parts = [key for key in page.evaluate(STORED, write_key) if ":p" in key]
    assert len(parts) >= 5
    page.evaluate("""async () => {
        window.storageWrites = [];
        await analytics.track('One more', {blob: 'x'.repeat(1000)});
    }""")
    writes = [
        w
        for w in page.evaluate("window.storageWrites")
        if not w[0].endswith(":beat") and not w[0].startswith("analytics_session_id")
    ]
    # The queue itself (a few bytes saying it is open), then the part the event went to (and,
    # left out above, the session's time of its last event).
    assert [key.rsplit(":", 1)[-1].startswith("p") for key, _ in writes] == [False, True]
    assert writes[0][1] < 100
    assert 1000 < writes[1][1] <= 70 * 1024
    context.set_offline(False)
    stored_once(received, 301)


def stored_elsewhere(write_key: str, tab: str, suffix: str, events: list[dict]) -> str:
    """A script that leaves a gone tab's events in localStorage, under ``suffix`` of its queue
    key, as {open: false, beat, items} (the shape of a whole queue in earlier versions, and of
    a part now)."""
    items = [{"event": event, "attempts": 1, "bytes": len(json.dumps(event))} for event in events]
    record = {"open": False, "beat": 0, "items": items}
    key = f"aw_queue:{write_key}:{tab}{suffix}"
    return f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(record))})"


def left_event(number: int) -> dict:
    return {
        "type": "track",
        "event": f"Left {number}",
        "messageId": f"left-{uuid.uuid4()}",
        "anonymousId": "gone-visitor",
        "timestamp": "2026-11-30T10:00:00.000Z",
        "properties": {},
    }


@pytest.mark.parametrize(
    "suffix", ["", ":p0"], ids=["queue-of-an-earlier-version", "part-without-its-queue"]
)
def test_events_a_gone_tab_left_in_storage_are_sent(page: Page, site, write_key, received, suffix):
    """A queue written by the previous version (its events in the queue itself), or a part
    whose queue is gone, is taken by the next page of the site and sent."""
    open_page(page, site, write_key, "blank.html")
    page.evaluate(stored_elsewhere(write_key, "gone-tab", suffix, [left_event(1), left_event(2)]))
    open_page(page, site, write_key)
    events = stored_once(received, 2)
    assert sorted(event["event"] for event in events) == ["Left 1", "Left 2"]
    # Acknowledged, so nothing is kept: the stored copy catches up within a second.
    page.wait_for_function(f"({STORED})({json.dumps(write_key)}).length == 0", timeout=5000)


def test_a_waiting_outbox_leaves_the_site_room_in_localstorage(tab: Tab, site, write_key, received):
    """Events that cannot go (offline for long, or an ad blocker in the way) wait in at most
    1 MB of the origin's ~5 MB of localStorage, so the site's own storage keeps working."""
    open_page(tab, site, write_key)
    tab.set_offline(True)
    track_many(tab, 140, blob=30_000)  # 4.2 MB of events
    outcomes = tab.evaluate("window.allSettled")
    kept = [i for i, outcome in enumerate(outcomes) if outcome.startswith("pending: ")]
    assert 30 <= len(kept) < 36 and kept == list(range(len(kept)))
    assert all("outbox is full" in outcome for outcome in outcomes[len(kept) :])
    stored = tab.evaluate("""() => {
        try { localStorage.setItem('site-state', 'x'.repeat(2500000)); return 'stored' }
        catch (error) { return error.name }
    }""")
    assert stored == "stored"
    tab.evaluate("localStorage.removeItem('site-state')")
    tab.set_offline(False)
    assert len(stored_once(received, len(kept))) == len(kept)


def test_a_full_outbox_refuses_new_events_and_keeps_the_waiting_ones(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, queue={"maxEvents": 5})
    tab.set_offline(True)
    track_many(tab, 7)
    tab.set_offline(False)
    outcomes = tab.evaluate("window.allSettled")
    assert all(
        outcome.startswith("pending: ") and "the browser is offline" in outcome
        for outcome in outcomes[:5]
    )
    assert all("outbox is full (5 events waiting" in outcome for outcome in outcomes[5:])
    events = stored_once(received, 5)
    assert sorted(event["properties"]["i"] for event in events) == [0, 1, 2, 3, 4]


def test_a_burst_larger_than_the_outbox_bounds_all_arrives_while_the_api_takes_it(
    tab: Tab, site, write_key, received
):
    """The bounds are for events that wait (offline, the API failing): 1.2 MB of events made in
    one task, with the API answering, is not a backlog and goes out whole."""
    open_page(tab, site, write_key)
    track_many(tab, 40, blob=30_000)
    assert tab.evaluate("window.allSettled") == ["ok"] * 40
    assert sorted(event["properties"]["i"] for event in stored_once(received, 40)) == list(
        range(40)
    )


def test_a_hidden_page_sends_what_is_queued(tab: Tab, site, write_key, collector, received):
    open_page(tab, site, write_key, **batching(100, 60_000))
    track_many(tab, 3)
    # Headless browsers never hide a page, so the browser's signal is given by hand.
    tab.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
    }""")
    stored_once(received, 3)


def test_when_keepalive_fetch_is_refused_a_beacon_carries_the_events(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, **batching(100, 60_000))
    tab.evaluate("""() => {
        const realFetch = window.fetch;
        window.fetch = (url, init) => {
            if (init && init.keepalive) throw new TypeError('keepalive refused');
            return realFetch(url, init);
        };
    }""")
    track_many(tab, 4)
    tab.click("#leave")
    stored_once(received, 4)
    assert [r["content_type"] for r in collector.store.requests(write_key=write_key)] == [
        "text/plain"
    ]


def test_after_ten_failed_attempts_events_wait_for_a_later_page(
    page: Page, site, write_key, collector, received
):
    collector.inject(Fault(status=503, count=10, write_key=write_key))
    page.clock.install()  # the backoff (0.5 s, 1 s ... 60 s) runs on a fake clock
    open_page(page, site, write_key)
    pending = page.evaluate("""async () => {
        window.gaveUp = null;
        analytics.on('error', error => { window.gaveUp = error.message });
        const realFetch = window.fetch;
        window.inFlight = 0;  // requests the page is waiting on
        window.fetch = (...args) => {
            window.inFlight += 1;
            const request = realFetch(...args);
            request.finally(() => { window.inFlight -= 1 }).catch(() => {});
            return request;
        };
        const ctx = await analytics.track('Patient');
        return ctx.failedDelivery().reason.message;
    }""")
    assert "503" in pending  # settled after the first attempt, not after all ten
    deadline = time.monotonic() + 60
    # Each retry is scheduled only once the real request before it has been answered. Fake
    # time moves on only while no request is waiting for its answer: 10 s of it passing over
    # one would give that attempt up as stalled (transport.py).
    while page.evaluate("window.gaveUp") is None and time.monotonic() < deadline:
        assert wait_until(lambda: page.evaluate("window.inFlight") == 0, 10)
        page.clock.run_for(5_000)
    assert "not delivered (503) after 10 attempts" in page.evaluate("window.gaveUp")
    assert [r["status"] for r in collector.store.requests(write_key=write_key)] == [503] * 10
    assert collector.store.events(write_key=write_key) == []
    page.reload()  # the next page load sends what is still waiting
    assert received(1)[0]["event"] == "Patient"


# -- what the load options say of Segment.io ----------------------------------------------------


@pytest.mark.parametrize(
    ("integrations", "delivers"),
    [
        ({"All": False}, False),
        ({"Segment.io": False}, False),
        ({"All": False, "Segment.io": True}, True),
        ({"All": False, "Segment.io": "SETTINGS"}, True),
    ],
    ids=["all-off", "segment-off", "all-off-segment-named", "all-off-segment-settings"],
)
def test_load_integrations_decide_whether_the_tracking_api_gets_events(
    tab: Tab, site, write_key, collector, integrations, delivers
):
    """As in analytics-next, {All: false} keeps Segment.io from loading unless it is named.
    A call to a loaded Segment.io settles once the API acknowledged it, so what the collector
    holds when it has settled is all it will get."""
    if integrations.get("Segment.io") == "SETTINGS":  # named by its settings
        integrations["Segment.io"] = {"apiHost": site.api_host, "protocol": "http"}
    open_page(tab, site, write_key, integrations=integrations)
    tab.evaluate("analytics.track('Maybe Sent').then(() => analytics.flush())")
    stored = [event["event"] for event in stored_events(collector, write_key)]
    assert stored == (["Maybe Sent"] if delivers else [])


# -- headers a site's API needs -----------------------------------------------------------------


def with_headers(headers: str) -> str:
    """Load options (JavaScript) that give Segment.io these headers."""
    return (
        "{integrations: {'Segment.io': {deliveryStrategy: {config: {headers: " + headers + "}}}}}"
    )


@pytest.mark.parametrize(
    ("headers", "tokens"),
    [
        ("{'X-Site-Token': 't-1'}", ["t-1", "t-1"]),
        ("() => ({'X-Site-Token': 't-' + (window.asked += 1)})", ["t-1", "t-2"]),
    ],
    ids=["object", "function"],
)
def test_delivery_strategy_headers_go_with_every_request(
    tab: Tab, site, write_key, headers, tokens
):
    """deliveryStrategy.config.headers, an object or a function called per request, as in
    analytics-next: a proxy in front of the API may need one."""
    tab.goto(f"{site.url}/deferred.html")
    tab.evaluate(
        "([key, url]) => { window.asked = 0; analytics.load(key, Object.assign({apiHost: url}, "
        + with_headers(headers)
        + ")) }",
        [write_key, f"{site.url}/echo/v1"],
    )
    tab.evaluate("analytics.track('One').then(() => analytics.track('Two'))")

    def sent() -> list[dict[str, str]]:
        return [
            {name.lower(): value for name, value in request["headers"].items()}
            for request in site.echoed
            if write_key.encode() in request["body"]
        ]

    assert wait_until(lambda: len(sent()) >= 2, 10)
    assert [headers["x-site-token"] for headers in sent()] == tokens
    assert {headers["content-type"] for headers in sent()} == {"text/plain"}


def test_a_header_of_the_sites_own_goes_to_an_api_elsewhere_and_on_leaving(
    tab: Tab, site, write_key, received
):
    """An API on another origin lets the header through its preflight, and the requests that
    outlive the page carry it too: what is queued when the visitor leaves still arrives."""
    options = batching(100, 30_000)
    options["integrations"]["Segment.io"]["deliveryStrategy"]["config"]["headers"] = {
        "X-Site-Token": "t-1"
    }
    open_page(tab, site, write_key, **options)
    tab.evaluate("Promise.all([analytics.track('Sent'), analytics.flush()])")
    track_many(tab, 5)
    tab.click("#leave")
    stored_once(received, 6)


def test_an_instance_replaced_while_its_retry_waits_does_not_send_again(
    tab: Tab, site, write_key, collector, received
):
    """A hot reload (or React's strict mode) loads a second instance for the write key while
    the first waits to retry: the newer one takes the outbox over and sends the event; the
    first one's retry timer must not send it a second time."""
    collector.inject(Fault(status=503, count=1, write_key=write_key))
    tab.goto(page_url(site, write_key, "module.html"))
    tab.wait_for_function("window.moduleReady === true")
    tab.evaluate("""async () => {
        const [first] = await AnalyticsBrowser.load(here);
        await first.track('Once');  // answered 503: a retry waits about 500 ms
        await AnalyticsBrowser.load(here);
        // Past the first one's retry: a timer set after its timer fires after it.
        await new Promise((resolve) => setTimeout(resolve, 1500));
    }""")
    send_marker(tab, site.api_host, write_key)
    assert [event["event"] for event in received(2)] == ["Once", "Marker"]
    statuses = [r["status"] for r in collector.store.requests(write_key=write_key)]
    assert statuses == [503, 200, 200]  # the 503, the newer instance's send, the marker


def test_requests_go_on_past_64_kb_when_the_api_answers_no_store(tab: Tab, site, write_key):
    """Every request is a keepalive one while the browser's 64 KB budget allows. Behind a
    gateway that marks answers no-store, Chromium gives a request's share of that budget back
    only once the page has read the answer's body: a page that never read them would find
    every request refused after 64 KB, and its events kept for a later visit."""
    tab.goto(f"{site.url}/deferred.html")
    tab.evaluate(
        "([key, url]) => analytics.load(key, {apiHost: url})",
        [write_key, f"{site.url}/no-store/v1"],
    )
    calls = 100  # 2 KB each: 200 KB in all, one request each, one after the other
    sent = tab.evaluate(
        """async (calls) => {
            let pending = 0;
            for (let i = 0; i < calls; i++) {
                const ctx = await analytics.track('Read', {n: i, text: 'x'.repeat(2000)});
                if (ctx.failedDelivery()) pending += 1;
            }
            return pending;
        }""",
        calls,
    )

    def echoed() -> int:
        return sum(1 for request in site.echoed if write_key.encode() in request["body"])

    assert sent == 0, f"{sent} of {calls} calls were not acknowledged"
    assert wait_until(lambda: echoed() >= calls, 10)
    assert echoed() == calls

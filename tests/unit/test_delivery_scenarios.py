"""Segment.io's delivery as a state machine, driven in Node on a fake clock with scripted API
answers (the harness's fakeBrowser): batching by size and by time, one batch in flight,
retries and their waits, refusals, flush() and the outbox across page loads. Each scenario
takes milliseconds; the browser tests prove the same in real engines, at real speed."""

from __future__ import annotations

import json
from typing import Any

# A destination with ``settings`` over the defaults; track() makes a call and returns its
# messageId (``properties`` its properties); each call's outcome lands in ``settled`` as [id, 'delivered' | 'pending' | error].
SCENARIO = """async ({SegmentDestination}) => {
    const browser = fakeBrowser();
    try {
        const reported = [];
        const settled = [];
        const make = () => SegmentDestination('wk', Object.assign({
            url: 'https://api.example/v1/batch', batchSize: 1, batchTimeout: 0, compress: false,
            retryQueue: true, stored: true,
        }, %(settings)s), (error) => reported.push(error.message), () => {});
        let destination = make();
        let made = 0;
        const track = (properties = {}) => {
            const id = 'm-' + made++;
            const ctx = {event: {type: 'track', event: 'Clicked', messageId: id, properties},
                         setFailedDelivery(failure) { this.failure = failure; },
                         failedDelivery() { return this.failure; }};
            destination.accept_call(ctx).then(
                (done) => settled.push([id, done.failure ? 'pending' : 'delivered']),
                (error) => settled.push([id, error.message]));
            return id;
        };
        const sent = () => browser.requests.map((request) => request.ids);
        %(body)s
    } finally {
        browser.restore();
    }
}"""


def scenario(node, body: str, **settings: Any) -> Any:
    return node.run("segmentio", SCENARIO % {"settings": json.dumps(settings), "body": body})


def test_a_full_batch_goes_at_once(node):
    assert scenario(
        node,
        "track(); track(); track(); await browser.settle(); return sent();",
        batchSize=3,
        batchTimeout=10_000,
    ) == [["m-0", "m-1", "m-2"]]


def test_a_batch_not_full_goes_when_its_timeout_ends(node):
    before, after = scenario(
        node,
        """track(); track();
        await browser.tick(4999);
        const before = sent();
        await browser.tick(1);
        return [before, sent()];""",
        batchSize=10,
        batchTimeout=5000,
    )
    assert before == [] and after == [["m-0", "m-1"]]


def test_while_a_batch_is_in_flight_the_next_waits_for_its_answer(node):
    during, after = scenario(
        node,
        """let answer;
        browser.answers.push({status: 200, hold: new Promise((resolve) => { answer = resolve; })});
        track(); track(); await browser.settle();
        track(); track(); await browser.tick(5000);
        const during = sent();
        answer(); await browser.settle();
        return [during, sent()];""",
        batchSize=2,
        batchTimeout=1000,
    )
    assert during == [["m-0", "m-1"]]
    assert after == [["m-0", "m-1"], ["m-2", "m-3"]]


def test_a_503_settles_the_call_pending_and_is_retried_after_the_backoff(node):
    settled, before, after = scenario(
        node,
        """browser.answers.push({status: 503});
        track(); await browser.settle();
        const early = settled.slice();
        await browser.tick(449);  // the first wait: 500 ms, less 10% at most
        const before = browser.requests.length;
        await browser.tick(101);
        return [early, before, browser.requests.map((request) => request.retryCount)];""",
    )
    assert settled == [["m-0", "pending"]]  # safe in the outbox after one attempt
    assert before == 1
    assert after == [0, 1]


def test_a_429_waits_as_long_as_retry_after_says(node):
    before, after = scenario(
        node,
        """browser.answers.push({status: 429, headers: {'Retry-After': '7'}});
        track();
        await browser.tick(6999);
        const before = browser.requests.length;
        await browser.tick(1);
        return [before, browser.requests.length];""",
    )
    assert (before, after) == (1, 2)


def test_a_refusal_rejects_the_call_and_is_not_retried(node):
    settled, reported, requests = scenario(
        node,
        """browser.answers.push({status: 400, text: 'no such write key'});
        track();
        await browser.tick(120000);
        return [settled, reported, browser.requests.length];""",
    )
    message = "analytics-web: the API rejected 1 event(s) with 400: no such write key"
    assert settled == [["m-0", message]] and reported == [message] and requests == 1


FULL = (
    "analytics-web: the outbox is full (3 events waiting for the API); this event was not accepted"
)


def test_a_burst_past_the_outbox_bounds_goes_out_while_the_api_takes_events(node):
    sent, settled = scenario(
        node,
        """for (let i = 0; i < 6; i++) track();
        await browser.settle();
        return [sent(), settled.map(([, outcome]) => outcome)];""",
        maxEvents=3,
    )
    assert sent == [["m-0", "m-1", "m-2", "m-3", "m-4", "m-5"]]
    assert settled == ["delivered"] * 6


def test_while_the_api_fails_new_events_past_the_outbox_bounds_are_refused(node):
    outcomes = scenario(
        node,
        """browser.answers.push({status: 503});
        track(); await browser.settle();  // m-0 waits for its retry: the API is failing
        track(); track(); track(); await browser.settle();  // m-1 and m-2 fill the outbox
        track(); await browser.settle();  // m-1 and m-2 were taken: the API is back
        return Object.fromEntries(settled);""",
        maxEvents=3,
    )
    assert outcomes == {
        "m-0": "pending",
        "m-1": "delivered",
        "m-2": "delivered",
        "m-3": FULL,
        "m-4": "delivered",
    }


def test_flush_resolves_once_the_api_has_acknowledged(node):
    order = scenario(
        node,
        """const order = [];
        browser.answers.push({status: 503});
        track();
        destination.flush().then(() => order.push('flushed after ' + browser.requests.length));
        await browser.settle();
        order.push('first answer');
        await browser.tick(1000);
        return order;""",
        batchSize=100,
        batchTimeout=60_000,
    )
    assert order == ["first answer", "flushed after 2"]


def test_an_event_the_network_lost_goes_with_the_next_page(node):
    sent = scenario(
        node,
        """browser.answers.push({status: 0});  // the network dropped
        track(); await browser.settle();
        destination.unload();  // the page goes; its outbox stays in localStorage
        destination = make();  // the next page of this tab
        await browser.settle();
        return sent();""",
        retryQueue=True,
    )
    assert sent == [["m-0"], ["m-0"]]


# -- the outbox across tabs: one localStorage, each tab its own sessionStorage id -------------

ANOTHER_TAB = "sessionStorage.removeItem('aw_tab');  // a new tab: its own id"


def test_a_closed_tabs_queue_is_sent_by_another_tab_after_the_grace(node):
    before, after = scenario(
        node,
        f"""browser.answers.push({{status: 0}});
        track(); await browser.settle();
        destination.unload();  // the tab closes with m-0 not acknowledged
        {ANOTHER_TAB}
        destination = make();
        await browser.tick(999);  // the closing tab's own next page may take it back first
        const before = sent();
        await browser.tick(200);
        return [before, sent()];""",
    )
    assert before == [["m-0"]]
    assert after == [["m-0"], ["m-0"]]


def test_a_live_tabs_queue_is_left_to_it(node):
    sends = scenario(
        node,
        f"""browser.answers.push({{status: 0}});
        track(); await browser.settle();  // this tab retries m-0 itself
        const first = destination;
        {ANOTHER_TAB}
        destination = make();
        await browser.tick(30000);
        return sent().flat().filter((id) => id === 'm-0').length;""",
    )
    assert sends == 2  # the first attempt and this tab's own retry; never the other tab's


# -- leaving the page ------------------------------------------------------------------------

LEAVE = "dispatchEvent(new Event('pagehide'));"


def test_leaving_sends_the_waiting_batch_in_a_request_that_outlives_the_page(node):
    requests, settled = scenario(
        node,
        f"""track(); track(); track();
        {LEAVE}
        await browser.settle();
        return [browser.requests.map((r) => [r.ids, r.keepalive]), settled];""",
        batchSize=100,
        batchTimeout=60_000,
    )
    assert requests == [[["m-0", "m-1", "m-2"], True]]
    assert settled == [["m-0", "pending"], ["m-1", "pending"], ["m-2", "pending"]]


def test_leaving_with_300_kb_waiting_sends_it_all_gzipped_within_the_keepalive_budget(node):
    requests = scenario(
        node,
        f"""const big = 'x'.repeat(3000);
        for (let i = 0; i < 100; i++) track({{list: i, blob: big}});
        // The packer compresses what waits in the background, within milliseconds.
        await browser.until(() => destination.exit.packer.members.length > 0);
        {LEAVE}
        await browser.arrived();
        return browser.requests.map((r) => [r.ids.length, r.keepalive, r.gzip, r.size]);""",
        batchSize=1000,
        batchTimeout=60_000,
        compress=None,
    )
    assert sum(count for count, *_ in requests) == 100
    assert all(keepalive and gzip for _, keepalive, gzip, _ in requests)
    assert sum(size for *_, size in requests) < 64 * 1024

"""The first-party proxy: the Tracking API and the bundle through the site's own domain, a spool
that answers 200 only once an event is on disk, and forwarding to the upstream (here a local
collector on another port) that loses nothing and sends nothing twice."""

from __future__ import annotations

import gzip
import json
import signal
import sqlite3
import ssl
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from analytics_web.collector import CollectorServer, Fault
from analytics_web.collector.times import parse_time
from analytics_web.proxy import ProxyServer, ProxySettings
from analytics_web.proxy.app import PROXY_MARK
from analytics_web.proxy.forwarder import batch_body, retry_after_s
from analytics_web.proxy.spool import Spooled
from analytics_web.serving import ThreadedServer
from tests.support.collector_client import basic_auth, post, request, track, wait_for_events
from tests.support.first_party import first_party_app
from tests.support.pages import call
from tests.support.polling import wait_until
from tests.support.ports import free_port
from tests.support.processes import run_cli, start_cli, stop_process
from tests.support.segment_snippet import segment_snippet

# The forwarder's backoff is capped this low here, so an upstream that comes back is noticed
# within a second instead of a minute.
QUICK_BACKOFF_S = 0.5


def settings_for(upstream: CollectorServer, *keys: str, **extra: Any) -> ProxySettings:
    return ProxySettings(
        upstream=f"{upstream.url}/v1",
        write_keys=frozenset(keys),
        max_backoff_s=QUICK_BACKOFF_S,
        **extra,
    )


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[CollectorServer]:
    with CollectorServer(tmp_path / "upstream.sqlite3") as server:
        yield server


@pytest.fixture
def proxy(upstream: CollectorServer, tmp_path: Path, dist: Path) -> Iterator[ProxyServer]:
    with ProxyServer(settings_for(upstream, "k"), tmp_path / "spool.sqlite3") as server:
        yield server


def batch(*messages: dict[str, Any], key: str = "k") -> dict[str, Any]:
    return {"batch": list(messages), "writeKey": key}


def upstream_ids(upstream: CollectorServer, key: str = "k") -> list[str]:
    return [record["event"]["messageId"] for record in upstream.store.events(write_key=key)]


def upstream_received(upstream: CollectorServer, key: str = "k") -> int:
    """Events the upstream was sent (duplicates included), from its request log."""
    return sum(
        row["events"] for row in upstream.store.requests(write_key=key) if row["status"] == 200
    )


def stats(proxy: ProxyServer) -> dict[str, Any]:
    status, body, _ = request(proxy, "/stats")
    assert status == 200
    return dict(body)


# -- the Tracking API, first-party ---------------------------------------------------------------


def test_every_tracking_path_and_body_is_relayed(proxy, upstream):
    for path, message in [
        ("/v1/batch", batch(track("m-1"))),
        ("/v1/b", batch(track("m-2"))),
        ("/v1/t", track("m-3", writeKey="k")),
        ("/v1/i", {"userId": "u", "messageId": "m-4", "writeKey": "k"}),
    ]:
        status, body, _ = post(proxy, path, message, {"Content-Type": "text/plain"})
        assert (status, body) == (200, {"success": True}), path
    assert wait_until(lambda: len(upstream_ids(upstream)) == 4, 10)
    assert sorted(upstream_ids(upstream)) == ["m-1", "m-2", "m-3", "m-4"]


def test_a_write_key_outside_the_list_is_refused_and_never_forwarded(proxy, upstream):
    status, body, _ = post(proxy, "/v1/batch", batch(track(), key="someone-else"))
    assert status == 401
    assert "not relayed" in body["error"]
    status, _, _ = post(proxy, "/v1/batch", batch(track()), basic_auth("someone-else"))
    assert status == 401
    assert stats(proxy)["spool"] == {"pending": 0, "forwarded": 0, "refused": 0}
    assert upstream.store.requests() == []


def test_a_bad_request_gets_the_collectors_answer(proxy):
    status, body, _ = post(proxy, "/v1/batch", batch({"type": "track", "anonymousId": "a"}))
    assert status == 400
    assert "event" in body["error"]


def test_a_proxy_needs_its_write_keys(upstream):
    with pytest.raises(ValueError, match="open relay"):
        settings_for(upstream)


def test_the_visitors_address_is_set_unless_the_event_has_one(proxy, upstream):
    post(proxy, "/v1/batch", batch(track("m-1"), track("m-2", context={"ip": "203.0.113.9"})))
    assert wait_until(lambda: len(upstream_ids(upstream)) == 2, 10)
    ips = [record["event"]["context"]["ip"] for record in upstream.store.events(write_key="k")]
    assert ips == ["127.0.0.1", "203.0.113.9"]


def test_forwarded_for_is_read_only_when_trusted(upstream, tmp_path, dist):
    header = {"X-Forwarded-For": "198.51.100.7, 192.0.2.44"}
    with ProxyServer(settings_for(upstream, "k"), tmp_path / "a.sqlite3") as untrusting:
        post(untrusting, "/v1/batch", batch(track("m-1")), header)
        assert wait_until(lambda: len(upstream_ids(upstream)) == 1, 10)
    with ProxyServer(
        settings_for(upstream, "k", trust_forwarded=True), tmp_path / "b.sqlite3"
    ) as trusting:
        post(trusting, "/v1/batch", batch(track("m-2")), header)
        assert wait_until(lambda: len(upstream_ids(upstream)) == 2, 10)
    ips = {r["event"]["messageId"]: r["event"]["context"]["ip"] for r in upstream.store.events()}
    # Only the address the trusted reverse proxy added (the last) counts: the ones before it
    # are whatever the client claimed.
    assert ips == {"m-1": "127.0.0.1", "m-2": "192.0.2.44"}


# -- store and forward ----------------------------------------------------------------------------


def test_an_upstream_down_for_a_while_gets_everything_once_it_is_back(proxy, upstream):
    upstream.stop_listening()
    sent = [f"m-{n}" for n in range(30)]
    for first in range(0, 30, 3):
        status, _, _ = post(proxy, "/v1/batch", batch(*(track(i) for i in sent[first : first + 3])))
        assert status == 200  # answered from the spool while the upstream is away
    assert wait_until(lambda: stats(proxy)["upstream"]["consecutiveFailures"] >= 2, 10)
    assert stats(proxy)["spool"]["pending"] == 30
    upstream.start_listening()
    assert wait_until(lambda: len(upstream_ids(upstream)) == 30, 15)
    assert sorted(upstream_ids(upstream)) == sorted(sent)
    assert upstream_received(upstream) == 30  # each sent once
    assert stats(proxy)["spool"] == {"pending": 0, "forwarded": 30, "refused": 0}


def test_a_message_the_browser_retries_is_forwarded_once(proxy, upstream):
    for _ in range(3):
        post(proxy, "/v1/batch", batch(track("same-id")))
    post(proxy, "/v1/batch", batch(track("other-id")))
    assert wait_until(lambda: len(upstream_ids(upstream)) == 2, 10)
    assert upstream_received(upstream) == 2


def test_forwarded_events_leave_only_their_ids_on_disk(proxy, upstream, tmp_path):
    """What the dedupe window needs is the id; a day of bodies would fill a busy site's disk."""
    post(proxy, "/v1/batch", batch(track("m-1", properties={"note": "x" * 1000})))
    assert wait_until(lambda: stats(proxy)["spool"]["forwarded"] == 1, 10)
    with sqlite3.connect(tmp_path / "spool.sqlite3") as spool:
        rows = spool.execute("SELECT message_id, state, payload FROM spool").fetchall()
    assert rows == [("m-1", "forwarded", "")]


def test_refused_events_are_kept_aside_and_the_rest_go_on(proxy, upstream):
    """The upstream refuses one request: the proxy splits it to find what was refused, sends
    the rest, and never sends the refused event again."""
    upstream.inject(Fault(status=400, count=1))
    post(proxy, "/v1/batch", batch(track("m-1"), track("m-2"), track("m-3"), track("m-4")))
    assert wait_until(lambda: len(upstream_ids(upstream)) == 4, 10)  # split in halves: all pass

    upstream.inject(Fault(status=400, count=1_000))
    post(proxy, "/v1/batch", batch(track("refused-1")))
    assert wait_until(lambda: stats(proxy)["spool"]["refused"] == 1, 10)
    upstream.faults.clear()
    post(proxy, "/v1/batch", batch(track("m-5")))
    assert wait_until(lambda: "m-5" in upstream_ids(upstream), 10)
    assert "refused-1" not in upstream_ids(upstream)
    refusals = [r for r in upstream.store.requests(write_key="k") if r["status"] == 400]
    assert len(refusals) == 2  # the batch once, the refused event once: never retried


def test_rate_limited_forwarding_waits_as_long_as_retry_after_says(proxy, upstream):
    upstream.inject(Fault(status=429, retry_after=1.5, count=1))
    post(proxy, "/v1/batch", batch(track("m-1")))
    assert wait_until(lambda: upstream_ids(upstream) == ["m-1"], 10)
    limited, accepted = upstream.store.requests(write_key="k")
    limited_at, accepted_at = (
        parse_time(limited["received_at"]),
        parse_time(accepted["received_at"]),
    )
    assert limited_at is not None and accepted_at is not None
    assert accepted_at - limited_at >= timedelta(seconds=1.4)


def test_two_instances_behind_one_upstream_lose_nothing(upstream, tmp_path, dist):
    settings = settings_for(upstream, "k")
    with (
        ProxyServer(settings, tmp_path / "one.sqlite3") as one,
        ProxyServer(settings, tmp_path / "two.sqlite3") as two,
    ):
        sent = []
        for n in range(40):
            message_id = f"m-{n}"
            sent.append(message_id)
            status, _, _ = post((one, two)[n % 2], "/v1/batch", batch(track(message_id)))
            assert status == 200
        assert wait_until(lambda: len(upstream_ids(upstream)) == 40, 15)
    assert sorted(upstream_ids(upstream)) == sorted(sent)


def test_a_proxy_killed_under_load_delivers_every_event_it_acknowledged(upstream, tmp_path, dist):
    """SIGKILL while clients post: every event answered 200 reaches the upstream after a
    restart on the same spool, and none is stored twice."""
    spool = tmp_path / "spool.sqlite3"
    port = free_port()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        sequence = 0
        while not stop.is_set():
            ids = [f"c{number}-{sequence}-{i}" for i in range(5)]
            sequence += 1
            body = json.dumps(batch(*(track(i) for i in ids))).encode()
            call_ = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/batch", data=body, method="POST"
            )
            try:
                with urllib.request.urlopen(call_, timeout=5) as answer:
                    if answer.status == 200:
                        with lock:
                            acknowledged.extend(ids)
            except OSError:
                time.sleep(0.05)  # the proxy is down: try again, as a browser would

    process = start_proxy_process(upstream, spool, port)
    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    assert wait_until(lambda: len(acknowledged) >= 500, 20)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stop.set()
    for thread in clients:
        thread.join(timeout=10)
    killed_with = len(acknowledged)

    restarted = start_proxy_process(upstream, spool, port)
    try:
        assert wait_until(lambda: set(acknowledged) <= set(upstream_ids(upstream)), 30), (
            f"{len(set(acknowledged) - set(upstream_ids(upstream)))} acknowledged events lost"
        )
    finally:
        stop_process(restarted)
    stored = upstream_ids(upstream)
    assert len(stored) == len(set(stored)) >= killed_with


def start_proxy_process(upstream: CollectorServer, spool: Path, port: int) -> subprocess.Popen[str]:
    process, first_line = start_cli(
        "proxy",
        "--upstream",
        f"{upstream.url}/v1",
        "--write-key",
        "k",
        "--port",
        str(port),
        "--spool",
        str(spool),
    )
    assert first_line.startswith("proxy listening on"), first_line
    return process


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--upstream", "http://127.0.0.1:9/v1"], "--write-key"),
        (["--upstream", "api.segment.io/v1", "--write-key", "k"], "https://api.segment.io/v1"),
    ],
)
def test_cli_mistakes_get_one_clear_line(arguments, says, tmp_path):
    result = run_cli("proxy", "--spool", str(tmp_path / "s"), *arguments)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


# -- stats -------------------------------------------------------------------------------------


def test_stats_are_for_the_proxys_own_pages_and_local_tools(proxy):
    status, _, _ = request(proxy, "/stats", headers={"Origin": "https://elsewhere.example"})
    assert status == 403
    status, body, _ = request(
        proxy,
        "/stats",
        headers={
            "Authorization": f"Bearer {proxy.access.token}",
            "Origin": "https://elsewhere.example",
        },
    )
    assert status == 200
    assert set(body) == {"spool", "upstream"}


# -- server-set identity ---------------------------------------------------------------------


def cookies_of(headers: Any) -> list[str]:
    return headers.get_all("Set-Cookie") or []


def raw_post(
    url: str,
    body: dict[str, Any],
    context: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """The answer's headers (urllib's, which keep every Set-Cookie)."""
    call_ = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers=headers or {}
    )
    with urllib.request.urlopen(call_, timeout=10, context=context) as answer:
        return answer.headers


def test_the_tracking_answer_sets_the_id_cookies_for_a_year(proxy):
    headers = raw_post(f"{proxy.url}/v1/batch", batch(track(userId="user-7")))
    assert sorted(cookies_of(headers)) == [
        "ajs_anonymous_id=anon-1; Max-Age=31536000; Path=/; SameSite=Lax",
        "ajs_user_id=user-7; Max-Age=31536000; Path=/; SameSite=Lax",
    ]


def test_id_cookies_are_secure_on_https_and_take_the_cookie_domain(
    upstream, tmp_path, tls_context, dist
):
    settings = settings_for(upstream, "k", cookie_domain="example.com")
    client = ssl.create_default_context()
    client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
    with ProxyServer(settings, tmp_path / "s.sqlite3", ssl_context=tls_context) as secure:
        headers = raw_post(f"{secure.url}/v1/batch", batch(track()), context=client)
    assert cookies_of(headers) == [
        "ajs_anonymous_id=anon-1; Max-Age=31536000; Path=/; SameSite=Lax; Domain=example.com; Secure"
    ]


def test_behind_a_trusted_https_front_the_cookies_are_secure(upstream, tmp_path, dist):
    settings = settings_for(upstream, "k", trust_forwarded=True)
    with ProxyServer(settings, tmp_path / "s.sqlite3") as behind:
        headers = raw_post(
            f"{behind.url}/v1/batch", batch(track()), headers={"X-Forwarded-Proto": "https"}
        )
    assert cookies_of(headers)[0].endswith("; Secure")


# -- the bundle ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/analytics.min.js",
        "/analytics.js",
        "/analytics.esm.js",
        "/analytics.js/v1/k/analytics.min.js",
    ],
)
def test_the_bundle_is_served_cacheable_with_an_etag(proxy, dist, path):
    status, body, headers = request(proxy, path)
    assert status == 200
    if path.startswith("/analytics.js/"):  # Segment's path: marked as the proxy's, first
        assert body == PROXY_MARK.decode() + (dist / "analytics.min.js").read_text()
    else:
        assert body == (dist / path[1:]).read_text()
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["Content-Type"].startswith("text/javascript")
    status, _, _ = request(proxy, path, headers={"If-None-Match": headers["ETag"]})
    assert status == 304


def test_the_bundle_is_gzipped_for_browsers_that_take_it(proxy, dist):
    call_ = urllib.request.Request(
        f"{proxy.url}/analytics.min.js", headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(call_, timeout=10) as answer:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(answer.read()) == (dist / "analytics.min.js").read_bytes()


def test_the_source_map_at_segments_path_maps_the_marked_bundle(proxy, dist):
    """The mark is a line of its own before the bundle: the map served there maps nothing on
    it and the bundle's lines one further down."""
    status, served, _ = request(proxy, "/analytics.js/v1/k/analytics.min.js.map")
    original = json.loads((dist / "analytics.min.js.map").read_text())
    assert status == 200
    assert served["mappings"] == ";" + original["mappings"]
    assert served["sources"] == original["sources"]


def test_the_segment_path_serves_only_listed_write_keys(proxy):
    status, _, _ = request(proxy, "/analytics.js/v1/not-listed/analytics.min.js")
    assert status == 404


# -- in the browser ------------------------------------------------------------------------------


@pytest.fixture
def first_party(
    upstream: CollectorServer, tmp_path: Path, write_key: str, dist: Path
) -> Iterator[str]:
    """A site with the proxy at /t/ (see tests/support/first_party.py); yields its URL."""
    app = first_party_app(settings_for(upstream, write_key), tmp_path / "spool.sqlite3", write_key)
    server = ThreadedServer(app)
    server.start()
    yield server.url
    server.stop()


def test_a_page_on_the_sites_domain_sends_through_it_once_with_the_visitors_address(
    page: Page, first_party: str, upstream: CollectorServer, write_key: str
):
    hosts: set[str] = set()
    page.on("request", lambda sent: hosts.add(sent.url.split("/")[2]))
    page.goto(f"{first_party}/plain/home")
    call(page, "analytics.track('Through The Proxy')")
    page_view, tracked = wait_for_events(upstream, write_key, 2)
    assert (page_view["type"], tracked["event"]) == ("page", "Through The Proxy")
    assert page_view["context"]["ip"] == tracked["context"]["ip"] == "127.0.0.1"
    assert upstream_received(upstream, write_key) == 2  # once each
    assert hosts == {first_party.split("/")[2]}  # the bundle and the events: first-party only


COOKIE_WRITES = """
(() => {
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  window.__idCookieWrites = [];
  Object.defineProperty(document, 'cookie', {
    get() { return cookie.get.call(document); },
    set(value) {
      if (/^ajs_(anonymous|user)_id=/.test(value)) window.__idCookieWrites.push(value);
      cookie.set.call(document, value);
    },
  });
})();
"""


def test_the_library_keeps_a_server_set_id_across_pages_without_rewriting_it(
    page: Page, first_party: str, upstream: CollectorServer, write_key: str
):
    page.add_init_script(COOKIE_WRITES)
    page.goto(f"{first_party}/identified/home")
    server_set = {c["name"]: c["value"] for c in page.context.cookies()}["ajs_anonymous_id"]
    call(page, "analytics.identify('user-7')")
    first_page_writes = page.evaluate("window.__idCookieWrites")
    page.click("#next")
    page.wait_for_url("**/identified/second")
    call(page, "analytics.identify('user-7')")
    call(page, "analytics.track('Second Page')")
    events = wait_for_events(upstream, write_key, 5)  # 2 page views, 2 identifies, 1 track
    assert {event["anonymousId"] for event in events} == {server_set}
    # The first identify writes the new user id; nothing writes an id the cookie already holds.
    assert [write.split(";")[0] for write in first_page_writes] == ["ajs_user_id=user-7"]
    assert page.evaluate("window.__idCookieWrites") == []
    assert page.evaluate("analytics.user().anonymousId()") == server_set


def test_segments_snippet_unchanged_but_for_its_host_loads_through_the_proxy(
    browser: Browser,
    upstream: CollectorServer,
    tmp_path: Path,
    tls_context: ssl.SSLContext,
    write_key: str,
    dist: Path,
):
    """Segment's snippet 5.2.1 as Segment renders it, its host set to the site's /t/ (where the
    proxy is mounted): the bundle loads from Segment's path there, every call queued before it
    is replayed in order, and the events go back through the proxy."""
    app = first_party_app(settings_for(upstream, write_key), tmp_path / "s.sqlite3", write_key)
    secure_site = ThreadedServer(app, ssl_context=tls_context)
    secure_site.start()
    batching = {"strategy": "batching", "config": {"size": 3, "timeout": 5000}}
    snippet = segment_snippet(
        write_key,
        host=f"{secure_site.url.removeprefix('https://')}/t",  # Segment's is cdn.segment.com
        load_options=json.dumps({"integrations": {"Segment.io": {"deliveryStrategy": batching}}}),
    )
    html = (
        "<!doctype html><html><head><title>Segment's snippet</title><script>"
        f"{snippet}\nanalytics.identify('user-1', {{plan: 'pro'}});"
        "analytics.track('Queued Before Load', {n: 1});</script></head><body></body></html>"
    )
    context = browser.new_context(ignore_https_errors=True)
    try:
        tab = context.new_page()
        url = f"{secure_site.url}/shop/home"
        tab.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        tab.goto(url)
        events = wait_for_events(upstream, write_key, 3)
    finally:
        context.close()
        secure_site.stop()
    assert [event["type"] for event in events] == ["page", "identify", "track"]
    assert events[1]["userId"] == events[2]["userId"] == "user-1"
    assert events[2]["context"]["page"]["title"] == "Segment's snippet"
    assert events[0]["context"]["ip"] == "127.0.0.1"  # came through the proxy


def test_a_static_copy_at_segments_path_sends_to_segment(
    browser: Browser, https_site: str, write_key: str
):
    """Copied to the site's own static CDN at Segment's path, with no proxy behind it, the
    bundle sends to Segment's API, as analytics-next does: that host takes no events."""
    snippet = segment_snippet(write_key, host=f"{https_site.removeprefix('https://')}/cdn")
    html = (
        "<!doctype html><html><head><title>A static copy</title>"
        f"<script>{snippet}</script></head><body></body></html>"
    )
    context = browser.new_context(ignore_https_errors=True)
    sent: list[str] = []

    def segment_api(route: Route) -> None:
        sent.append(route.request.url)
        route.fulfill(status=200, json={"success": True})

    try:
        context.route("https://api.segment.io/**", segment_api)
        page = context.new_page()
        url = f"{https_site}/shop/home"
        page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        page.goto(url)
        page.wait_for_function("window.analytics.initialized === true")
        page.evaluate("analytics.track('Sent To Segment')")
        assert wait_until(lambda: len(sent) >= 2, 10)
    finally:
        context.close()
    assert set(sent) == {"https://api.segment.io/v1/batch"}


# -- event times through the spool ---------------------------------------------------------------

HOURS_AHEAD = timedelta(hours=3)
HOLD_S = 3.0
# Clock readings taken around the browser's calls, in two processes: a little room either way.
SLACK = timedelta(milliseconds=300)


@pytest.mark.parametrize("batch_size", [0, 3], ids=["single-events", "batch"])
def test_times_stay_right_through_a_long_hold_and_a_wrong_clock(
    page: Page, first_party: str, upstream: CollectorServer, write_key: str, batch_size: int
):
    """The browser's clock is 3 hours ahead and the upstream is down while the events wait in
    the spool: upstream, each event is at the moment it happened, not shifted by the clock or
    by the hold, and the browser's own time is kept as originalTimestamp."""
    upstream.stop_listening()
    page.clock.install(time=datetime.now(UTC) + HOURS_AHEAD)
    before = datetime.now(UTC)
    page.goto(f"{first_party}/plain/home?batch={batch_size}")  # a page view...
    page.evaluate("Promise.all([analytics.track('Held A'), analytics.track('Held B')])")
    after = datetime.now(UTC)  # ...and two tracks, all acknowledged by the proxy
    time.sleep(HOLD_S)  # the upstream stays down while they wait
    upstream.start_listening()
    records = wait_for_records(upstream, write_key, 3)
    for record in records:
        corrected = parse_time(record["timestamp"])
        original = parse_time(record["originalTimestamp"])
        assert corrected is not None and original is not None
        assert before - SLACK <= corrected <= after + SLACK
        assert abs(original - corrected - HOURS_AHEAD) < SLACK + (after - before)
    requests = [r for r in upstream.store.requests(write_key=write_key) if r["status"] == 200]
    assert len(requests) == 1  # the spool forwards what waited in one batch


def wait_for_records(upstream: CollectorServer, write_key: str, count: int) -> list[dict[str, Any]]:
    assert wait_until(lambda: len(upstream.store.events(write_key=write_key)) >= count, 15)
    records = upstream.store.events(write_key=write_key)
    assert len(records) == count
    return records


# -- the pieces, without a server ---------------------------------------------------------------


def test_a_forwarded_batch_is_json_with_the_moment_it_left_on_every_event():
    events = [Spooled(1, json.dumps(track("m-1")), 0), Spooled(2, json.dumps(track("m-2")), 0)]
    body = json.loads(batch_body(events, "2026-11-25T12:00:00.000Z"))
    assert body["sentAt"] == "2026-11-25T12:00:00.000Z"
    assert [event["sentAt"] for event in body["batch"]] == [body["sentAt"]] * 2
    assert [event["messageId"] for event in body["batch"]] == ["m-1", "m-2"]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("2", 2.0), ("0.5", 0.5), ("100000", 300.0), ("soon", None), (None, None), ("-3", 0.0)],
)
def test_retry_after_is_read_in_seconds_and_capped(header, seconds):
    assert retry_after_s(header) == seconds


def test_retry_after_may_be_an_http_date():
    in_ten = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    waited = retry_after_s(in_ten)
    assert waited is not None and 8 <= waited <= 10

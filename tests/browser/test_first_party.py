"""A site that serves the proxy from its own domain, in real browsers: pages send through it
once, server-set ids stay, Segment's snippet loads through it unchanged, and event times stay
right through a long hold."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from analytics_web.collector import CollectorServer
from analytics_web.feature_urls import feature_url
from analytics_web.serving import ThreadedServer
from analytics_web.tracking_api.times import parse_time
from tests.support.collector_client import upstream_received, wait_for_events
from tests.support.event_times import HOURS_AHEAD
from tests.support.first_party import first_party_app, settings_for
from tests.support.pages import call
from tests.support.person import as_a_person
from tests.support.polling import wait_until
from tests.support.segment_snippet import segment_snippet
from tests.support.tabs import Tab

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


@pytest.mark.parametrize("bundle", ["proxy", "segment"])
def test_a_feature_file_comes_through_the_proxy_from_beside_the_bundle(
    tab: Tab, first_party: str, upstream: CollectorServer, write_key: str, bundle: str, dist: Path
):
    """The bundle at the proxy's /analytics.min.js or at Segment's path there fetches the
    plugin file from the same place (never a third party's host), and it works. It asks for
    the file by its version, which the proxy lets browsers keep for good."""
    tab.goto(f"{first_party}/plain/home?bundle={bundle}")
    tab.wait_for_function("window.analytics.initialized === true")
    tab.evaluate(
        """analytics.addSourceMiddleware(({payload, next}) => {
             payload.obj.context.scrubbed = true; next(payload); })
           .then(() => analytics.track('Through The Proxy'))"""
    )
    events = wait_for_events(upstream, write_key, 2)
    track = next(event for event in events if event["type"] == "track")
    assert track["context"]["scrubbed"] is True
    folder = f"/t/analytics.js/v1/{write_key}/" if bundle == "segment" else "/t/"
    fetched = tab.evaluate(
        "performance.getEntriesByType('resource').map((entry) => new URL(entry.name))"
        ".filter((url) => url.pathname.includes('.plugins.')).map((url) => url.href)"
    )
    integrity = json.loads((dist / "manifest.json").read_text())["features"]["plugins"]
    assert fetched == [feature_url(f"{first_party}{folder}analytics.min.js", "plugins", integrity)]
    cache = tab.evaluate(
        "(url) => fetch(url).then((answer) => answer.headers.get('Cache-Control'))", fetched[0]
    )
    assert cache == "public, max-age=31536000, immutable"


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
    html = as_a_person(
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
    html = as_a_person(
        "<!doctype html><html><head><title>A static copy</title>"
        f"<script>{snippet}</script></head><body></body></html>"
    )
    context = browser.new_context(ignore_https_errors=True)
    sent: list[str] = []  # where each batch went, whatever the host

    def tracking_api(route: Route) -> None:
        sent.append(route.request.url)
        route.fulfill(status=200, json={"success": True})

    try:
        context.route("**/v1/batch", tracking_api)
        page = context.new_page()
        url = f"{https_site}/shop/home"
        page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        page.goto(url)
        page.wait_for_function("window.analytics.initialized === true")
        # flush(): the landing view and the track sent, and answered, while Playwright (whose
        # calls are what run the route handler) waits.
        page.evaluate(
            "async () => { await analytics.track('Sent To Segment'); await analytics.flush() }"
        )
        assert sent
    finally:
        context.close()
    assert set(sent) == {"https://api.segment.io/v1/batch"}


# -- event times through the spool ---------------------------------------------------------------

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

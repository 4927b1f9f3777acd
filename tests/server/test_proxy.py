"""The first-party proxy: the Tracking API and the bundle through the site's own domain, a spool
that answers 200 only once an event is on disk, and forwarding to the upstream (here a local
collector on another port) that loses nothing and sends nothing twice."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import ssl
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from analytics_web.collector import CollectorServer, Fault
from analytics_web.feature_urls import feature_url, integrity
from analytics_web.proxy import ProxyServer
from analytics_web.proxy.bundles import PROXY_MARK
from analytics_web.tracking_api.times import parse_time
from tests.support.collector_client import (
    basic_auth,
    batch,
    post,
    request,
    track,
    upstream_ids,
    upstream_received,
)
from tests.support.first_party import settings_for
from tests.support.polling import wait_until


@pytest.fixture
def proxy(upstream: CollectorServer, tmp_path: Path, dist: Path) -> Iterator[ProxyServer]:
    with ProxyServer(settings_for(upstream, "k"), tmp_path / "spool.sqlite3") as server:
        yield server


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
    # The upstream stores a batch before it answers; the spool counts it forwarded after.
    assert wait_until(lambda: stats(proxy)["spool"]["pending"] == 0, 10)
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
        # The feature files the bundle fetches from beside itself, on both paths.
        "/analytics.consent.min.js",
        "/analytics.plugins.esm.js",
        "/analytics.full.min.js",
        "/analytics.js/v1/k/analytics.autotrack.min.js",
    ],
)
def test_the_bundle_is_served_cacheable_with_an_etag(proxy, dist, path):
    status, body, headers = request(proxy, path)
    assert status == 200
    file = path.rsplit("/", 1)[1]
    if path == "/analytics.js/v1/k/analytics.min.js":  # Segment's path: marked as the proxy's
        assert body == PROXY_MARK.decode() + (dist / file).read_text()
    else:
        assert body == (dist / file).read_text()
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["Content-Type"].startswith("text/javascript")
    # A page on another host fetches them in CORS mode (crossorigin, for their SRI hashes).
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, _, _ = request(proxy, path, headers={"If-None-Match": headers["ETag"]})
    assert status == 304


@pytest.mark.parametrize("folder", ["", "/analytics.js/v1/k"])
def test_a_feature_file_asked_for_by_its_version_is_cached_for_good(proxy, dist, folder):
    """The URL a core asks for names the file's version: it is that file for as long as it
    exists. The same name with a version the proxy never served is not, so a cache never keeps
    this release's file under another release's URL."""
    built = json.loads((dist / "manifest.json").read_text())["features"]["consent"]
    path = feature_url(f"{folder}/analytics.min.js", "consent", built)
    status, body, headers = request(proxy, path)
    assert status == 200 and body == (dist / "analytics.consent.min.js").read_text()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    _, _, headers = request(proxy, f"{folder}/analytics.consent.min.js?v=0ldRe1ease0k")
    assert headers["Cache-Control"] == "public, max-age=3600"


def test_a_page_running_an_earlier_releases_core_gets_that_releases_feature_files(
    upstream, tmp_path, dist
):
    """Upgraded on the same spool, the proxy still answers the last release's versions of the
    feature files (a tab left open across the upgrade asks for those), and this release's."""
    spool = tmp_path / "spool.sqlite3"
    last, this = tmp_path / "last", tmp_path / "this"
    shutil.copytree(dist, last)
    shutil.copytree(dist, this)
    (this / "analytics.consent.min.js").write_bytes(
        (dist / "analytics.consent.min.js").read_bytes() + b"\n// this release\n"
    )

    def versioned_path(release: Path, folder: str) -> str:
        body = (release / "analytics.consent.min.js").read_bytes()
        return feature_url(f"{folder}/analytics.min.js", "consent", integrity(body))

    with ProxyServer(settings_for(upstream, "k"), spool, bundles=last):
        pass
    with ProxyServer(settings_for(upstream, "k"), spool, bundles=this) as proxy:
        for folder in ("", "/analytics.js/v1/k"):
            for release in (last, this):
                status, body, headers = request(proxy, versioned_path(release, folder))
                assert status == 200
                assert body == (release / "analytics.consent.min.js").read_text()
                assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
            # A version it never served: this release's file, not to be kept under that URL.
            _, body, headers = request(proxy, f"{folder}/analytics.consent.min.js?v=neverServed0")
            assert body == (this / "analytics.consent.min.js").read_text()
            assert headers["Cache-Control"] == "public, max-age=3600"
    # A release not served for 30 days is let go at the next start.
    month_ago = time.time() - 31 * 86400
    for kept in Path(f"{spool}.releases").iterdir():
        if kept.read_bytes() == (last / "analytics.consent.min.js").read_bytes():
            os.utime(kept, (month_ago, month_ago))
    with ProxyServer(settings_for(upstream, "k"), spool, bundles=this) as proxy:
        _, body, _ = request(proxy, versioned_path(last, ""))
        assert body == (this / "analytics.consent.min.js").read_text()


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


def test_the_segment_path_serves_no_single_file_that_would_send_past_the_proxy(proxy):
    """Only the bundle there is marked to send back through the proxy; Segment's snippet never
    asks for the single file, so it is not there to send to Segment's API from the proxy."""
    status, _, _ = request(proxy, "/analytics.js/v1/k/analytics.full.min.js")
    assert status == 404


def test_the_segment_path_serves_only_listed_write_keys(proxy):
    status, _, _ = request(proxy, "/analytics.js/v1/not-listed/analytics.min.js")
    assert status == 404

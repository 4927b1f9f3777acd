"""The local collector, over real HTTP: what it accepts, stores, rejects and injects."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest

from analytics_web.collector import CollectorServer, Fault
from analytics_web.tracking_api.validation import MAX_EVENT_BYTES, SINGLE_MESSAGE_PATHS
from tests.support.collector_client import basic_auth, post, track


def test_batch_is_stored_with_the_time_received(server):
    status, body, _ = post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})
    assert (status, body) == (200, {"success": True})
    [record] = server.store.events(write_key="k")
    assert record["event"]["event"] == "Signed Up"
    assert record["receivedAt"].endswith("Z")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/v1/track", track()),
        ("/v1/t", track()),
        ("/v1/identify", {"userId": "u1", "traits": {}}),
        ("/v1/i", {"userId": "u1"}),
        ("/v1/page", {"anonymousId": "a", "name": "Home"}),
        ("/v1/p", {"anonymousId": "a"}),
        ("/v1/screen", {"anonymousId": "a"}),
        ("/v1/s", {"anonymousId": "a"}),
        ("/v1/group", {"anonymousId": "a", "groupId": "g"}),
        ("/v1/g", {"userId": "u", "groupId": "g"}),
        ("/v1/alias", {"userId": "u", "previousId": "a"}),
        ("/v1/a", {"userId": "u", "previousId": "a"}),
        ("/v1/b", {"batch": [track()]}),
    ],
)
def test_every_tracking_path_accepts_text_plain_and_basic_auth(server, path, message):
    status, _, _ = post(server, path, message, {"Content-Type": "text/plain", **basic_auth("k")})
    assert status == 200
    [record] = server.store.events(write_key="k")
    endpoint = path.removeprefix("/v1/")
    assert record["event"]["type"] == SINGLE_MESSAGE_PATHS.get(
        endpoint, "track"
    )  # b: a track batch


def test_duplicate_message_ids_are_stored_once(server):
    for _ in range(3):
        post(server, "/v1/batch", {"batch": [track("same")], "writeKey": "k"})
    assert len(server.store.events(write_key="k")) == 1
    assert server.store.stats(write_key="k")["duplicates"] == 2


def test_gzip_bodies_are_accepted(server):
    body = gzip.compress(json.dumps({"batch": [track()], "writeKey": "k"}).encode())
    status, _, _ = post(server, "/v1/batch", body, {"Content-Encoding": "gzip"})
    assert status == 200
    assert len(server.store.events(write_key="k")) == 1


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"{not json", 400, "not valid JSON"),
        ({"batch": [track()]}, 401, "missing write key"),
        ({"batch": [{"event": "x", "anonymousId": "a"}], "writeKey": "k"}, 400, '"type"'),
        ({"batch": [{"type": "track", "anonymousId": "a"}], "writeKey": "k"}, 400, '"event"'),
        ({"batch": [{"type": "track", "event": "x"}], "writeKey": "k"}, 400, "anonymousId"),
        (
            {"batch": [track(properties={"blob": "x" * MAX_EVENT_BYTES})], "writeKey": "k"},
            400,
            "32 KB",
        ),
        (
            {
                "batch": [track(str(i), properties={"blob": "x" * 30_000}) for i in range(20)],
                "writeKey": "k",
            },
            413,
            "500 KB",
        ),
        ({"batch": [], "writeKey": "k"}, 400, "non-empty"),
    ],
    ids=[
        "invalid-json",
        "no-write-key",
        "no-type",
        "no-event",
        "no-ids",
        "event-too-big",
        "request-too-big",
        "empty-batch",
    ],
)
def test_bad_requests_get_a_clear_error_and_the_collector_stays_up(server, body, status, says):
    got, answer, _ = post(server, "/v1/batch", body)
    assert got == status
    assert answer is not None and answer["success"] is False and says in answer["error"]
    assert server.store.events() == []
    assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})[0] == 200


def test_a_bad_message_rejects_its_whole_batch(server):
    status, _, _ = post(
        server, "/v1/batch", {"batch": [track("ok"), {"type": "track"}], "writeKey": "k"}
    )
    assert status == 400
    assert server.store.events() == []


def test_allowed_write_keys_restrict_who_may_send(tmp_path):
    with CollectorServer(tmp_path / "db.sqlite3", write_keys=["good"]) as server:
        assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "bad"})[0] == 401
        assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "good"})[0] == 200


def test_cors_preflight_allows_browser_origins(server):
    request = urllib.request.Request(
        f"{server.url}/v1/batch",
        method="OPTIONS",
        headers={
            "Origin": "http://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "http://shop.example"
        assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    _, _, headers = post(
        server,
        "/v1/batch",
        {"batch": [track()], "writeKey": "k"},
        {"Origin": "http://shop.example"},
    )
    assert headers["Access-Control-Allow-Origin"] == "http://shop.example"


def test_events_api_filters_by_type_and_time(server):
    post(
        server,
        "/v1/batch",
        {
            "writeKey": "k",
            "batch": [track("1"), {"type": "page", "anonymousId": "a", "messageId": "2"}],
        },
    )
    with urllib.request.urlopen(f"{server.url}/v1/events?writeKey=k&type=page") as response:
        events = json.loads(response.read())["events"]
    assert [e["event"]["messageId"] for e in events] == ["2"]
    with urllib.request.urlopen(f"{server.url}/v1/events?writeKey=k&since=2999-01-01") as response:
        assert json.loads(response.read())["events"] == []


def test_events_api_filters_by_session(server):
    def in_session(message_id: str, session: object) -> dict:
        return {**track(message_id), "context": {"sessionId": session}}

    visits = [in_session("1", 1700000000000), in_session("2", 1700009000000), track("3")]
    post(server, "/v1/batch", {"writeKey": "k", "batch": visits})
    url = f"{server.url}/v1/events?writeKey=k&session=1700000000000"
    with urllib.request.urlopen(url) as response:
        events = json.loads(response.read())["events"]
    assert [e["event"]["messageId"] for e in events] == ["1"]


def test_an_events_file_from_before_sessions_opens_and_stores_them(tmp_path):
    db = tmp_path / "events.sqlite3"
    with sqlite3.connect(db) as connection:  # the first release's table, without session_id
        connection.executescript(FIRST_RELEASE_SCHEMA)
    with CollectorServer(db) as server:
        message = {**track("s"), "context": {"sessionId": 1700000000000}}
        post(server, "/v1/batch", {"writeKey": "k", "batch": [message]})
        url = f"{server.url}/v1/events?writeKey=k&session=1700000000000"
        with urllib.request.urlopen(url) as response:
            assert len(json.loads(response.read())["events"]) == 1


FIRST_RELEASE_SCHEMA = """CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, received_at TEXT NOT NULL, write_key TEXT NOT NULL,
    message_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT, user_id TEXT, anonymous_id TEXT,
    payload TEXT NOT NULL, UNIQUE (write_key, message_id));"""


def test_injected_faults_answer_then_clear(server):
    server.inject(Fault(status=503, count=2, write_key="k"))
    server.inject(Fault(status=429, retry_after=2, write_key="k"))
    ok = {"batch": [track()], "writeKey": "k"}
    assert post(server, "/v1/batch", ok)[0] == 503
    assert post(server, "/v1/batch", ok)[0] == 503
    status, _, headers = post(server, "/v1/batch", ok)
    assert (status, headers["Retry-After"]) == (429, "2")
    assert post(server, "/v1/batch", ok)[0] == 200
    assert len(server.store.events(write_key="k")) == 1


def test_faults_for_one_write_key_leave_others_alone(server):
    server.inject(Fault(status=500, write_key="other"))
    assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})[0] == 200


def test_admin_endpoint_injects_a_dropped_connection(server):
    assert post(server, "/admin/faults", {"drop": True, "writeKey": "k"})[0] == 200
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})
    assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})[0] == 200


def test_admin_endpoint_rejects_a_malformed_fault(server):
    status, answer, _ = post(server, "/admin/faults", {"status": 200})
    assert status == 400 and "from 400 to 599" in answer["error"]


def test_delay_slows_a_response_down(server):
    server.inject(Fault(delay=0.3, write_key="k"))
    started = time.monotonic()
    assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})[0] == 200
    assert time.monotonic() - started >= 0.3


def test_collector_goes_down_and_comes_back_on_the_same_port(server):
    server.stop_listening()
    with pytest.raises(urllib.error.URLError):
        post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})
    server.start_listening()
    assert post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})[0] == 200

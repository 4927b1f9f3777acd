"""The collector against bad and hostile requests: every one gets a clear 4xx, is logged, and
leaves the collector storing the next good request. Property-based tests widen the net."""

from __future__ import annotations

import gzip
import json
import resource
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics_web.collector import CollectorServer
from analytics_web.tracking_api.body import MAX_GZIP_MEMBERS, PayloadError, parse_json
from analytics_web.tracking_api.validation import parse_request
from tests.support.collector_client import accepts_events, post, request, track


@pytest.fixture
def server(tmp_path: Path):
    with CollectorServer(tmp_path / "events.sqlite3", body_timeout=0.5) as collector:
        yield collector


def batch(*messages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"batch": list(messages), "writeKey": "k", **fields}


def raw_batch(message_json: str) -> bytes:
    """A body with one message written by hand, for JSON Python would not write."""
    return ('{"writeKey": "k", "batch": [' + message_json + "]}").encode()


TRACK = '{"type": "track", "anonymousId": "a", "messageId": "m", "event": %s}'
GOOD_GZIP = gzip.compress(json.dumps(batch(track())).encode())


BAD_BODIES: dict[str, tuple[bytes | dict[str, Any], dict[str, str], int, str]] = {
    "type-list": (batch(track(type=["track"])), {}, 400, '"type"'),
    "type-object": (batch(track(type={"a": 1})), {}, 400, '"type"'),
    "lone-surrogate": (raw_batch(TRACK % '"\\ud800"'), {}, 400, "lone surrogate"),
    "lone-surrogate-in-key": (
        raw_batch(
            '{"type": "track", "anonymousId": "a", "event": "e", "properties": {"\\udfff": 1}}'
        ),
        {},
        400,
        "lone surrogate",
    ),
    "huge-integer": (raw_batch(TRACK % ("9" * 5000)), {}, 400, "number"),
    "nan": (raw_batch(TRACK % "NaN"), {}, 400, "NaN"),
    "infinity": (raw_batch(TRACK % "-Infinity"), {}, 400, "Infinity"),
    "1e400": (raw_batch(TRACK % "1e400"), {}, 400, "out of range"),
    "nested-1000": (
        raw_batch(TRACK % ('"e", "properties": ' + "[" * 1000 + "]" * 1000)),
        {},
        400,
        "nested",
    ),
    "nested-65": (
        raw_batch(TRACK % ('"e", "properties": ' + '{"a":' * 65 + "1" + "}" * 65)),
        {},
        400,
        "nested",
    ),
    "not-utf8": (b'{"writeKey": "k", "batch": [\xff]}', {}, 400, "UTF-8"),
    "gzip-header-on-plain-body": (
        json.dumps(batch(track())).encode(),
        {"Content-Encoding": "gzip"},
        400,
        "gzip",
    ),
    "gzip-then-junk": (
        GOOD_GZIP + b"junk after the stream",
        {"Content-Encoding": "gzip"},
        400,
        "gzip",
    ),
    "gzip-cut-short": (GOOD_GZIP[:-10], {"Content-Encoding": "gzip"}, 400, "cut short"),
    "gzip-too-many-members": (
        gzip.compress(b"") * (MAX_GZIP_MEMBERS + 1) + GOOD_GZIP,
        {"Content-Encoding": "gzip"},
        400,
        "members",
    ),
    "unknown-encoding": (GOOD_GZIP, {"Content-Encoding": "br"}, 415, "not supported"),
    "message-id-number": (batch(track(message_id=1)), {}, 400, "messageId"),  # type: ignore[arg-type]
    "message-id-object": (batch(track(message_id={"id": "1"})), {}, 400, "messageId"),  # type: ignore[arg-type]
    "message-id-empty": (batch(track(message_id="")), {}, 400, "messageId"),
    "retry-count-2^64": (
        raw_batch(json.dumps(track())).replace(
            b'"writeKey"', b'"retryCount": 18446744073709551616, "writeKey"'
        ),
        {},
        400,
        "retryCount",
    ),
    "retry-count-negative": (batch(track(), retryCount=-1), {}, 400, "retryCount"),
    "retry-count-fraction": (batch(track(), retryCount=1.5), {}, 400, "retryCount"),
    "retry-count-true": (batch(track(), retryCount=True), {}, 400, "retryCount"),
    "retry-header-2^63": (
        batch(track()),
        {"X-Retry-Count": "9223372036854775808"},
        400,
        "X-Retry-Count",
    ),
    "retry-header-text": (batch(track()), {"X-Retry-Count": "twice"}, 400, "X-Retry-Count"),
}


@pytest.mark.parametrize("case", BAD_BODIES, ids=list(BAD_BODIES))
def test_a_bad_request_is_a_clear_4xx_logged_and_harmless(server, case):
    body, headers, status, says = BAD_BODIES[case]
    got, answer, _ = post(server, "/v1/batch", body, headers)
    assert got == status, answer
    assert answer["success"] is False and says in answer["error"]
    assert server.store.events(write_key="k") == []
    assert [r["status"] for r in server.store.requests()] == [status]
    assert accepts_events(server)


def test_a_retry_count_the_store_cannot_hold_leaves_it_working_after_a_restart(tmp_path):
    """The bug that broke the collector for good: an overflow inside an open transaction."""
    db = tmp_path / "events.sqlite3"
    with CollectorServer(db) as server:
        assert post(server, "/v1/batch", batch(track("a")), {"X-Retry-Count": str(2**63)})[0] == 400
        assert post(server, "/v1/batch", batch(track("b")))[0] == 200
        assert post(server, "/v1/batch", batch(track("c")))[0] == 200
    with CollectorServer(db) as restarted:
        assert [e["event"]["messageId"] for e in restarted.store.events(write_key="k")] == [
            "b",
            "c",
        ]


def test_a_failure_inside_a_transaction_is_rolled_back(tmp_path):
    with CollectorServer(tmp_path / "events.sqlite3") as server:
        with pytest.raises(OverflowError):
            # An event the validation never lets through, given to the store directly.
            server.store.add_events("k", [track("ok"), {"messageId": "x", "type": 2**64}])
        assert server.store.events(write_key="k") == []
        assert accepts_events(server)


def test_a_gzip_bomb_is_refused_with_413_without_inflating_it(server):
    bomb = gzip.compress(bytes(100 * 1024 * 1024), 9)  # 100 MB of zeros, about 100 KB on the wire
    assert len(bomb) < 200 * 1024
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    for _ in range(4):
        status, answer, _ = post(server, "/v1/batch", bomb, {"Content-Encoding": "gzip"})
        assert status == 413 and "500 KB" in answer["error"]
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kb < 50 * 1024, f"the process grew by {grown_kb} KB"
    assert [r["status"] for r in server.store.requests()] == [413] * 4
    assert accepts_events(server)


def test_a_body_larger_than_the_limit_on_the_wire_is_413_and_logged(server):
    status, answer, _ = post(server, "/v1/batch", b"x" * (600 * 1024))
    assert status == 413 and "500 KB" in answer["error"]
    [logged] = server.store.requests()
    assert (logged["status"], logged["bytes"]) == (413, 600 * 1024)
    assert server.store.stats()["rejected"] == 1


def test_a_body_that_never_arrives_times_out_and_frees_the_connection(server):
    started = time.monotonic()
    with socket.create_connection((server.host, server.port), timeout=5) as conn:
        conn.sendall(
            b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            b'Content-Length: 1000\r\n\r\n{"batch": ['
        )
        answer = conn.recv(4096).decode()
        assert conn.recv(4096) == b""  # closed by the collector, not left hanging
    assert answer.startswith("HTTP/1.1 408")
    assert time.monotonic() - started < 4
    assert [r["status"] for r in server.store.requests()] == [408]
    assert accepts_events(server)


# -- the read and admin endpoints ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["limit=-1", "limit=0", "limit=100001", "limit=ten", "after=-5", f"after={2**63}", "after=1.5"],
)
def test_events_paging_out_of_bounds_is_400(server, query):
    status, answer, _ = request(server, f"/v1/events?{query}")
    parameter = query.partition("=")[0]
    assert status == 400 and f"?{parameter}=" in answer["error"]


@pytest.mark.parametrize(
    "fault",
    [
        b"[]",
        b'{"count": 1e309}',
        b'{"count": 0}',
        b'{"count": 1.5}',
        b'{"drop": "false"}',
        b'{"delay": NaN}',
        b'{"delay": -1}',
        b'{"delay": 1e9}',
        b'{"retryAfter": "inf"}',
        b'{"status": true}',
        b'{"writeKey": 5}',
        b'{"colour": "red"}',
        b"not json",
    ],
)
def test_a_malformed_fault_is_400_and_injects_nothing(server, fault):
    started = time.monotonic()
    status, answer, _ = post(server, "/admin/faults", fault)
    assert status == 400 and answer["success"] is False
    assert time.monotonic() - started < 2
    assert accepts_events(server)


def test_events_stored_with_non_finite_numbers_before_they_were_refused_are_served_as_null(
    tmp_path,
):
    db = tmp_path / "events.sqlite3"
    with CollectorServer(db) as server:
        post(server, "/v1/batch", batch(track("old")))
    with sqlite3.connect(db) as connection:  # as an older collector stored it
        connection.execute(
            'UPDATE events SET payload = replace(payload, \'"Signed Up"\', \'"Signed Up","n":Infinity\')'
        )
    with CollectorServer(db) as server:
        status, answer, _ = request(server, "/v1/events")  # the client refuses Infinity
        assert status == 200 and answer["events"][0]["event"]["n"] is None


# -- property-based: arbitrary JSON never gets a 500 or breaks the store -------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)
message_like = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["track", "page", "identify", "group", "alias", "screen"])
        | json_values
    },
    optional={
        "event": json_values,
        "anonymousId": json_values,
        "userId": json_values,
        "messageId": json_values,
        "groupId": json_values,
        "previousId": json_values,
        "properties": json_values,
        "context": json_values,
        "timestamp": json_values,
    },
)
bodies = st.fixed_dictionaries(
    {"batch": st.lists(message_like, max_size=3) | json_values},
    optional={
        "writeKey": st.just("k") | json_values,
        "retryCount": json_values,
        "sentAt": json_values,
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies | json_values, encoded=st.booleans())
def test_any_json_body_is_a_200_or_a_clear_4xx_and_the_store_keeps_working(server, body, encoded):
    data = json.dumps(body).encode()
    headers = {"Content-Encoding": "gzip"} if encoded else {}
    status, answer, _ = post(server, "/v1/batch", gzip.compress(data) if encoded else data, headers)
    assert status in (200, 400, 401), answer
    assert answer["success"] is (status == 200)
    assert accepts_events(server)


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=200) | st.text().map(lambda text: text.encode("utf-8", "surrogatepass"))
)
def test_any_bytes_parse_or_raise_a_payload_error(data):
    try:
        parse_request("batch", data, None)
    except PayloadError as error:
        assert 400 <= error.status < 500 and str(error)


def test_parse_json_refuses_what_json_parse_would_not_give_back():
    with pytest.raises(PayloadError, match="NaN"):
        parse_json(b'{"a": NaN}')
    assert parse_json(b'{"a": 1e308, "b": "\\ud83d\\ude00"}') == {"a": 1e308, "b": "\U0001f600"}

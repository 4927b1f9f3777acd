"""Talking to a collector over real HTTP from the tests, as any client would."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from analytics_web.collector import CollectorServer
from analytics_web.serving import ThreadedServer
from tests.support.polling import wait_until


def request(
    server: ThreadedServer,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, Any, dict[str, str]]:
    """(status, the answer (parsed when it is JSON), headers). ``body`` is bytes as they are, or a
    value sent as JSON; with a body the method is POST unless told otherwise."""
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    call = urllib.request.Request(
        f"{server.url}{path}",
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, _answer(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, _answer(error), dict(error.headers)


def post(
    server: ThreadedServer, path: str, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, Any, dict[str, str]]:
    return request(server, path, body, headers, method="POST")


def _answer(response: Any) -> Any:
    """JSON parsed strictly (NaN or Infinity fail, as they would in JSON.parse); other text
    as it is."""
    data = response.read()
    if response.headers.get_content_type() != "application/json":
        return data.decode("utf-8", "replace") or None

    def refuse(name: str) -> Any:
        raise AssertionError(f"the collector answered with {name}, which JSON.parse refuses")

    return json.loads(data, parse_constant=refuse)


def track(message_id: str = "m-1", **fields: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Signed Up",
        "anonymousId": "anon-1",
        "messageId": message_id,
        **fields,
    }


def basic_auth(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def accepts_events(server: CollectorServer, write_key: str = "k") -> bool:
    """The collector still stores a good request (after a bad one, say)."""
    before = len(server.store.events(write_key=write_key))
    status, _, _ = post(
        server, "/v1/batch", {"batch": [track(f"probe-{before}")], "writeKey": write_key}
    )
    return status == 200 and len(server.store.events(write_key=write_key)) == before + 1


def stored_events(collector: CollectorServer, write_key: str) -> list[dict[str, Any]]:
    """The events the collector holds for `write_key` now, in the order it stored them."""
    return [record["event"] for record in collector.store.events(write_key=write_key)]


def wait_for_events(
    collector: CollectorServer, write_key: str, count: int, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """Wait until the collector has stored `count` events for `write_key`; exactly that many."""
    wait_until(lambda: len(stored_events(collector, write_key)) >= count, timeout)
    events = stored_events(collector, write_key)
    assert len(events) == count, f"expected {count} events, got {len(events)}: {events}"
    return events


def batch(*messages: dict[str, Any], key: str = "k") -> dict[str, Any]:
    """A /v1/batch body."""
    return {"batch": list(messages), "writeKey": key}


def upstream_ids(upstream: CollectorServer, key: str = "k") -> list[str]:
    """The messageIds a collector (a proxy's upstream, say) stored, in order."""
    return [record["event"]["messageId"] for record in upstream.store.events(write_key=key)]


def upstream_received(upstream: CollectorServer, key: str = "k") -> int:
    """Events the upstream was sent (duplicates included), from its request log."""
    return sum(
        row["events"] for row in upstream.store.requests(write_key=key) if row["status"] == 200
    )

"""The forwarder without a server: its request bodies, the upstream's Retry-After, and its
way with refusals against a stand-in upstream handed to it as its transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from analytics_web.proxy.forwarder import Answer, Forwarder, batch_body, retry_after_s
from analytics_web.proxy.spool import Spool, Spooled
from tests.support.collector_client import track

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


# -- the forwarder against a stand-in upstream ---------------------------------------------------


class Upstream:
    """A Tracking API in memory that refuses (400) any batch holding a message it will not take,
    as Segment refuses a whole batch for one bad message, and stores the others once."""

    def __init__(self, refused_ids: set[str]) -> None:
        self.refused_ids = refused_ids
        self.batches: list[list[str]] = []  # every batch posted, as its messageIds
        self.stored: list[str] = []

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        ids = [message["messageId"] for message in json.loads(body)["batch"]]
        self.batches.append(ids)
        if self.refused_ids & set(ids):
            return Answer(400, None, '{"success": false, "error": "a bad message"}')
        self.stored += ids
        return Answer(200, None, '{"success": true}')

    async def close(self) -> None:
        pass


def forward_all(tmp_path: Path, upstream: Upstream, count: int) -> dict[str, Any]:
    """Spool ``count`` events, let a forwarder send them to ``upstream`` until none is pending,
    and return the spool's counts."""

    async def scenario() -> dict[str, Any]:
        spool = Spool(tmp_path / "spool.sqlite3")
        forwarder = Forwarder(spool, "https://upstream.example/v1", transport=upstream)
        try:
            await spool.add("k", [track(f"m-{n}") for n in range(count)])
            await forwarder.start()
            forwarder.wake()
            async with asyncio.timeout(10):
                while (counts := await spool.counts())["pending"]:
                    await asyncio.sleep(0.01)
            return counts
        finally:
            await forwarder.stop()
            spool.close()

    # A worker that ran a Playwright test still has that test's event loop set on its thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario()).result()


def test_a_refused_batch_is_split_until_the_refused_events_are_found(tmp_path: Path):
    upstream = Upstream(refused_ids={"m-2", "m-5"})
    counts = forward_all(tmp_path, upstream, 8)
    assert counts["refused"] == 2 and counts["forwarded"] == 6
    assert sorted(upstream.stored) == sorted(f"m-{n}" for n in (0, 1, 3, 4, 6, 7))  # once each
    assert upstream.batches[0] == [f"m-{n}" for n in range(8)]
    # Halves, then quarters... each refused event ends alone in a batch of its own.
    assert ["m-2"] in upstream.batches and ["m-5"] in upstream.batches
    assert len(upstream.batches) <= 2 * 8


def test_a_batch_the_upstream_takes_whole_is_sent_once(tmp_path: Path):
    upstream = Upstream(refused_ids=set())
    counts = forward_all(tmp_path, upstream, 5)
    assert counts["forwarded"] == 5 and upstream.batches == [[f"m-{n}" for n in range(5)]]

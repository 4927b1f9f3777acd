"""The forwarder's pieces, without a server: request bodies and the upstream's Retry-After."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from analytics_web.proxy.forwarder import batch_body, retry_after_s
from analytics_web.proxy.spool import Spooled
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

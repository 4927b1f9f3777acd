"""Retry policy, request splitting, sizes and URLs: the arithmetic of delivery."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (0, True),
        (200, False),
        (400, False),
        (401, False),
        (404, False),
        (408, True),
        (410, True),
        (413, False),
        (429, True),
        (460, True),
        (500, True),
        (501, False),
        (502, True),
        (503, True),
        (504, True),
        (505, False),
        (511, False),
        (599, True),
    ],
)
def test_which_answers_are_retried(node, status, retry):
    assert node.call("retry", "is_retryable", status) is retry


@pytest.mark.parametrize(
    ("attempts", "base"), [(1, 500), (2, 1000), (3, 2000), (7, 32000), (8, 60000), (20, 60000)]
)
def test_backoff_doubles_to_a_minute_with_ten_percent_jitter(node, attempts, base):
    assert node.call("retry", "backoff_ms", attempts, 0) == pytest.approx(base * 0.9)
    assert node.call("retry", "backoff_ms", attempts, 0.999999) == pytest.approx(
        base * 1.1, rel=1e-5
    )
    assert base * 0.9 <= node.call("retry", "backoff_ms", attempts) <= base * 1.1


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("2", 2000),
        ("0", 0),
        ("1.5", 1500),
        ("9999", 300_000),
        ("-3", 0),
        (None, None),
        ("", None),
        ("soon", None),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30_000),
        (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0),
    ],
)
def test_retry_after_in_seconds_or_as_a_date_capped_at_five_minutes(node, header, wait):
    assert node.call("retry", "retry_after_ms", header, NOW.timestamp() * 1000) == wait


def items_of(sizes: list[int]) -> list[dict]:
    return [{"bytes": size, "event": {"i": index}} for index, size in enumerate(sizes)]


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40_000), max_size=60),
    limit=st.integers(min_value=1_000, max_value=100_000),
)
def test_chunks_keep_order_and_stay_under_the_limit_unless_one_item_is_larger(node, sizes, limit):
    groups = node.call("wire", "chunks", items_of(sizes), limit)
    assert [item["event"]["i"] for group in groups for item in group] == list(range(len(sizes)))
    overhead = 200  # the body around the events
    for group in groups:
        assert group, "no empty request"
        total = overhead + sum(item["bytes"] + 1 for item in group)
        assert total <= limit or len(group) == 1


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300))
def test_utf8_bytes_is_the_encoded_size(node, text):
    assert node.call("wire", "utf8_bytes", text) == len(text.encode("utf-8", "surrogatepass"))


def test_an_event_is_refused_by_its_utf8_size_not_its_length(node):
    fits = node.call("wire", "serialized", {"text": "\u6f22" * 10_000})
    wide = node.call("wire", "serialized", {"text": "\u6f22" * 12_000})
    assert (
        fits["bytes"]
        == len(json.dumps({"text": "\u6f22" * 10_000}, ensure_ascii=False).encode()) - 1
    )
    assert "32 KB" in wide["problem"]


@pytest.mark.parametrize(
    ("api_host", "protocol", "url"),
    [
        (None, None, "https://api.segment.io/v1/batch"),
        ("events.eu1.segmentapis.com/v1", None, "https://events.eu1.segmentapis.com/v1/batch"),
        ("127.0.0.1:8765/v1", "http", "http://127.0.0.1:8765/v1/batch"),
        ("127.0.0.1:8765/v1/", "http", "http://127.0.0.1:8765/v1/batch"),
        ("/t/v1", None, "/t/v1/batch"),
        ("https://first.example/t/v1", "http", "https://first.example/t/v1/batch"),
    ],
)
def test_where_events_go(node, api_host, protocol, url):
    assert node.call("wire", "api_url", api_host, protocol, "/batch") == url

"""Event times as Segment keeps them: the collector corrects each event for the sender's clock
(timestamp = receivedAt - (sentAt - timestamp as sent)), keeps the sender's value as
originalTimestamp, and the debugger shows the corrected time."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analytics_web.collector.store import EventStore
from analytics_web.tracking_api.times import format_time, parse_time
from tests.support.collector_client import post, track
from tests.support.event_times import HOURS_AHEAD, TOLERANCE, times_of


def skewed_stamps(happened_ago: timedelta) -> tuple[str, str]:
    """(timestamp, sentAt) as a sender 3 hours ahead writes them for an event that happened
    ``happened_ago`` before it was sent (now)."""
    sender_now = datetime.now(UTC) + HOURS_AHEAD
    return format_time(sender_now - happened_ago), format_time(sender_now)


def test_a_batch_from_a_clock_hours_ahead_is_corrected_per_event(server):
    first, sent_at = skewed_stamps(timedelta(minutes=2))
    second, _ = skewed_stamps(timedelta(seconds=10))
    batch = [track("m-1", timestamp=first), track("m-2", timestamp=second)]
    status, _, _ = post(server, "/v1/batch", {"batch": batch, "sentAt": sent_at, "writeKey": "k"})
    assert status == 200

    records = server.store.events(write_key="k")
    for record, ago in zip(records, (timedelta(minutes=2), timedelta(seconds=10)), strict=True):
        times = times_of(record)
        assert times["sentAt"] == parse_time(sent_at)
        assert times["originalTimestamp"] == parse_time(record["event"]["timestamp"])
        # Segment's rule, exactly, with the collector's own receive time:
        assert times["timestamp"] == times["receivedAt"] - (
            times["sentAt"] - times["originalTimestamp"]
        )
        # ...which puts the event when it really happened, by the collector's clock.
        assert abs(datetime.now(UTC) - ago - times["timestamp"]) < TOLERANCE


def test_a_single_message_uses_its_own_sent_at(server):
    timestamp, sent_at = skewed_stamps(timedelta(seconds=30))
    status, _, _ = post(server, "/v1/t", track(timestamp=timestamp, sentAt=sent_at, writeKey="k"))
    assert status == 200
    [record] = server.store.events(write_key="k")
    times = times_of(record)
    assert times["originalTimestamp"] - times["timestamp"] == pytest.approx(
        HOURS_AHEAD, abs=TOLERANCE
    )
    assert abs(datetime.now(UTC) - timedelta(seconds=30) - times["timestamp"]) < TOLERANCE


def test_a_message_s_own_original_timestamp_is_kept(server):
    """A first-party proxy sends events it has corrected already, with the browser's time as
    originalTimestamp: that one is what Segment keeps, not the corrected one."""
    browser_time = "2026-01-01T00:00:00.000Z"
    now = format_time(datetime.now(UTC))
    message = track(timestamp=now, originalTimestamp=browser_time)
    post(server, "/v1/batch", {"batch": [message], "sentAt": now, "writeKey": "k"})
    [record] = server.store.events(write_key="k")
    assert record["originalTimestamp"] == browser_time


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"timestamp": "2026-01-01T00:00:00.000Z"}, "2026-01-01T00:00:00.000Z"),
        ({}, "receivedAt"),
        ({"timestamp": "yesterday", "sentAt": "now"}, "receivedAt"),
        (
            {"timestamp": "0001-01-01T00:00:00Z", "sentAt": "9999-12-31T00:00:00Z"},
            "0001-01-01T00:00:00.000Z",
        ),
    ],
    ids=["no-sent-at", "no-timestamp", "unreadable", "millennia-apart"],
)
def test_without_both_stamps_the_timestamp_stands(server, fields, expected):
    status, _, _ = post(server, "/v1/batch", {"batch": [track(**fields)], "writeKey": "k"})
    assert status == 200
    [record] = server.store.events(write_key="k")
    assert record["timestamp"] == (record["receivedAt"] if expected == "receivedAt" else expected)


def test_an_events_file_from_before_the_time_columns_still_opens(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, received_at TEXT NOT NULL,
        write_key TEXT NOT NULL, message_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT,
        user_id TEXT, anonymous_id TEXT, payload TEXT NOT NULL, UNIQUE (write_key, message_id));
        INSERT INTO events (received_at, write_key, message_id, type, payload)
        VALUES ('2026-01-01T00:00:00.000Z', 'k', 'old-1', 'track', '{"type":"track"}');"""
    )
    old.commit()
    old.close()
    store = EventStore(path)
    store.add_events("k", [track("new-1")])
    old_record, new_record = store.events(write_key="k")
    store.close()
    assert old_record["timestamp"] == old_record["receivedAt"] == "2026-01-01T00:00:00.000Z"
    assert new_record["event"]["messageId"] == "new-1"

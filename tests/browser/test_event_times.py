"""Event times from a browser whose clock is wrong: the collector puts each event at the
real time it happened (timestamp = receivedAt - (sentAt - timestamp as sent))."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page

from analytics_web.collector import CollectorServer
from analytics_web.tracking_api.times import format_time, parse_time
from tests.support.pages import batching, open_page
from tests.support.polling import wait_until

HOURS_AHEAD = timedelta(hours=3)
# Between the sender's stamps and the receipt: a request on this machine, with room to spare.
TOLERANCE = timedelta(seconds=5)


def times_of(record: dict) -> dict[str, datetime]:
    """The four times of a stored event, each of which must be there and readable."""
    times = {
        name: parse_time(record[name])
        for name in ("receivedAt", "sentAt", "originalTimestamp", "timestamp")
    }
    return {name: value for name, value in times.items() if value is not None}


def skewed_stamps(happened_ago: timedelta) -> tuple[str, str]:
    """(timestamp, sentAt) as a sender 3 hours ahead writes them for an event that happened
    ``happened_ago`` before it was sent (now)."""
    sender_now = datetime.now(UTC) + HOURS_AHEAD
    return format_time(sender_now - happened_ago), format_time(sender_now)


# -- from a browser whose clock is wrong -----------------------------------------------------


def test_events_from_a_browser_clock_hours_ahead_land_at_the_real_time(
    page: Page, site, collector: CollectorServer, write_key
):
    page.clock.install(time=datetime.now(UTC) + HOURS_AHEAD)
    open_page(page, site, write_key, **batching(size=2, timeout=10_000))
    page.evaluate("analytics.track('First'); analytics.track('Second')")
    wait_until(lambda: len(collector.store.events(write_key=write_key)) == 2, 10)
    for record in collector.store.events(write_key=write_key):
        times = times_of(record)
        assert times["originalTimestamp"] - times["timestamp"] == pytest.approx(
            HOURS_AHEAD, abs=TOLERANCE
        )
        assert abs(times["receivedAt"] - times["timestamp"]) < TOLERANCE

"""Event times from a browser whose clock is wrong: the collector puts each event at the
real time it happened (timestamp = receivedAt - (sentAt - timestamp as sent))."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page

from analytics_web.collector import CollectorServer
from tests.support.event_times import HOURS_AHEAD, TOLERANCE, times_of
from tests.support.pages import batching, open_page
from tests.support.polling import wait_until

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

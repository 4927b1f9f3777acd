"""What the event-time tests (tests/browser and tests/server) share: a sender's clock 3 hours
ahead, the tolerance of a request on this machine, and reading a stored event's four times."""

from __future__ import annotations

from datetime import datetime, timedelta

from analytics_web.tracking_api.times import parse_time

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

"""When an event happened, as Segment works it out from the sender's clock and its own.

A browser's clock may be off by minutes or hours. The sender stamps each event with
``timestamp`` (its clock, when the call was made) and ``sentAt`` (its clock, when the body left),
so the difference between them is exact whatever the clock says; the receiver adds that
difference to its own ``receivedAt``:

    timestamp = receivedAt - (sentAt - timestamp as sent)

keeping the sender's value as ``originalTimestamp``. A message that already carries an
``originalTimestamp`` (one corrected by a first-party proxy) keeps it.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 instant as clients write it (``2026-11-25T10:00:00.123Z``), or None for
    anything else: a time that cannot be read is not corrected, never refused."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # JSON dates from JavaScript are UTC
    return parsed


def format_time(moment: datetime) -> str:
    """The ISO form JavaScript's toISOString() writes: UTC, milliseconds, ``Z``."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EventTimes:
    received_at: datetime
    sent_at: datetime | None
    original_timestamp: datetime | None
    timestamp: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "receivedAt": format_time(self.received_at),
            "sentAt": self.sent_at and format_time(self.sent_at),
            "originalTimestamp": self.original_timestamp and format_time(self.original_timestamp),
            "timestamp": format_time(self.timestamp),
        }


def event_times(
    message: dict[str, Any], received_at: datetime, batch_sent_at: object = None
) -> EventTimes:
    """The four times Segment keeps for one message received at ``received_at``.

    ``sentAt`` is the message's own or, failing that, the batch's. Without both a timestamp
    and a sentAt there is nothing to correct with: the timestamp stands as sent, or is the
    receive time when there is none.
    """
    sent = parse_time(message.get("sentAt")) or parse_time(batch_sent_at)
    stamped = parse_time(message.get("timestamp"))
    original = parse_time(message.get("originalTimestamp")) or stamped
    timestamp = stamped or received_at
    if stamped is not None and sent is not None:
        # A clock off by millennia overflows: there is nothing sensible to correct it to.
        with suppress(OverflowError):
            timestamp = received_at - (sent - stamped)
    return EventTimes(
        received_at=received_at, sent_at=sent, original_timestamp=original, timestamp=timestamp
    )

"""Fault injection: make the collector misbehave on purpose, so clients can be tested against it."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

# How many requests one fault may apply to.
MAX_FAULT_COUNT = 1_000_000
# Longer than any test needs, short enough that a typo cannot hang a client for good.
MAX_FAULT_SECONDS = 600


@dataclass
class Fault:
    """What to do to the next ``count`` tracking requests (of one write key, or of any).

    ``status`` answers with that HTTP status instead of storing (with ``Retry-After`` when
    ``retry_after`` is set); ``drop`` closes the connection without an answer; ``delay`` waits
    that many seconds first. A delay alone slows requests down and then handles them normally.
    """

    count: int = 1
    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    drop: bool = False
    write_key: str | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("a fault needs count >= 1")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"a fault status must be 4xx or 5xx, got {self.status}")
        if self.status is not None and self.drop:
            raise ValueError("a fault either answers with a status or drops the connection")
        if self.delay < 0:
            raise ValueError("a fault delay cannot be negative")

    @classmethod
    def from_json(cls, document: Any) -> Fault:
        """A fault from the admin endpoint's JSON; ValueError names what is wrong."""
        if not isinstance(document, dict):
            raise ValueError('a fault is a JSON object, e.g. {"status": 503, "count": 2}')
        unknown = set(document) - {"count", "status", "retryAfter", "delay", "drop", "writeKey"}
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        write_key = document.get("writeKey")
        if write_key is not None and not isinstance(write_key, str):
            raise ValueError(f'"writeKey" must be a string, got {write_key!r:.40}')
        drop = document.get("drop", False)
        if not isinstance(drop, bool):
            raise ValueError(f'"drop" must be true or false, got {drop!r:.40}')
        return cls(
            count=_integer(document, "count", 1, MAX_FAULT_COUNT, default=1),
            status=_integer(document, "status", 400, 599, default=None),
            retry_after=_seconds(document, "retryAfter", default=None),
            delay=_seconds(document, "delay", default=0.0),
            drop=drop,
            write_key=write_key,
        )


def _integer(document: dict[str, Any], key: str, low: int, high: int, *, default: Any) -> Any:
    value = document.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f'"{key}" must be an integer from {low} to {high}, got {value!r:.40}')
    return value


def _seconds(document: dict[str, Any], key: str, *, default: Any) -> Any:
    value = document.get(key)
    if value is None:
        return default
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 0 <= value <= MAX_FAULT_SECONDS
    ):
        raise ValueError(
            f'"{key}" must be a number of seconds from 0 to {MAX_FAULT_SECONDS}, got {value!r:.40}'
        )
    return float(value)


class FaultPlan:
    """Faults waiting to be applied, first added first used. Safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._pending.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, write_key: str | None) -> Fault | None:
        """Use up one application of the first fault that applies to this write key."""
        with self._lock:
            for fault in self._pending:
                if fault.write_key is None or fault.write_key == write_key:
                    fault.count -= 1
                    if fault.count == 0:
                        self._pending.remove(fault)
                    return fault
        return None

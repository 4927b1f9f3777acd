"""Fault injection: make the collector misbehave on purpose, so clients can be tested against it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


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
    def from_json(cls, document: dict[str, Any]) -> Fault:
        known = {"count", "status", "retryAfter", "delay", "drop", "writeKey"}
        unknown = set(document) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return cls(
            count=int(document.get("count", 1)),
            status=None if document.get("status") is None else int(document["status"]),
            retry_after=None if document.get("retryAfter") is None else float(document["retryAfter"]),
            delay=float(document.get("delay", 0.0)),
            drop=bool(document.get("drop", False)),
            write_key=document.get("writeKey"),
        )


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

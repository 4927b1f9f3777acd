"""The proxy's spool: every accepted event, durably on disk until the upstream has it.

An event is answered 200 only once its transaction is committed with ``synchronous=FULL``, so
a proxy killed a moment later still has it. All database work runs on one thread of its own;
the adds waiting when it gets to them share one transaction (one fsync for many requests),
which is what lets a proxy on a small machine keep up with hundreds of clients.

Forwarded rows stay, marked so and without their body, for ``DEDUPE_WINDOW_S``: a message a
browser retries (same write key and messageId) is then forwarded once, not once per attempt.
"""

from __future__ import annotations

import asyncio
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# A browser retries for minutes at most; a day covers that and any outbox kept across visits.
DEDUPE_WINDOW_S = 24 * 3600

SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    write_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'forwarded', 'refused')),
    spooled_at REAL NOT NULL,
    done_at REAL,
    error TEXT,
    UNIQUE (write_key, message_id)
);
CREATE INDEX IF NOT EXISTS spool_by_state ON spool (state, id);
"""


@dataclass(frozen=True)
class Spooled:
    """An event waiting to be forwarded: its row id and its JSON, as received."""

    id: int
    payload: str
    bytes: int


@dataclass(frozen=True)
class PendingBatch:
    write_key: str
    events: list[Spooled]


@dataclass
class _Add:
    write_key: str
    messages: list[tuple[str, str]]  # (messageId, JSON)
    done: Callable[[int | BaseException], None]


class Spool:
    """A SQLite file of events; every method is a coroutine, run on the spool's own thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._jobs: queue.SimpleQueue[_Add | Callable[[], None] | None] = queue.SimpleQueue()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a commit is on disk when it returns
        self._db.executescript(SCHEMA)
        self._thread = threading.Thread(target=self._work, name="spool", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=10)
        self._db.close()

    # -- the API, for the proxy's event loop ---------------------------------------------------

    async def add(self, write_key: str, messages: list[dict[str, Any]]) -> int:
        """Spool messages (each with a messageId); returns how many were new. Returns only
        once they are on disk."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()

        def done(result: int | BaseException) -> None:
            loop.call_soon_threadsafe(_settle, future, result)

        rows = [
            (message["messageId"], json.dumps(message, separators=(",", ":"), allow_nan=False))
            for message in messages
        ]
        self._jobs.put(_Add(write_key, rows, done))
        return await future

    async def next_batch(self, max_bytes: int, max_events: int) -> PendingBatch | None:
        """The oldest pending events of one write key, at most ``max_bytes`` of JSON."""
        return await self._run(lambda: self._next_batch(max_bytes, max_events))

    async def mark(self, ids: list[int], state: str, error: str | None = None) -> None:
        await self._run(lambda: self._mark(ids, state, error))

    async def prune(self, now: float | None = None) -> int:
        """Forget forwarded events older than the dedupe window; returns how many."""
        cutoff = (now if now is not None else time.time()) - DEDUPE_WINDOW_S
        return await self._run(lambda: self._prune(cutoff))

    async def counts(self) -> dict[str, int]:
        return await self._run(self._counts)

    # -- the spool's thread --------------------------------------------------------------------

    async def _run(self, job: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def run() -> None:
            try:
                result: T | BaseException = job()
            except BaseException as error:  # handed to the caller, who decides
                result = error
            loop.call_soon_threadsafe(_settle, future, result)

        self._jobs.put(run)
        return await future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if not isinstance(job, _Add):
                job()
                continue
            adds, later = [job], []
            while True:  # group the adds already waiting into one commit
                try:
                    waiting = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if isinstance(waiting, _Add):
                    adds.append(waiting)
                else:
                    later.append(waiting)
            self._commit_adds(adds)
            for waiting in later:
                if waiting is None:
                    return
                waiting()

    def _commit_adds(self, adds: list[_Add]) -> None:
        now = time.time()
        added: list[int] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for add in adds:
                cursor = self._db.executemany(
                    "INSERT OR IGNORE INTO spool (write_key, message_id, payload, bytes,"
                    " spooled_at) VALUES (?, ?, ?, ?, ?)",
                    [
                        (add.write_key, message_id, payload, len(payload.encode()), now)
                        for message_id, payload in add.messages
                    ],
                )
                added.append(cursor.rowcount)
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            for add in adds:
                add.done(error)
            return
        for add, count in zip(adds, added, strict=True):
            add.done(count)

    def _next_batch(self, max_bytes: int, max_events: int) -> PendingBatch | None:
        first = self._db.execute(
            "SELECT write_key FROM spool WHERE state = 'pending' ORDER BY id LIMIT 1"
        ).fetchone()
        if first is None:
            return None
        write_key = first[0]
        events: list[Spooled] = []
        total = 0
        rows = self._db.execute(
            "SELECT id, payload, bytes FROM spool WHERE state = 'pending' AND write_key = ?"
            " ORDER BY id LIMIT ?",
            (write_key, max_events),
        )
        for row_id, payload, size in rows:
            if events and total + size + 1 > max_bytes:
                break
            events.append(Spooled(row_id, payload, size))
            total += size + 1
        return PendingBatch(write_key, events)

    def _mark(self, ids: list[int], state: str, error: str | None) -> None:
        # A forwarded event's id is all the dedupe window needs: its body goes, so a busy day
        # does not keep a day of bodies on disk. A refused one keeps its body, to be looked at.
        keep_body = state != "forwarded"
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "UPDATE spool SET state = ?, done_at = ?, error = ?,"
                " payload = CASE WHEN ? THEN payload ELSE '' END WHERE id = ?",
                [(state, time.time(), error, keep_body, row_id) for row_id in ids],
            )

    def _prune(self, cutoff: float) -> int:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            cursor = self._db.execute(
                "DELETE FROM spool WHERE state = 'forwarded' AND done_at < ?", (cutoff,)
            )
        return cursor.rowcount

    def _counts(self) -> dict[str, int]:
        counts = {"pending": 0, "forwarded": 0, "refused": 0}
        for state, count in self._db.execute("SELECT state, COUNT(*) FROM spool GROUP BY state"):
            counts[state] = count
        return counts


def _settle(future: asyncio.Future[T], result: T | BaseException) -> None:
    if future.cancelled():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)

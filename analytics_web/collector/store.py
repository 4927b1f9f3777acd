"""SQLite storage for accepted events and a log of every request the collector answered."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analytics_web.tracking_api import event_times, format_time, utc_now

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    write_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT,
    user_id TEXT,
    anonymous_id TEXT,
    payload TEXT NOT NULL,
    sent_at TEXT,
    original_timestamp TEXT,
    timestamp TEXT,
    session_id TEXT,
    UNIQUE (write_key, message_id)
);
CREATE INDEX IF NOT EXISTS events_by_key ON events (write_key, id);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    path TEXT NOT NULL,
    write_key TEXT,
    status INTEGER NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    retry_count INTEGER,
    content_type TEXT,
    content_encoding TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS requests_by_key ON requests (write_key, id);
"""


# Columns added since the first release, so an events file from then still opens.
ADDED_COLUMNS = {
    "sent_at": "TEXT",
    "original_timestamp": "TEXT",
    "timestamp": "TEXT",
    "session_id": "TEXT",
}


def utc_now_iso() -> str:
    return format_time(utc_now())


@dataclass(frozen=True)
class StoreResult:
    stored: int
    duplicates: int


@dataclass(frozen=True)
class RequestRecord:
    path: str
    status: int
    write_key: str | None = None
    events: int = 0
    stored: int = 0
    duplicates: int = 0
    bytes: int = 0
    retry_count: int | None = None
    content_type: str | None = None
    content_encoding: str | None = None
    error: str | None = None


class EventStore:
    """Events deduplicated by (write key, messageId), and the request log.

    One connection guarded by a lock: the collector's event loop writes while tests and the
    debugger read from other threads, and SQLite is fast enough that a lock costs nothing here.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise sqlite3.OperationalError(
                f"cannot create {self.path.parent}: {error.strerror}"
            ) from None
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
            self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        present = {row["name"] for row in self._db.execute("PRAGMA table_info(events)")}
        for column, kind in ADDED_COLUMNS.items():
            if column not in present:
                self._db.execute(f"ALTER TABLE events ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add_events(
        self,
        write_key: str,
        messages: list[dict[str, Any]],
        request: RequestRecord | None = None,
        *,
        batch_sent_at: object = None,
    ) -> StoreResult:
        """Store messages new to this write key, each with the times Segment keeps (see
        :mod:`analytics_web.tracking_api.times`); with ``request``, log it (its stored and
        duplicate counts filled in) in the same transaction, so a reader never sees the events
        of a request before the request itself."""
        received = utc_now()
        stored = 0
        with self._transaction():
            for message in messages:
                message_id = message.get("messageId") or f"collector-{uuid.uuid4()}"
                times = event_times(message, received, batch_sent_at).as_json()
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO events (received_at, write_key, message_id, type,"
                    " name, user_id, anonymous_id, payload, sent_at, original_timestamp,"
                    " timestamp, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        times["receivedAt"],
                        write_key,
                        message_id,
                        message["type"],
                        _display_name(message),
                        _optional_str(message.get("userId")),
                        _optional_str(message.get("anonymousId")),
                        json.dumps(message, separators=(",", ":"), allow_nan=False),
                        times["sentAt"],
                        times["originalTimestamp"],
                        times["timestamp"],
                        _session_of(message),
                    ),
                )
                stored += cursor.rowcount
            result = StoreResult(stored=stored, duplicates=len(messages) - stored)
            if request is not None:
                self._insert_request(
                    replace(request, stored=result.stored, duplicates=result.duplicates)
                )
        return result

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """All or nothing, and the connection usable afterwards whatever went wrong: a
        transaction left open would make every later one fail."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def log_request(self, record: RequestRecord) -> None:
        with self._lock:
            self._insert_request(record)

    def _insert_request(self, record: RequestRecord) -> None:
        self._db.execute(
            "INSERT INTO requests (received_at, path, write_key, status, events, stored,"
            " duplicates, bytes, retry_count, content_type, content_encoding, error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                utc_now_iso(),
                record.path,
                record.write_key,
                record.status,
                record.events,
                record.stored,
                record.duplicates,
                record.bytes,
                record.retry_count,
                record.content_type,
                record.content_encoding,
                record.error,
            ),
        )

    def events(
        self,
        *,
        write_key: str | None = None,
        type: str | None = None,
        user: str | None = None,
        session: str | None = None,
        since: str | None = None,
        after_id: int | None = None,
        limit: int = 1000,
        newest_first: bool = False,
    ) -> list[dict[str, Any]]:
        """Stored events, oldest first unless asked otherwise, each with its receipt metadata
        and the times Segment would keep: ``timestamp`` corrected for the sender's clock."""
        clauses, params = _filters(write_key=write_key, since=since, after_id=after_id)
        if type:
            clauses.append("type = ?")
            params.append(type)
        if user:
            clauses.append("(user_id = ? OR anonymous_id = ?)")
            params += [user, user]
        if session:
            clauses.append("session_id = ?")
            params.append(session)
        order = "DESC" if newest_first else "ASC"
        query = (
            "SELECT id, received_at, write_key, payload, sent_at, original_timestamp,"
            " COALESCE(timestamp, received_at) AS timestamp FROM events"
            f" {_where(clauses)} ORDER BY id {order} LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(query, (*params, limit)).fetchall()
        return [
            {
                "id": row["id"],
                "receivedAt": row["received_at"],
                "sentAt": row["sent_at"],
                "originalTimestamp": row["original_timestamp"],
                "timestamp": row["timestamp"],
                "writeKey": row["write_key"],
                "event": json.loads(row["payload"], parse_constant=_not_a_number),
            }
            for row in rows
        ]

    def requests(self, *, write_key: str | None = None) -> list[dict[str, Any]]:
        clauses, params = _filters(write_key=write_key)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM requests {_where(clauses)} ORDER BY id", params
            ).fetchall()
        return [dict(row) for row in rows]

    def stats(self, *, write_key: str | None = None) -> dict[str, int]:
        clauses, params = _filters(write_key=write_key)
        where = _where(clauses)
        with self._lock:
            requests = self._db.execute(
                "SELECT COUNT(*) AS requests,"
                " COALESCE(SUM(status >= 400), 0) AS rejected,"
                " COALESCE(SUM(duplicates), 0) AS duplicates,"
                " COALESCE(SUM(bytes), 0) AS bytes,"
                " COALESCE(SUM(COALESCE(retry_count, 0) > 0), 0) AS retries"
                f" FROM requests {where}",
                params,
            ).fetchone()
            events = self._db.execute(f"SELECT COUNT(*) FROM events {where}", params).fetchone()
        return {**dict(requests), "events": events[0]}


def _filters(
    *, write_key: str | None = None, since: str | None = None, after_id: int | None = None
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if write_key:
        clauses.append("write_key = ?")
        params.append(write_key)
    if since:
        clauses.append("received_at >= ?")
        params.append(since)
    if after_id is not None:
        clauses.append("id > ?")
        params.append(after_id)
    return clauses, params


def _where(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


def _not_a_number(name: str) -> None:
    """NaN or Infinity in a row stored before they were refused: served as null."""
    return None


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _session_of(message: dict[str, Any]) -> str | None:
    """The visit the event belongs to: context.sessionId (a number from analytics-web, any
    scalar from another sender)."""
    context = message.get("context")
    value = context.get("sessionId") if isinstance(context, dict) else None
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def _display_name(message: dict[str, Any]) -> str | None:
    """The name a person looks for: the event of a track, the name of a page, the group id."""
    for field in ("event", "name", "groupId"):
        value = message.get(field)
        if value:
            return str(value)
    return None

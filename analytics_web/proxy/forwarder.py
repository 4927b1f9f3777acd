"""Sending the spool to the upstream Tracking API, oldest first, until it has everything.

The retry policy is the browser library's (docs/delivery.md, "Retries"), which is
analytics-next's: 5xx but 501/505/511, 408, 410, 429, 460 and network errors are retried with
exponential backoff and jitter, ``Retry-After`` honoured; any other 4xx is a refusal. Unlike a
browser the proxy never gives up on a retryable failure: its spool is on disk and an upstream
that is down for hours comes back. A refused batch is split until the refused events are
found; those are kept aside, counted, and never sent again.

The upstream is reached through a :class:`Transport` (HTTP by default), so a test can stand in
for it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

import aiohttp

from analytics_web.proxy.spool import Spool, Spooled
from analytics_web.tracking_api import format_time, utc_now

log = logging.getLogger(__name__)

# Segment's limit is 500 KB per request; the envelope and sentAt stamps need a little room.
MAX_BATCH_BYTES = 480 * 1024
MAX_BATCH_EVENTS = 2000
FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 300.0
REQUEST_TIMEOUT_S = 30.0
# How often forwarded events older than the dedupe window are forgotten.
PRUNE_EVERY_S = 3600.0


def is_retryable(status: int) -> bool:
    if status in (408, 410, 429, 460):
        return True
    return status >= 500 and status not in (501, 505, 511)


def retry_after_s(header: str | None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds to wait, at most 300."""
    if not header:
        return None
    try:
        seconds = float(header)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(header).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, MAX_RETRY_AFTER_S))


def backoff_s(failures: int, max_backoff_s: float = MAX_BACKOFF_S) -> float:
    """0.5 s x 2^(n-1), at most ``max_backoff_s``, +-10% jitter."""
    base: float = min(FIRST_BACKOFF_S * 2.0 ** min(failures - 1, 30), max_backoff_s)
    return base * random.uniform(0.9, 1.1)


def batch_body(events: list[Spooled], sent_at: str) -> bytes:
    """The batch as the upstream reads it, built from the stored JSON without re-encoding it.

    Every event gets the moment of forwarding as its ``sentAt``: the proxy already corrected
    its ``timestamp`` for the browser's clock, and the upstream corrects it again for the
    proxy's, which is the clock that sent it.
    """
    stamp = f'{{"sentAt":"{sent_at}",'
    stamped = [stamp + event.payload[1:] for event in events]
    return f'{{"batch":[{",".join(stamped)}],"sentAt":"{sent_at}"}}'.encode()


@dataclass(frozen=True)
class Answer:
    """What the upstream said: its status (0 when nothing came back), its Retry-After header
    and the start of its text (or what went wrong on the way)."""

    status: int
    retry_after: str | None
    text: str


class Transport(Protocol):
    """How the forwarder posts to the upstream: over HTTP (:class:`HttpTransport`), or a
    stand-in a test hands it."""

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer: ...

    async def close(self) -> None: ...


class HttpTransport:
    """POST with aiohttp, one session for the forwarder's life; a failure on the way (refused,
    reset, timed out) is an Answer with status 0, never an exception."""

    def __init__(self, timeout_s: float = REQUEST_TIMEOUT_S) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(url, data=body, headers=dict(headers)) as response:
                text = await response.text(errors="replace")
                return Answer(response.status, response.headers.get("Retry-After"), text[:300])
        except (aiohttp.ClientError, TimeoutError, OSError) as failure:
            return Answer(0, None, str(failure) or repr(failure))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


@dataclass
class UpstreamStatus:
    """What /stats says about the upstream."""

    last_status: int | None = None
    last_error: str | None = None
    last_success_at: str | None = None
    failures: int = 0
    next_attempt_in_s: float = 0.0
    requests: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "lastStatus": self.last_status,
            "lastError": self.last_error,
            "lastSuccessAt": self.last_success_at,
            "consecutiveFailures": self.failures,
            "nextAttemptInSeconds": round(self.next_attempt_in_s, 3),
            "requests": self.requests,
        }


class Forwarder:
    """One loop per proxy: take a batch, send it, mark it, repeat; sleep when there is nothing.

    ``wake()`` is called whenever something is spooled, so an idle proxy forwards at once.
    """

    def __init__(
        self,
        spool: Spool,
        upstream: str,
        *,
        max_backoff_s: float = MAX_BACKOFF_S,
        max_batch_bytes: int = MAX_BATCH_BYTES,
        transport: Transport | None = None,
    ) -> None:
        self.spool = spool
        self.batch_url = upstream.rstrip("/") + "/batch"
        self.max_backoff_s = max_backoff_s
        self.max_batch_bytes = max_batch_bytes
        self.status = UpstreamStatus()
        self.transport = transport or HttpTransport()
        self._work = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._work.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="forwarder")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.transport.close()

    async def _run(self) -> None:
        last_prune = 0.0
        while True:
            try:
                if time.monotonic() - last_prune > PRUNE_EVERY_S:
                    await self.spool.prune()
                    last_prune = time.monotonic()
                wait = await self._forward_next()
            except sqlite3.Error as error:  # a full disk, say: the events stay where they are
                log.error("cannot read the spool: %s", error)
                wait = self.max_backoff_s
            if wait is not None:
                self.status.next_attempt_in_s = wait
                await asyncio.sleep(wait)
                self.status.next_attempt_in_s = 0.0

    async def _forward_next(self) -> float | None:
        """Forward the oldest batch, or wait for one; how long to back off, if at all."""
        self._work.clear()
        batch = await self.spool.next_batch(self.max_batch_bytes, MAX_BATCH_EVENTS)
        if batch is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._work.wait(), timeout=PRUNE_EVERY_S)
            return None
        return await self._deliver(batch.write_key, batch.events)

    async def _deliver(self, write_key: str, events: list[Spooled]) -> float | None:
        """Send events; None once each is forwarded or refused, else how long to wait."""
        status, retry_after, error = await self._post(write_key, events)
        if 200 <= status < 300:
            self.status.failures = 0
            self.status.last_success_at = format_time(utc_now())
            await self.spool.mark([event.id for event in events], "forwarded")
            return None
        if status and not is_retryable(status):
            if len(events) > 1:  # find the refused ones; the rest go on
                half = len(events) // 2
                return await self._deliver(write_key, events[:half]) or await self._deliver(
                    write_key, events[half:]
                )
            log.warning("upstream refused an event (%s): %s", status, error)
            await self.spool.mark([events[0].id], "refused", f"{status}: {error}"[:500])
            return None
        self.status.failures += 1
        wait = retry_after if status == 429 and retry_after is not None else None
        return wait if wait is not None else backoff_s(self.status.failures, self.max_backoff_s)

    async def _post(self, write_key: str, events: list[Spooled]) -> tuple[int, float | None, str]:
        """(status, Retry-After in seconds, error text); status 0 when nothing came back."""
        credentials = base64.b64encode(f"{write_key}:".encode()).decode()
        self.status.requests += 1
        answer = await self.transport.post(
            self.batch_url,
            batch_body(events, format_time(utc_now())),
            {"Authorization": f"Basic {credentials}", "Content-Type": "application/json"},
        )
        self.status.last_status = answer.status
        self.status.last_error = None if 0 < answer.status < 300 else answer.text
        return answer.status, retry_after_s(answer.retry_after), answer.text

"""The local collector under load: many clients posting batches at once, nothing lost.

    .venv/bin/python -m benchmarks.collector_load [--clients 200] [--batches 20] [--size 10]

Runs `analytics-web collector` as its own process (as a developer would), then `--clients`
concurrent clients each post `--batches` batches of `--size` events (~700 bytes each, as the
browser sends them) as fast as answers come back. Prints requests and events per second,
answer latency (p50, p99) and how many events the collector stored: every one sent, or the
run says what went missing. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

import aiohttp

from benchmarks.results import record
from tests.support.ports import free_port
from tests.support.processes import start_cli, stop_process

ROOT = Path(__file__).resolve().parent.parent


def event(client: int, batch: int, index: int) -> dict[str, object]:
    return {
        "type": "track",
        "event": "Load Test",
        "messageId": f"load-{uuid.uuid4()}",
        "anonymousId": f"anon-{client}",
        "timestamp": "2026-11-25T12:00:00.000Z",
        "properties": {"client": client, "batch": batch, "index": index, "plan": "pro"},
        "context": {
            "library": {"name": "analytics-web", "version": "0.1.0"},
            "page": {
                "path": "/pricing",
                "url": "https://shop.example/pricing",
                "title": "Pricing",
                "referrer": "",
                "search": "",
            },
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64) load test",
            "locale": "en-US",
        },
    }


async def client(
    session: aiohttp.ClientSession,
    url: str,
    number: int,
    batches: int,
    size: int,
    latencies: list[float],
) -> int:
    sent = 0
    for batch in range(batches):
        body = json.dumps(
            {
                "batch": [event(number, batch, i) for i in range(size)],
                "writeKey": "load",
                "sentAt": "2026-11-25T12:00:00.000Z",
            }
        )
        started = time.perf_counter()
        async with session.post(url, data=body, headers={"Content-Type": "text/plain"}) as answer:
            await answer.read()
            if answer.status != 200:
                raise RuntimeError(f"client {number} got {answer.status}")
        latencies.append(time.perf_counter() - started)
        sent += size
    return sent


async def load(url: str, clients: int, batches: int, size: int) -> tuple[int, float, list[float]]:
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        sent = await asyncio.gather(
            *(client(session, url, n, batches, size, latencies) for n in range(clients))
        )
        elapsed = time.perf_counter() - started
    return sum(sent), elapsed, latencies


def load_arguments(doc: str) -> argparse.Namespace:
    """--clients, --batches and --size, for this benchmark and the proxy's."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--size", type=int, default=10)
    return parser.parse_args()


def main() -> None:
    args = load_arguments(__doc__)
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.sqlite3"
        process, _ = start_cli("collector", "--port", str(port), "--db", str(db))  # it listens
        try:
            sent, elapsed, latencies = asyncio.run(
                load(f"http://127.0.0.1:{port}/v1/batch", args.clients, args.batches, args.size)
            )
        finally:
            stop_process(process)
        import sqlite3

        with sqlite3.connect(db) as connection:
            stored = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            requests = connection.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
    quantiles = statistics.quantiles(latencies, n=100)
    report = "\n".join(
        [
            f"## The collector under load, {date.today()}",
            "",
            f"`python -m benchmarks.collector_load`: {args.clients} concurrent clients x"
            f" {args.batches} batches x {args.size} events ({sent:,} events, {requests:,}"
            f" requests) in {elapsed:.1f} s, the clients on the same machine.",
            "",
            f"- {requests / elapsed:,.0f} requests/s, {sent / elapsed:,.0f} events/s",
            f"- answer latency p50 {statistics.median(latencies) * 1000:.1f} ms,"
            f" p99 {quantiles[98] * 1000:.1f} ms",
            f"- stored {stored:,} of {sent:,} events" + ("" if stored == sent else " (LOST SOME)"),
        ]
    )
    print(report)
    record("collector", report)


if __name__ == "__main__":
    main()

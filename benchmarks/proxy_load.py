"""The first-party proxy under load, beside the same load sent straight to its upstream.

    .venv/bin/python -m benchmarks.proxy_load [--clients 200] [--batches 20] [--size 10]

Runs `analytics-web collector` (the upstream) and `analytics-web proxy` as processes of their
own, as a site would. The same load (`--clients` concurrent clients, each posting `--batches`
batches of `--size` events as fast as answers come back) goes first straight to the upstream,
then through the proxy. Prints events per second, answer latency (p50, p99) both ways and what
the proxy adds, the proxy's peak memory, how long it took to forward everything, and that the
upstream has every event exactly once. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.collector_load import load, load_arguments
from benchmarks.results import record
from tests.support.ports import free_port
from tests.support.processes import start_cli, stop_process

WRITE_KEY = "load"


@dataclass(frozen=True)
class Run:
    sent: int
    elapsed: float
    latencies: list[float]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000


def start(*arguments: str) -> subprocess.Popen[str]:
    process, _ = start_cli(*arguments)  # it listens
    return process


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stored(db: Path) -> tuple[int, int]:
    """(events stored, events the upstream was sent, duplicates included)."""
    with sqlite3.connect(db) as connection:
        events = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        sent = connection.execute(
            "SELECT COALESCE(SUM(events), 0) FROM requests WHERE status = 200"
        ).fetchone()[0]
    return events, sent


def measure(url: str, args: argparse.Namespace) -> Run:
    return Run(*asyncio.run(load(url, args.clients, args.batches, args.size)))


def main() -> None:
    args = load_arguments(__doc__)
    with tempfile.TemporaryDirectory() as folder:
        direct_db, upstream_db = Path(folder) / "direct.sqlite3", Path(folder) / "up.sqlite3"
        direct_port, upstream_port, proxy_port = free_port(), free_port(), free_port()
        direct = start("collector", "--port", str(direct_port), "--db", str(direct_db))
        try:
            straight = measure(f"http://127.0.0.1:{direct_port}/v1/batch", args)
        finally:
            stop_process(direct)

        upstream = start("collector", "--port", str(upstream_port), "--db", str(upstream_db))
        proxy = start(
            "proxy",
            "--upstream",
            f"http://127.0.0.1:{upstream_port}/v1",
            "--write-key",
            WRITE_KEY,
            "--port",
            str(proxy_port),
            "--spool",
            str(Path(folder) / "spool.sqlite3"),
        )
        try:
            through = measure(f"http://127.0.0.1:{proxy_port}/v1/batch", args)
            acknowledged_at = time.perf_counter()
            while (
                stored(upstream_db)[0] < through.sent
                and time.perf_counter() - acknowledged_at < 120
            ):
                time.sleep(0.05)
            drained_s = time.perf_counter() - acknowledged_at
            memory = peak_memory_mb(proxy.pid)
        finally:
            for process in (proxy, upstream):
                stop_process(process)
        events, forwarded = stored(upstream_db)

    lost = through.sent - events
    report = "\n".join(
        [
            f"## The proxy under load, {date.today()}",
            "",
            f"`python -m benchmarks.proxy_load`: {args.clients} concurrent clients x"
            f" {args.batches} batches x {args.size} events ({through.sent:,} events) on"
            f" {sys.platform}, one proxy process, the collector as its upstream on the same"
            " machine.",
            "",
            "| | straight to the upstream | through the proxy | added by the proxy |",
            "| --- | ---: | ---: | ---: |",
            f"| events/s | {straight.sent / straight.elapsed:,.0f}"
            f" | {through.sent / through.elapsed:,.0f} | |",
            f"| answer p50 | {straight.p50_ms:.1f} ms | {through.p50_ms:.1f} ms"
            f" | {through.p50_ms - straight.p50_ms:+.1f} ms |",
            f"| answer p99 | {straight.p99_ms:.1f} ms | {through.p99_ms:.1f} ms"
            f" | {through.p99_ms - straight.p99_ms:+.1f} ms |",
            "",
            f"Proxy peak memory {memory:.0f} MB; all forwarded {drained_s:.1f} s after the last"
            f" answer; the upstream stored {events:,} of {through.sent:,} events, sent"
            f" {forwarded:,}"
            + ("" if lost == 0 else f" (LOST {lost})")
            + ("" if forwarded == events else f" ({forwarded - events} resent, deduplicated)")
            + ".",
        ]
    )
    print(report)
    record("proxy", report)


if __name__ == "__main__":
    main()

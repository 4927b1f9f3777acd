"""`analytics-web proxy` as a process: killed under load it loses nothing it acknowledged,
and a mistake on its command line is one clear line."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from analytics_web.collector import CollectorServer
from tests.support.collector_client import batch, track, upstream_ids
from tests.support.polling import wait_until
from tests.support.ports import free_port
from tests.support.processes import run_cli, start_cli, stop_process


def test_a_proxy_killed_under_load_delivers_every_event_it_acknowledged(upstream, tmp_path, dist):
    """SIGKILL while clients post: every event answered 200 reaches the upstream after a
    restart on the same spool, and none is stored twice."""
    spool = tmp_path / "spool.sqlite3"
    port = free_port()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        sequence = 0
        while not stop.is_set():
            ids = [f"c{number}-{sequence}-{i}" for i in range(5)]
            sequence += 1
            body = json.dumps(batch(*(track(i) for i in ids))).encode()
            call_ = urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/batch", data=body, method="POST"
            )
            try:
                with urllib.request.urlopen(call_, timeout=5) as answer:
                    if answer.status == 200:
                        with lock:
                            acknowledged.extend(ids)
            except OSError:
                time.sleep(0.05)  # the proxy is down: try again, as a browser would

    process = start_proxy_process(upstream, spool, port)
    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    assert wait_until(lambda: len(acknowledged) >= 500, 20)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    stop.set()
    for thread in clients:
        thread.join(timeout=10)
    killed_with = len(acknowledged)

    restarted = start_proxy_process(upstream, spool, port)
    try:
        assert wait_until(lambda: set(acknowledged) <= set(upstream_ids(upstream)), 30), (
            f"{len(set(acknowledged) - set(upstream_ids(upstream)))} acknowledged events lost"
        )
    finally:
        stop_process(restarted)
    stored = upstream_ids(upstream)
    assert len(stored) == len(set(stored)) >= killed_with


def start_proxy_process(upstream: CollectorServer, spool: Path, port: int) -> subprocess.Popen[str]:
    process, first_line = start_cli(
        "proxy",
        "--upstream",
        f"{upstream.url}/v1",
        "--write-key",
        "k",
        "--port",
        str(port),
        "--spool",
        str(spool),
    )
    assert first_line.startswith("proxy listening on"), first_line
    return process


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--upstream", "http://127.0.0.1:9/v1"], "--write-key"),
        (["--upstream", "api.segment.io/v1", "--write-key", "k"], "https://api.segment.io/v1"),
    ],
)
def test_cli_mistakes_get_one_clear_line(arguments, says, tmp_path):
    result = run_cli("proxy", "--spool", str(tmp_path / "s"), *arguments)
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr

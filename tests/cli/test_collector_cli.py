"""`analytics-web collector` from the command line: it serves until interrupted, and a
mistake is one clear line."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest

from tests.support.collector_client import basic_auth, track
from tests.support.processes import run_cli, start_cli, stop_process


def test_cli_serves_until_interrupted(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "cli.sqlite3"
    process, line = start_cli("collector", "--port", str(port), "--db", str(db))
    try:
        assert "collector listening on" in line
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/t",
            data=json.dumps(track()).encode(),
            headers=basic_auth("k"),
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        stop_process(process)
    assert db.is_file()


@pytest.mark.parametrize(
    ("arguments", "says"),
    [(["--port", "70000"], "'70000' is not a port"), (["--db", "."], "'.' is a directory")],
    ids=["port-out-of-range", "db-is-a-directory"],
)
@pytest.mark.parametrize("command", ["collector", "demo"])
def test_cli_mistakes_get_one_clear_line(command, arguments, says):
    result = run_cli(command, *arguments)
    assert result.returncode == 2
    assert says in result.stderr and "Traceback" not in result.stderr


def test_cli_a_database_it_cannot_create_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("collector", "--port", "0", "--db", str(blocker / "x.sqlite3"))
    assert result.returncode == 1
    assert (
        result.stderr.startswith("cannot use the event database")
        and "Traceback" not in result.stderr
    )


def test_cli_prints_and_serves_ipv6_hosts_in_brackets(tmp_path):
    process, line = start_cli(
        "collector", "--host", "::1", "--port", "0", "--db", str(tmp_path / "v6.sqlite3")
    )
    try:
        url = line.split("collector listening on ")[1].split()[0]
        assert url.startswith("http://[::1]:") and url.endswith("/v1")
        request = urllib.request.Request(
            f"{url}/t", data=json.dumps(track()).encode(), headers=basic_auth("k"), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{url}/events", timeout=5) as response:  # Host [::1] is ours
            assert len(json.loads(response.read())["events"]) == 1
    finally:
        stop_process(process)

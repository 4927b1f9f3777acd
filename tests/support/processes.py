"""`analytics-web` commands run as processes of their own, as a developer runs them. Shared by
the tests and the benchmarks."""

from __future__ import annotations

import subprocess
import sys

from analytics_web.paths import SOURCE_ROOT


def start_cli(*arguments: str) -> tuple[subprocess.Popen[str], str]:
    """``analytics-web ARGUMENTS`` started; returns the process and the first line it printed,
    which the servers print once they listen."""
    process = subprocess.Popen(
        [sys.executable, "-m", "analytics_web", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        cwd=SOURCE_ROOT,
    )
    assert process.stdout is not None
    return process, process.stdout.readline()


def run_cli(*arguments: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """``analytics-web ARGUMENTS`` run to its end; its exit code, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "analytics_web", *arguments],
        capture_output=True,
        text=True,
        timeout=30,
        check=check,
        cwd=SOURCE_ROOT,
    )


def stop_process(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)

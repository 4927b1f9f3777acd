"""A folder made once per test run, whichever worker needs it first; the other workers wait for
it and use the same one. For what is costly to make and only read by the tests (a wheel
installed in a venv, a packed npm package installed in a project).

pytest-xdist's ``--dist loadgroup`` would keep such tests on one worker, but with pytest 9.2 it
silently stops grouping (pytest-dev/pytest-xdist#1386), and a worker runs other files' tests
between them anyway."""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path

import pytest


def made_once(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    make: Callable[[Path], None],
) -> Path:
    """``make(folder)`` run once for this test run; returns the folder it made."""
    base = tmp_path_factory.getbasetemp()
    # A worker's base folder is popen-gwN inside the run's own; without workers it is the run's.
    run_folder = base if worker_id == "master" else base.parent
    folder = run_folder / name
    with open(run_folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".made"
        if not done.exists():
            folder.mkdir(exist_ok=True)
            make(folder)
            done.touch()
    return folder

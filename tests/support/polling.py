"""Waiting for something another process does (the collector storing, a request landing):
poll a condition until it holds or time runs out. Shared by the tests and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """True as soon as ``condition()`` is; False if it still is not after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True

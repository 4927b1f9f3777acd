"""The unit tier: the browser code's pure logic, as transpiled, run in Node (no browser), many
cases a second. `./dev test -m unit` runs only these."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics_web import __version__
from analytics_web.build import transpiled_dir
from analytics_web.snippet import stub_methods

HARNESS = Path(__file__).parent / "harness.mjs"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.unit)


class NodeError(Exception):
    """The call threw in JavaScript; the message is the error's."""


class Node:
    """One Node process holding the transpiled modules; call(module, function, *args)."""

    def __init__(self, folder: Path) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("the unit tier needs Node.js (./dev installs it)")
        self.process = subprocess.Popen(
            [node, str(HARNESS), str(folder), __version__, json.dumps(stub_methods()["events"])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise NodeError(answer["error"])
        return answer

    def call(self, module: str, function: str, *args: Any, **extra: Any) -> Any:
        return self.ask({"module": module, "call": function, "args": list(args), **extra})["value"]

    def run(self, module: str, script: str) -> Any:
        """The value of ``script``, a JavaScript function called with the module."""
        return self.ask({"module": module, "run": script})["value"]

    def calls(self, module: str, function: str, *args: Any) -> list[list[Any]]:
        """The methods the function called on a {"$recorder": true} argument, in order."""
        calls: list[list[Any]] = self.ask({"module": module, "call": function, "args": list(args)})[
            "calls"
        ]
        return calls

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


def as_bytes(value: dict[str, str]) -> bytes:
    return base64.b64decode(value["$bytes"])


@pytest.fixture(scope="session")
def node(dist: Path) -> Iterator[Node]:
    running = Node(transpiled_dir())
    yield running
    running.close()

"""Running the collector: in the foreground for the CLI, or in a background thread for tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from analytics_web.collector.app import create_app
from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.store import EventStore
from analytics_web.serving import ThreadedServer, bind_socket


class CollectorServer(ThreadedServer):
    """A collector listening from a thread of its own; tests drive it from Python.

    ``faults`` and ``store`` are the live objects the server uses; ``stop_listening`` and
    ``start_listening`` take the API down and bring it back on the same port.
    """

    def __init__(
        self,
        db_path: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        write_keys: Iterable[str] = (),
    ) -> None:
        self.store = EventStore(db_path)
        self.faults = FaultPlan()
        super().__init__(
            create_app(self.store, faults=self.faults, write_keys=write_keys), host=host, port=port
        )

    @property
    def api_host(self) -> str:
        """What a browser passes as ``apiHost`` (with ``protocol: 'http'``)."""
        return f"{self.host}:{self.port}/v1"

    def inject(self, fault: Fault) -> None:
        self.faults.add(fault)

    def stop(self) -> None:
        super().stop()
        self.store.close()

    def __enter__(self) -> CollectorServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(db_path: Path, *, host: str, port: int, write_keys: Iterable[str] = ()) -> None:
    """Run the collector in the foreground until interrupted (Ctrl-C)."""
    store = EventStore(db_path)
    sock = bind_socket(host, port)
    print(
        f"collector listening on http://{host}:{sock.getsockname()[1]}/v1"
        f"  (events in {db_path.resolve()})",
        flush=True,
    )
    try:
        web.run_app(
            create_app(store, write_keys=write_keys),
            sock=sock,
            print=None,
            access_log=None,
            handler_cancellation=True,
        )
    finally:
        store.close()

"""Running the collector: in the foreground for the CLI, or in a background thread for tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analytics_web.collector.app import create_app
from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.store import EventStore
from analytics_web.serving import ThreadedServer, serve_in_foreground
from analytics_web.tracking_api import BODY_TIMEOUT_S, Access


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
        body_timeout: float = BODY_TIMEOUT_S,
    ) -> None:
        self.store = EventStore(db_path)
        self.faults = FaultPlan()
        self.access = Access(bind_host=host)
        app = create_app(
            self.store,
            faults=self.faults,
            write_keys=write_keys,
            access=self.access,
            body_timeout=body_timeout,
        )
        super().__init__(app, host=host, port=port)

    @property
    def api_host(self) -> str:
        """What a browser passes as ``apiHost`` (with ``protocol: 'http'``)."""
        return f"{self.url.removeprefix('http://')}/v1"

    def inject(self, fault: Fault) -> None:
        self.faults.add(fault)

    def stop(self) -> None:
        super().stop()
        self.store.close()


def serve(db_path: Path, *, host: str, port: int, write_keys: Iterable[str] = ()) -> None:
    """Run the collector in the foreground until interrupted (Ctrl-C)."""
    store = EventStore(db_path)

    def announce(url: str, access: Access) -> None:
        print(
            f"collector listening on {url}/v1  (events in {db_path.resolve()})\n"
            f"read API token (for /v1/events, /v1/stats, /v1/requests, /admin from other"
            f" hosts): {access.token}",
            flush=True,
        )

    try:
        serve_in_foreground(
            host,
            port,
            lambda access: create_app(store, write_keys=write_keys, access=access),
            announce,
        )
    finally:
        store.close()

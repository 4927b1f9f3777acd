"""Running the collector: in the foreground for the CLI, or in a background thread for tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analytics_web.collector.access import Access
from analytics_web.collector.app import create_app
from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.http import BODY_TIMEOUT_S
from analytics_web.collector.store import EventStore
from analytics_web.serving import ThreadedServer, bind_socket, http_url, serve_forever


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

    def __enter__(self) -> CollectorServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(db_path: Path, *, host: str, port: int, write_keys: Iterable[str] = ()) -> None:
    """Run the collector in the foreground until interrupted (Ctrl-C)."""
    store = EventStore(db_path)
    try:
        sock = bind_socket(host, port)
        access = Access(bind_host=host)
        print(
            f"collector listening on {http_url(host, sock.getsockname()[1])}/v1"
            f"  (events in {db_path.resolve()})\n"
            f"read API token (for /v1/events, /v1/stats, /v1/requests, /admin from other"
            f" hosts): {access.token}",
            flush=True,
        )
        serve_forever(create_app(store, write_keys=write_keys, access=access), sock)
    finally:
        store.close()

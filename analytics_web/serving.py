"""Running an aiohttp application on a port: in the foreground (the CLI) or from a background
thread (tests, benchmarks). Either way without aiohttp's own body decompression, which the
collector does itself, bounded (see collector/body.py)."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Self, TypeVar

from aiohttp import web

from analytics_web.tracking_api import Access

T = TypeVar("T")

SERVER_OPTIONS: dict[str, Any] = {
    "access_log": None,
    "handler_cancellation": True,
    "auto_decompress": False,
}


def http_url(host: str, port: int, scheme: str = "http") -> str:
    """``http://[::1]:8765`` for IPv6 hosts, ``http://127.0.0.1:8765`` otherwise."""
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one. Rebinding a port just closed works."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


class ThreadedServer:
    """``app`` served on ``host:port`` by an event loop in a thread of its own.

    ``stop_listening``/``start_listening`` refuse and then accept connections again on the
    same port, the way a real API goes down and comes back.
    """

    def __init__(
        self,
        app: web.Application,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self.ssl_context = ssl_context
        self._sock = bind_socket(host, port)
        self.port: int = self._sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1, **SERVER_OPTIONS)
        self._site: web.SockSite | None = None

    @property
    def url(self) -> str:
        return http_url(self.host, self.port, "https" if self.ssl_context else "http")

    def start(self) -> None:
        self._thread.start()
        self.call(self._runner.setup())
        self.start_listening()

    def start_listening(self) -> None:
        if self._sock.fileno() == -1:
            self._sock = bind_socket(self.host, self.port)
        self._site = web.SockSite(self._runner, self._sock, ssl_context=self.ssl_context)
        self.call(self._site.start())

    def stop_listening(self) -> None:
        if self._site is not None:
            self.call(self._site.stop())
            self._site = None
            self._sock.close()

    def stop(self) -> None:
        self.call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._sock.close()

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve_in_foreground(
    host: str,
    port: int,
    app_for: Callable[[Access], web.Application],
    announce: Callable[[str, Access], None],
) -> None:
    """Serve the app ``app_for(access)`` makes on ``host:port`` (0: any free port) until
    Ctrl-C, once it listens calling ``announce(url, access)``, which says where (and the
    token that opens the server's own endpoints to other hosts)."""
    sock = bind_socket(host, port)
    access = Access(bind_host=host)
    announce(http_url(host, sock.getsockname()[1]), access)
    web.run_app(app_for(access), sock=sock, print=None, **SERVER_OPTIONS)

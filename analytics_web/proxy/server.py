"""Running the proxy: in the foreground for the CLI, or in a background thread for tests."""

from __future__ import annotations

import ssl
from pathlib import Path

from analytics_web.collector.access import Access
from analytics_web.proxy.app import ProxySettings, create_proxy_app
from analytics_web.serving import ThreadedServer, bind_socket, http_url, serve_forever


class ProxyServer(ThreadedServer):
    """A proxy listening from a thread of its own."""

    def __init__(
        self,
        settings: ProxySettings,
        spool_path: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.access = Access(bind_host=host)
        app = create_proxy_app(settings, spool_path, access=self.access)
        super().__init__(app, host=host, port=port, ssl_context=ssl_context)

    def __enter__(self) -> ProxyServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(settings: ProxySettings, spool_path: Path, *, host: str, port: int) -> None:
    """Run the proxy in the foreground until interrupted (Ctrl-C)."""
    sock = bind_socket(host, port)
    access = Access(bind_host=host)
    url = http_url(host, sock.getsockname()[1])
    print(
        f"proxy listening on {url}: Tracking API at {url}/v1, bundle at {url}/analytics.min.js,"
        f" forwarding to {settings.upstream} (spool {spool_path.resolve()})\n"
        f"stats token (for {url}/stats from other hosts): {access.token}",
        flush=True,
    )
    serve_forever(create_proxy_app(settings, spool_path, access=access), sock)

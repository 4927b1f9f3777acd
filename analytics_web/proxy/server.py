"""Running the proxy: in the foreground for the CLI, or in a background thread for tests."""

from __future__ import annotations

import ssl
from pathlib import Path

from analytics_web.proxy.app import ProxySettings, create_proxy_app
from analytics_web.serving import ThreadedServer, serve_in_foreground
from analytics_web.tracking_api import Access


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
        bundles: Path | None = None,
    ) -> None:
        """``bundles``: the folder of built files to serve, if not the installed dist/."""
        self.access = Access(bind_host=host)
        app = create_proxy_app(settings, spool_path, access=self.access, bundles=bundles)
        super().__init__(app, host=host, port=port, ssl_context=ssl_context)


def serve(settings: ProxySettings, spool_path: Path, *, host: str, port: int) -> None:
    """Run the proxy in the foreground until interrupted (Ctrl-C)."""

    def announce(url: str, access: Access) -> None:
        print(
            f"proxy listening on {url}: Tracking API at {url}/v1, bundle at"
            f" {url}/analytics.min.js, forwarding to {settings.upstream}"
            f" (spool {spool_path.resolve()})\n"
            f"stats token (for {url}/stats from other hosts): {access.token}",
            flush=True,
        )

    serve_in_foreground(
        host, port, lambda access: create_proxy_app(settings, spool_path, access=access), announce
    )

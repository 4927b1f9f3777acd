"""A site that runs the proxy beside its own pages, as a Python site would: its aiohttp app with
the proxy mounted at /t/, and pages rendered with the snippet pointing there.

``/plain/<page>`` is a page as any site serves it; ``/identified/<page>`` sets the visitor's id
cookies from the server with :func:`analytics_web.cookies.server_identity`, as docs/proxy.md shows.
``?batch=N`` batches events by N.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from analytics_web.collector import CollectorServer
from analytics_web.cookies import server_identity
from analytics_web.proxy import ProxySettings, create_proxy_app
from analytics_web.snippet import render
from tests.support.person import as_a_person

# The forwarder's backoff is capped this low in tests, so an upstream that comes back is
# noticed within a second instead of a minute.
QUICK_BACKOFF_S = 0.5

PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>{title}</title>{snippet}</head>
<body><h1>{title}</h1><a id="next" href="{next}">Next</a></body>
</html>"""


def settings_for(upstream: CollectorServer, *keys: str, **extra: Any) -> ProxySettings:
    """A proxy in front of ``upstream`` relaying ``keys``."""
    return ProxySettings(
        upstream=f"{upstream.url}/v1",
        write_keys=frozenset(keys),
        max_backoff_s=QUICK_BACKOFF_S,
        **extra,
    )


def first_party_app(settings: ProxySettings, spool: Path, write_key: str) -> web.Application:
    async def page(request: web.Request) -> web.Response:
        name = request.match_info["page"]
        size = int(request.query.get("batch", "0"))
        strategy = {"strategy": "batching", "config": {"size": size, "timeout": 5000}}
        # ?bundle=segment: from Segment's path on the proxy, as Segment's snippet loads it.
        segment = request.query.get("bundle") == "segment"
        snippet = render(
            write_key,
            src=f"/t/analytics.js/v1/{write_key}/analytics.min.js"
            if segment
            else "/t/analytics.min.js",
            api_host="/t/v1",
            load_options={"integrations": {"Segment.io": {"deliveryStrategy": strategy}}}
            if size
            else None,
        )
        html = as_a_person(PAGE.format(title=name.title(), snippet=snippet, next="second"))
        response = web.Response(text=html, content_type="text/html")
        if request.match_info["kind"] == "identified":
            identity = server_identity(request.cookies, secure=request.secure)
            for cookie in identity.cookies:
                response.headers.add("Set-Cookie", cookie.header())
        return response

    app = web.Application()
    app.router.add_get("/{kind:(?:plain|identified)}/{page}", page)
    app.add_subapp("/t/", create_proxy_app(settings, spool))
    return app

"""The first-party endpoint: Segment's Tracking API and the bundle, served from the site's domain.

Requests are checked exactly as the collector checks them; an accepted request is answered 200
only once its events are in the spool, and the forwarder takes it from there. Each event is
prepared for the hold on the way in:

- its ``timestamp`` is corrected for the browser's clock now, with the proxy's receive time
  (the browser's value kept as ``originalTimestamp``), and its ``sentAt`` dropped: the
  forwarder stamps the moment it really leaves, so an event held for an hour is not shifted
  by an hour upstream;
- ``context.ip`` is the visitor's address (the upstream would otherwise see the proxy's);
- it gets a ``messageId`` if it has none, so the upstream can deduplicate a resend.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from analytics_web.cookies import identity_of_events
from analytics_web.paths import dist_dir
from analytics_web.proxy.bundles import (
    BUNDLE_CACHE_CONTROL,
    VERSIONED_CACHE_CONTROL,
    Bundle,
    EarlierReleases,
    read_bundles,
    segment_path_bundles,
)
from analytics_web.proxy.forwarder import MAX_BACKOFF_S, Forwarder
from analytics_web.proxy.spool import Spool
from analytics_web.tracking_api import (
    ACCESS_KEY,
    TRACKING_PATH,
    Access,
    PayloadError,
    TrackingCall,
    close_after_timeout,
    error_response,
    event_times,
    format_time,
    guarded,
    json_response,
    open_to_pages,
    tracking_preflight,
    utc_now,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProxySettings:
    """``upstream`` is a Tracking API base (``https://api.segment.io/v1``); ``write_keys`` the
    only keys relayed. ``trust_forwarded``: the visitor's address is the last one in
    ``X-Forwarded-For`` (the one the reverse proxy in front added), and https is read from
    ``X-Forwarded-Proto``."""

    upstream: str
    write_keys: frozenset[str]
    cookie_domain: str | None = None
    trust_forwarded: bool = False
    max_backoff_s: float = MAX_BACKOFF_S

    def __post_init__(self) -> None:
        if not self.write_keys:
            raise ValueError(
                "give the write keys to relay (--write-key KEY): a proxy for any key is an"
                " open relay"
            )
        if not self.upstream.startswith(("http://", "https://")):
            raise ValueError(
                f"upstream {self.upstream!r} must be a URL such as https://api.segment.io/v1"
            )


SETTINGS_KEY = web.AppKey("settings", ProxySettings)
SPOOL_KEY = web.AppKey("spool", Spool)
FORWARDER_KEY = web.AppKey("forwarder", Forwarder)
BUNDLES_KEY = web.AppKey("bundles", dict)
SEGMENT_PATH_KEY = web.AppKey("segment_path_bundles", dict)
EARLIER_RELEASES_KEY = web.AppKey("earlier_releases", EarlierReleases)


def client_ip(request: web.Request, trust_forwarded: bool) -> str | None:
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rpartition(",")[2].strip()
        if last:
            return last
    return request.remote


def is_https(request: web.Request, trust_forwarded: bool) -> bool:
    if trust_forwarded and "X-Forwarded-Proto" in request.headers:
        return request.headers["X-Forwarded-Proto"].strip().lower() == "https"
    return request.secure


def prepare(
    message: dict[str, Any], received: datetime, batch_sent_at: object, ip: str | None
) -> None:
    """Make a message ready to wait in the spool (see the module's docstring)."""
    times = event_times(message, received, batch_sent_at)
    if "originalTimestamp" not in message and isinstance(message.get("timestamp"), str):
        message["originalTimestamp"] = message["timestamp"]
    message["timestamp"] = format_time(times.timestamp)
    message.pop("sentAt", None)
    message.setdefault("messageId", f"proxy-{uuid.uuid4()}")
    context = message.setdefault("context", {})
    if ip and isinstance(context, dict) and not context.get("ip"):
        context["ip"] = ip


async def track(request: web.Request) -> web.StreamResponse:
    return open_to_pages(request, await _track(request))


def not_relayed(write_keys: frozenset[str]) -> Callable[[str], str | None]:
    """Why a write key is refused: the proxy relays only its own, never as an open relay."""

    def refusal(write_key: str) -> str | None:
        return None if write_key in write_keys else f"write key {write_key!r} is not relayed here"

    return refusal


async def _track(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS_KEY]
    try:
        # A retry's X-Retry-Count is the upstream's business: the proxy neither checks it
        # nor passes it on.
        call = TrackingCall(request, retry_header=False)
        parsed = await call.read(not_relayed(settings.write_keys))
    except PayloadError as error:
        return error_response(error)

    received = utc_now()
    ip = client_ip(request, settings.trust_forwarded)
    for message in parsed.messages:
        prepare(message, received, parsed.sent_at, ip)
    try:
        await request.app[SPOOL_KEY].add(parsed.write_key, parsed.messages)
    except sqlite3.Error as error:
        log.error("cannot spool %d events: %s", len(parsed.messages), error)
        return json_response({"success": False, "error": "the spool is unavailable"}, 503)
    request.app[FORWARDER_KEY].wake()

    response = json_response({"success": True})
    secure = is_https(request, settings.trust_forwarded)
    for cookie in identity_of_events(parsed.messages, secure=secure, domain=settings.cookie_domain):
        response.headers.add("Set-Cookie", cookie.header())
    return response


async def bundle(request: web.Request) -> web.StreamResponse:
    name = request.match_info["file"]
    key = request.match_info.get("key")
    if key is not None and key not in request.app[SETTINGS_KEY].write_keys:
        raise web.HTTPNotFound(text=f"no bundle for write key {key!r} here")
    bundles = request.app[BUNDLES_KEY if key is None else SEGMENT_PATH_KEY]
    served: Bundle | None = bundles.get(name)
    if served is None:
        raise web.HTTPNotFound()
    asked = request.query.getall("v", [])
    versioned = served.version in asked
    if asked and not versioned:  # a page still running an earlier release's core
        earlier = request.app[EARLIER_RELEASES_KEY].find(name, asked)
        if earlier:
            served, versioned = earlier, True
    headers = {
        "Cache-Control": VERSIONED_CACHE_CONTROL if versioned else BUNDLE_CACHE_CONTROL,
        "ETag": served.etag,
        "Vary": "Accept-Encoding",
        "Access-Control-Allow-Origin": "*",  # <script crossorigin integrity=...> needs it
        "Content-Type": served.content_type,
    }
    if served.etag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return web.Response(body=served.gzipped, headers=headers)
    return web.Response(body=served.body, headers=headers)


async def stats(request: web.Request) -> web.Response:
    return json_response(
        {
            "spool": await request.app[SPOOL_KEY].counts(),
            "upstream": request.app[FORWARDER_KEY].status.as_json(),
        }
    )


def create_proxy_app(
    settings: ProxySettings,
    spool_path: Path | str,
    *,
    access: Access | None = None,
    bundles: Path | None = None,
) -> web.Application:
    """The proxy as an aiohttp application: run it on its own (``analytics-web proxy``) or
    mount it in a site's aiohttp app with ``site.add_subapp('/t/', app)``.

    The spool is opened and the forwarder started when the app starts, and both closed when
    it stops. Serve it with ``auto_decompress=False``, as ``analytics_web.serving`` does.
    """
    app = web.Application(middlewares=[close_after_timeout])
    app[SETTINGS_KEY] = settings
    app[ACCESS_KEY] = access or Access()
    app[BUNDLES_KEY] = read_bundles(bundles or dist_dir())
    app[SEGMENT_PATH_KEY] = segment_path_bundles(bundles or dist_dir(), app[BUNDLES_KEY])
    app[EARLIER_RELEASES_KEY] = EarlierReleases(
        None if str(spool_path) == ":memory:" else Path(f"{spool_path}.releases"),
        app[BUNDLES_KEY],
    )

    async def spool_and_forwarder(app: web.Application) -> AsyncIterator[None]:
        app[SPOOL_KEY] = spool = Spool(spool_path)
        app[FORWARDER_KEY] = forwarder = Forwarder(
            spool, settings.upstream, max_backoff_s=settings.max_backoff_s
        )
        await forwarder.start()
        yield
        await forwarder.stop()
        spool.close()

    app.cleanup_ctx.append(spool_and_forwarder)
    app.router.add_post(TRACKING_PATH, track)
    app.router.add_route("OPTIONS", TRACKING_PATH, tracking_preflight)
    files = "|".join(name.replace(".", r"\.") for name in app[BUNDLES_KEY])
    app.router.add_get(f"/{{file:(?:{files})}}", bundle)
    # Where Segment's snippet asks for analytics.js: keep the snippet, change its host.
    app.router.add_get(
        "/analytics.js/v1/{key}/{file:analytics(?:\\.[a-z]+)?\\.min\\.js(?:\\.map)?}", bundle
    )
    app.router.add_get("/stats", guarded(stats))
    return app

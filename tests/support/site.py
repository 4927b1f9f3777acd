"""The site the browser tests visit: test pages rendered from tests/pages/*.html, and dist/."""

from __future__ import annotations

import asyncio
import json
import secrets
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from playwright.sync_api import BrowserContext, Route

from analytics_web.feature_urls import integrity
from analytics_web.snippet import render
from tests.support.person import as_a_person

TESTS = Path(__file__).resolve().parent.parent
PAGES = TESTS / "pages"
EXAMPLES = TESTS.parent / "docs" / "examples"
REFERENCE = TESTS.parent / "node_modules" / "@segment" / "analytics-next" / "dist" / "umd"


# What makes a next release's plugins file differ from this build's (/release/).
NEXT_RELEASE = b"\n// the next release\n"
# How late a file asked for ``slow`` comes: many times a callback's timeout (300 ms).
SLOW_FILE_S = 2.0


class TestSite:
    """Page templates see the request's query parameters and the collector's ``api_host``.

    ``delay_bundle`` holds bundle responses back, as a slow CDN would, for snippet tests;
    ``delay_vendor`` the apps' own code (/vendor/), as a slow device runs it late.
    """

    __test__ = False  # not a test class, despite the name

    def __init__(self, dist: Path, api_host: str) -> None:
        self.dist = dist
        self.api_host = api_host
        self.delay_bundle = 0.0
        self.delay_vendor = 0.0
        self.vendor_dir: Path | None = None
        # What /echo/v1/... was sent: a same-origin Tracking API that only listens.
        self.echoed: list[dict[str, Any]] = []
        self.stalled: set[str] = set()  # messageIds /stall/v1/... has left unanswered once
        self.deployed: set[str] = set()  # the /release/ folders that have had a new release
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(PAGES), autoescape=True, undefined=jinja2.StrictUndefined
        )

    def app(self) -> web.Application:
        app = web.Application(middlewares=[people_only])
        app.router.add_get("/dist/{file}", self.bundle)
        # A static copy on a CDN at Segment's path (no proxy behind it)
        app.router.add_get("/cdn/analytics.js/v1/{key}/{file}", self.bundle)
        app.router.add_get("/release/{folder}/{file}", self.release)
        app.router.add_get("/vendor/analytics-next/{file}", self.reference)
        app.router.add_get("/examples/{file}", self.example)
        app.router.add_get("/vendor/{file}", self.vendor)
        app.router.add_get("/apps/{key}/{app}", self.router_app)
        app.router.add_get("/apps/{key}/{app}/{route:.*}", self.router_app)
        app.router.add_post("/echo/v1/{endpoint}", self.echo)
        app.router.add_post("/no-store/v1/{endpoint}", self.echo_no_store)
        app.router.add_post("/stall/v1/{endpoint}", self.stall_once)
        app.router.add_get("/{page:.*}", self.page)
        return app

    async def echo(self, request: web.Request) -> web.Response:
        self.echoed.append({"headers": dict(request.headers), "body": await request.read()})
        return web.json_response({"success": True})

    async def echo_no_store(self, request: web.Request) -> web.Response:
        """The echo behind a gateway that marks every answer no-store, as many do: Chromium
        then leaves a keepalive request's share of its 64 KB budget taken until the page reads
        the answer's body."""
        response = await self.echo(request)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def stall_once(self, request: web.Request) -> web.Response:
        """The echo behind a proxy that holds a request's connection open without an answer,
        the first time it carries an event: until the browser gives up on it."""
        ids = {message["messageId"] for message in json.loads(await request.read())["batch"]}
        if not ids <= self.stalled:
            self.stalled |= ids
            await until_the_client_leaves(request)
            return web.Response(status=504)
        return await self.echo(request)

    async def bundle(self, request: web.Request) -> web.StreamResponse:
        """A file of dist/. The bundle's query reaches the feature files it fetches (they keep
        it), so a test's bundle URL says what goes wrong with them, naming files: ``missing``
        (404), ``slow`` (SLOW_FILE_S late), ``drop`` (the connection closes unanswered, as
        offline), ``stall`` (the connection stays open unanswered until the browser leaves it)
        or ``changed`` (a byte added after the build, so its SRI hash no longer matches)."""
        name = request.match_info["file"]
        path = self.dist / name
        if not path.is_file() or name in request.query.getall("missing", []):
            raise web.HTTPNotFound()
        if self.delay_bundle:
            await asyncio.sleep(self.delay_bundle)
        if name in request.query.getall("slow", []):  # a slow network, for this file only
            await asyncio.sleep(SLOW_FILE_S)
        if name in request.query.getall("stall", []):
            await until_the_client_leaves(request)
            return web.Response(status=504)
        if name in request.query.getall("drop", []) and request.transport:
            request.transport.abort()
            return web.Response()
        headers = {"Cache-Control": "no-store"}
        if name in request.query.getall("changed", []):
            body = path.read_bytes() + b"\n"
            return web.Response(body=body, content_type="text/javascript", headers=headers)
        return web.FileResponse(path, headers=headers)

    async def release(self, request: web.Request) -> web.Response:
        """dist/ as a site's CDN serves it, one folder per test: the bundle revalidated on
        every page, the other files cached for an hour, whatever their query. Once a test adds
        its folder to ``deployed``, the folder serves a next release: the plugins file changed,
        and the bundle carrying its new SRI hash."""
        name = request.match_info["file"]
        path = self.dist / name
        if not path.is_file():
            raise web.HTTPNotFound()
        body = path.read_bytes()
        if request.match_info["folder"] in self.deployed:
            plugins = (self.dist / "analytics.plugins.min.js").read_bytes()
            if name == "analytics.plugins.min.js":
                body = plugins + NEXT_RELEASE
            elif name == "analytics.min.js":
                last, next_ = (
                    integrity(file).encode() for file in (plugins, plugins + NEXT_RELEASE)
                )
                assert last in body, "the bundle carries no SRI hash of the plugins file"
                body = body.replace(last, next_)
        cache = "no-cache" if name == "analytics.min.js" else "public, max-age=3600"
        return web.Response(
            body=body, content_type="text/javascript", headers={"Cache-Control": cache}
        )

    async def reference(self, request: web.Request) -> web.StreamResponse:
        """@segment/analytics-next's standalone bundle and its lazy chunks (npm devDependency)."""
        path = REFERENCE / request.match_info["file"]
        if not path.is_file() or path.parent != REFERENCE:
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    async def vendor(self, request: web.Request) -> web.StreamResponse:
        """npm packages the tests bundle for pages (vendor_dir, set by a fixture)."""
        path = self.vendor_dir / request.match_info["file"] if self.vendor_dir else None
        if path is None or not path.is_file():
            raise web.HTTPNotFound()
        if self.delay_vendor:
            await asyncio.sleep(self.delay_vendor)
        return web.FileResponse(path, headers={"Content-Type": "text/javascript"})

    async def example(self, request: web.Request) -> web.StreamResponse:
        """The documentation's examples (docs/examples), served as a site would serve them."""
        path = EXAMPLES / request.match_info["file"]
        if not path.is_file() or path.parent != EXAMPLES:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": "text/javascript"})

    async def router_app(self, request: web.Request) -> web.Response:
        """A router app of tests/apps (bundled by the router_apps fixture), served for every
        path under its base as an SPA's server serves its index.html. The base names the app
        and how it counts its landing view: ``vue-history`` or ``vue-history.start``."""
        key, base = request.match_info["key"], request.match_info["app"]
        app, _, landing = base.partition(".")
        html = self.templates.get_template("router_app.html").render(
            key=key,
            app=app,
            landing=landing or "initial",
            base=f"/apps/{key}/{base}",
            bundle=app.split("-")[0],
            api_host=self.api_host,
            snippet=partial(render, key, api_host=self.api_host, protocol="http"),
        )
        return web.Response(text=html, content_type="text/html")

    async def page(self, request: web.Request) -> web.Response:
        name = request.match_info["page"] or "index.html"
        if not name.endswith(".html"):
            name += ".html"
        try:
            template = self.templates.get_template(name)
        except jinja2.TemplateNotFound:
            raise web.HTTPNotFound() from None
        query = dict(request.query)
        nonce = secrets.token_urlsafe(16)
        snippet = partial(
            render, query.get("key", "no-key"), api_host=self.api_host, protocol="http"
        )
        html = template.render(
            api_host=self.api_host,
            query=query,
            options=json.loads(query.get("options", "{}")),
            nonce=nonce,
            snippet=snippet,
        )
        headers = {}
        if "csp" in query:  # a strict policy: scripts from this origin or with the nonce, no eval
            headers["Content-Security-Policy"] = f"script-src 'self' 'nonce-{nonce}'"
        return web.Response(text=html, content_type="text/html", headers=headers)


async def until_the_client_leaves(request: web.Request) -> None:
    """Hold a request unanswered, as a stalled proxy does, until its connection closes (what
    is answered then is read by nobody)."""
    while request.transport is not None and not request.transport.is_closing():
        await asyncio.sleep(0.1)


@web.middleware
async def people_only(request: web.Request, handler: Any) -> web.StreamResponse:
    """Every page as a person's browser sees it (tests/support/person.py), unless the test asks
    for a ``robot``'s."""
    response = await handler(request)
    if (
        isinstance(response, web.Response)
        and response.content_type == "text/html"
        and "robot" not in request.query
        and response.text is not None
    ):
        response.text = as_a_person(response.text, response.headers.get("Content-Security-Policy"))
    return response


def segment_cdn_settings(
    write_key: str, api_host: str, delivery_strategy: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What Segment's CDN says of a source to analytics-next: where to send (the Tracking API
    on ``api_host``, over http) and, when given, how to batch (it reads ``deliveryStrategy``
    from here, not from load options)."""
    segment: dict[str, Any] = {"apiKey": write_key, "apiHost": api_host, "protocol": "http"}
    if delivery_strategy is not None:
        segment["deliveryStrategy"] = delivery_strategy
    return {"integrations": {"Segment.io": segment}}


def serve_segment_cdn(
    context: BrowserContext, api_host: str, delivery_strategy: dict[str, Any] | None = None
) -> None:
    """Answer what analytics-next asks Segment's CDN for (settings, lazy chunks) and its
    metrics endpoint, pointing it at the Tracking API on ``api_host``. The settings' apiKey is
    the write key it sends, so it echoes the key in the URL."""

    def settings(route: Route) -> None:
        write_key = route.request.url.split("/projects/")[1].split("/")[0]
        route.fulfill(json=segment_cdn_settings(write_key, api_host, delivery_strategy))

    context.route("https://cdn.segment.com/v1/projects/*/settings", settings)
    context.route(
        "https://cdn.segment.com/analytics-next/bundles/*",
        lambda route: route.fulfill(path=str(REFERENCE / Path(route.request.url).name)),
    )
    context.route("https://api.segment.io/**", lambda route: route.fulfill(status=200, body="{}"))

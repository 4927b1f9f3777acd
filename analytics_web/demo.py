"""``analytics-web demo``: the collector, the bundle and the demo site on one port."""

from __future__ import annotations

import webbrowser
from collections.abc import Awaitable, Callable
from pathlib import Path

import jinja2
from aiohttp import web

from analytics_web.collector.app import create_app
from analytics_web.collector.store import EventStore
from analytics_web.paths import SOURCE_ROOT, demo_site_dir, dist_dir
from analytics_web.serving import serve_in_foreground
from analytics_web.snippet import install
from analytics_web.tracking_api import Access

WRITE_KEY = "demo-write-key"
# The demo asks before it measures: events wait in memory until the visitor answers the banner.
CONSENT = {"categories": ["analytics", "marketing"]}


def demo_app(
    store: EventStore,
    site: Path | None = None,
    dist: Path | None = None,
    access: Access | None = None,
) -> web.Application:
    """The collector's API under /v1, the bundle under /dist, the demo site at / and the event
    debugger at /debugger.

    Pages are Jinja templates that put ``{{ analytics_snippet(write_key, api_host='/v1') }}``
    in their ``<head>``, as a site rendering from Python would. Every path under /app/ is the
    single-page app, so a reload on one of its routes opens that route.
    """
    site = site or demo_site_dir()
    app = create_app(store, access=access)
    app.router.add_static("/dist", dist or dist_dir(), append_version=False)
    templates = install(
        jinja2.Environment(
            loader=jinja2.FileSystemLoader(site), autoescape=True, undefined=jinja2.StrictUndefined
        )
    )

    def handler(
        template_name: str | None = None,
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def page(request: web.Request) -> web.Response:
            name = template_name or request.match_info["name"]
            try:
                template = templates.get_template(f"{name}.html")
            except jinja2.TemplateNotFound:
                raise web.HTTPNotFound() from None
            html = template.render(
                write_key=WRITE_KEY, consent=CONSENT, request_query=request.query
            )
            return web.Response(text=html, content_type="text/html")

        return page

    app.router.add_get("/", handler("index"))
    app.router.add_get("/debugger", handler("debugger"))
    app.router.add_get("/app", handler("app"))
    app.router.add_get("/app/{route:.*}", handler("app"))
    # Templates whose names start with "_" are layouts, not pages.
    app.router.add_get("/{name:[a-z][a-z_-]*}.html", handler())

    async def asset(request: web.Request) -> web.FileResponse:
        return web.FileResponse(site / request.match_info["file"])

    # Scripts and styles only: the templates' sources are not for visitors.
    app.router.add_get("/{file:[a-z_-]+\\.(?:css|js)}", asset)
    return app


def run_demo(*, host: str, port: int, db: Path, open_browser: bool) -> None:
    if (SOURCE_ROOT / "package.json").is_file():
        from analytics_web.build import build

        build()  # a no-op when dist/ is current
    store = EventStore(db)

    def announce(url: str, access: Access) -> None:
        print(
            f"demo site:  {url}/\ndebugger:   {url}/debugger\ncollector:  {url}/v1/events\n"
            f"events in:  {db.resolve()}\nCtrl-C stops it.",
            flush=True,
        )
        if open_browser:
            webbrowser.open(url + "/")

    try:
        serve_in_foreground(host, port, lambda access: demo_app(store, access=access), announce)
    finally:
        store.close()

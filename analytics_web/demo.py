"""``analytics-web demo``: the collector, the bundle and the demo site on one port."""

from __future__ import annotations

import logging
import webbrowser
from pathlib import Path

import jinja2
from aiohttp import web

from analytics_web.collector.app import create_app
from analytics_web.collector.store import EventStore
from analytics_web.paths import SOURCE_ROOT, dist_dir
from analytics_web.serving import bind_socket
from analytics_web.snippet import install

log = logging.getLogger(__name__)

DEMO_SITE = SOURCE_ROOT / "demo_site"
WRITE_KEY = "demo-write-key"


def demo_app(store: EventStore, site: Path = DEMO_SITE, dist: Path | None = None) -> web.Application:
    """The collector's API under /v1, the bundle under /dist, the demo pages at /.

    Pages are Jinja templates that put ``{{ analytics_snippet(write_key, api_host='/v1') }}``
    in their ``<head>``, as a site rendering from Python would.
    """
    app = create_app(store)
    app.router.add_static("/dist", dist or dist_dir(), append_version=False)
    templates = install(jinja2.Environment(
        loader=jinja2.FileSystemLoader(site), autoescape=True, undefined=jinja2.StrictUndefined))

    async def page(request: web.Request) -> web.Response:
        name = request.match_info.get("name") or "index"
        try:
            template = templates.get_template(f"{name}.html")
        except jinja2.TemplateNotFound:
            raise web.HTTPNotFound() from None
        html = template.render(write_key=WRITE_KEY)
        return web.Response(text=html, content_type="text/html")

    app.router.add_get("/", page)
    app.router.add_get("/{name:[a-z_-]+}.html", page)
    app.router.add_static("/", site)
    return app


def run_demo(*, host: str, port: int, db: Path, open_browser: bool) -> None:
    if (SOURCE_ROOT / "package.json").is_file():
        from analytics_web.build import build

        build()  # a no-op when dist/ is current
    store = EventStore(db)
    sock = bind_socket(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}/"
    print(f"demo site:  {url}\ncollector:  {url}v1/events\nevents in:  {db.resolve()}", flush=True)
    print("Ctrl-C stops it.", flush=True)
    if open_browser:
        webbrowser.open(url)
    try:
        web.run_app(demo_app(store), sock=sock, print=None, access_log=None)
    finally:
        store.close()

"""The async snippet to paste in ``<head>``, rendered from Python.

    from analytics_web.snippet import render
    html = render("WRITE_KEY", src="/static/analytics.min.js", nonce=request_nonce)

It defines ``window.analytics`` at once as a stub that records every call with the page it was
made on, loads the bundle with an async ``<script>``, calls ``load(writeKey, options)`` and
``page()``; the bundle replays the recorded calls when it arrives.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from analytics_web import __version__
from analytics_web.paths import dist_dir

DEFAULT_SRC = "/dist/analytics.min.js"
# Every public method, so any call made before the bundle arrives is recorded, never lost.
METHODS = (
    "track", "page", "screen", "identify", "group", "alias", "reset", "ready", "debug",
    "on", "once", "off", "user", "setAnonymousId", "flush",
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("analytics_web.snippet", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    write_key: str,
    *,
    src: str = DEFAULT_SRC,
    api_host: str | None = None,
    protocol: str | None = None,
    load_options: dict[str, Any] | None = None,
    page: bool = True,
    nonce: str | None = None,
    integrity: str | None = None,
) -> Markup:
    """The ``<script>`` to paste in ``<head>``.

    ``src`` is where the bundle is served from; ``api_host`` (and ``protocol``) where events go,
    as ``load()`` takes them; ``load_options`` any other load options (JSON-serialisable);
    ``page=False`` leaves out the automatic page view; ``nonce`` is put on the inline script and
    on the bundle's script for a Content-Security-Policy; ``integrity`` (an SRI hash, see
    :func:`bundle_integrity`) makes the browser check the bundle it loads.
    """
    if not isinstance(write_key, str) or not write_key:
        raise ValueError("render() needs the source's write key (a non-empty string)")
    options = dict(load_options or {})
    if api_host is not None:
        options["apiHost"] = api_host
    if protocol is not None:
        options["protocol"] = protocol
    try:
        json.dumps(options)
    except (TypeError, ValueError) as error:
        raise ValueError(f"load_options must be JSON-serialisable: {error}") from None
    html = _environment().get_template("snippet.html.jinja").render(
        write_key=write_key,
        src=src,
        load_options=options,
        page=page,
        nonce=nonce,
        integrity=integrity,
        methods=list(METHODS),
        version=__version__,
    )
    return Markup(html.strip())


def bundle_integrity(file: str = "analytics.min.js") -> str:
    """The ``sha384-...`` SRI hash of a built bundle, from dist/manifest.json."""
    manifest = json.loads((dist_dir() / "manifest.json").read_text())
    return str(manifest["files"][file]["integrity"])


def install(environment: jinja2.Environment) -> jinja2.Environment:
    """Make ``{{ analytics_snippet("KEY", ...) }}`` available in a Jinja environment
    (Flask: ``install(app.jinja_env)``; Django: from the Jinja2 backend's environment)."""
    environment.globals["analytics_snippet"] = render
    return environment


__all__ = ["DEFAULT_SRC", "METHODS", "bundle_integrity", "install", "render"]

"""The async snippet to paste in ``<head>``, rendered from Python.

    from analytics_web.snippet import render
    html = render("WRITE_KEY", src="/static/analytics.min.js", nonce=request_nonce)

It defines ``window.analytics`` at once as a stub that records every call with the page it was
made on, loads the bundle with an async ``<script>``, calls ``load(writeKey, options)`` and
``page()``; the bundle replays the recorded calls when it arrives.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from analytics_web import __version__
from analytics_web.feature_urls import beside, feature_url
from analytics_web.paths import dist_dir, snippet_dir

DEFAULT_SRC = "/dist/analytics.min.js"
# The parts of the library a page fetches on first use, each a file beside the bundle
# (analytics.<name>.min.js), and the single file that has them built in, all but Web Vitals
# (analytics_web/browser/every_feature.py), which a single-file page fetches beside it too.
FEATURES = ("autotrack", "consent", "debug", "plugins", "querystring", "webvitals")
SINGLE_FILE = "analytics.full.min.js"
NOT_IN_SINGLE_FILE = ("webvitals",)
# CSP's nonce-source: base64 or base64url characters, at most two "=" at the end.
NONCE = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
INTEGRITY = re.compile(r"sha(?:256|384|512)-[A-Za-z0-9+/]+={0,2}")
# A window property the stub can live under (load_options["globalAnalyticsKey"]).
GLOBAL_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# Load options are a few levels deep; anything deeper is a mistake (or a cycle in disguise).
MAX_OPTION_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@cache
def stub_methods() -> dict[str, list[str]]:
    """snippet/methods.json: the methods the stub records ('methods') and those among them
    that make events ('events'), defined once for this template and the bundle."""
    document = json.loads((snippet_dir() / "methods.json").read_text())
    return {"methods": list(document["methods"]), "events": list(document["events"])}


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(snippet_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Every visitor downloads the snippet: JSON without the spaces tojson puts after , and :
    environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return environment


def render(
    write_key: str,
    *,
    src: str = DEFAULT_SRC,
    api_host: str | None = None,
    protocol: str | None = None,
    load_options: dict[str, Any] | None = None,
    page: bool = True,
    load: bool = True,
    nonce: str | None = None,
    integrity: str | None = None,
    features: Iterable[str] = (),
    single_file: bool = False,
) -> Markup:
    """The ``<script>`` to paste in ``<head>``.

    ``src`` is where the bundle is served from; ``api_host`` (and ``protocol``) where events go,
    as ``load()`` takes them; ``load_options`` any other load options (JSON-serialisable);
    ``page=False`` leaves out the automatic page view; ``load=False`` leaves the ``load()`` call
    to the page (Segment's consent wrapper calls it once consent allows); ``nonce`` is put on the inline script and
    on the bundle's script for a Content-Security-Policy; ``integrity`` (an SRI hash, see
    :func:`bundle_integrity`) makes the browser check the bundle it loads.

    ``features`` names the parts the page will use (see :data:`FEATURES`; ``consent`` or
    ``webVitals`` in the load options implies its feature): each gets a preload hint, with the
    nonce and its SRI hash, so the browser fetches it beside the bundle rather than after it.
    ``single_file=True`` loads ``analytics.full.min.js`` from beside ``src`` instead: every
    feature but Web Vitals in one request (Web Vitals, when used, still gets its hint).
    """
    if not isinstance(write_key, str) or not write_key:
        raise ValueError("render() needs the source's write key (a non-empty string)")
    _check_text("write_key", write_key)
    _check_text("src", src)
    if not src:
        raise ValueError("src must say where the bundle is served, e.g. /static/analytics.min.js")
    if load_options is not None and not isinstance(load_options, dict):
        raise TypeError(f"load_options must be a dict, got {type(load_options).__name__}")
    options = dict(load_options or {})
    if api_host is not None:
        options["apiHost"] = _check_text("api_host", api_host)
    if protocol is not None:
        if protocol not in ("http", "https"):
            raise ValueError(f"protocol must be 'http' or 'https', got {protocol!r}")
        options["protocol"] = protocol
    _check_json(options, "load_options", 1)
    global_key = options.get("globalAnalyticsKey")
    if global_key is not None and not (
        isinstance(global_key, str) and GLOBAL_KEY.fullmatch(global_key)
    ):
        raise ValueError(
            f"load_options['globalAnalyticsKey'] must name a window property, got {global_key!r:.40}"
        )
    if nonce is not None and not (isinstance(nonce, str) and NONCE.fullmatch(nonce)):
        raise ValueError(
            f"nonce {nonce!r:.60} cannot be a CSP nonce: use base64 characters"
            " (A-Z a-z 0-9 + / - _, up to two = at the end), e.g. secrets.token_urlsafe(16)"
        )
    if integrity is not None and not (
        isinstance(integrity, str) and INTEGRITY.fullmatch(integrity)
    ):
        raise ValueError(f"integrity {integrity!r:.60} is not an SRI hash such as sha384-<base64>")
    if single_file:
        src = beside(src, SINGLE_FILE)
    wanted = _features(features, options)
    preloads = [
        _preload(src, name) for name in wanted if not single_file or name in NOT_IN_SINGLE_FILE
    ]
    html = (
        _environment()
        .get_template("snippet.html.jinja")
        .render(
            write_key=write_key,
            src=src,
            load_options=options,
            page=page,
            load=load,
            nonce=nonce,
            integrity=integrity,
            preloads=preloads,
            methods=stub_methods()["methods"],
            global_key=options.get("globalAnalyticsKey"),
            events=stub_methods()["events"],
            version=__version__,
        )
    )
    return Markup(html.strip())


def _check_text(argument: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be a string, got {type(value).__name__}")
    if LONE_SURROGATE.search(value):
        raise ValueError(f"{argument} holds a lone surrogate, which is not valid Unicode text")
    return value


def _check_json(value: object, where: str, depth: int) -> None:
    """What JSON (and so the browser) can hold: string keys, finite numbers, valid text, and
    a sane depth. The error names where the problem is (load_options['a'][0], say)."""
    if depth > MAX_OPTION_DEPTH:
        raise ValueError(f"{where} is nested deeper than {MAX_OPTION_DEPTH} levels")
    if isinstance(value, str):
        _check_text(where, value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where} is {value}, which JSON cannot hold")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a key {key!r} that is not a string")
            _check_text(f"{where} key {key!r}", key)
            _check_json(item, f"{where}[{key!r}]", depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]", depth + 1)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise TypeError(f"{where} is a {type(value).__name__}, which JSON cannot hold")


def _features(features: Iterable[str], options: dict[str, Any]) -> list[str]:
    if isinstance(features, str):
        raise TypeError(f"features must be a list of names, such as [{features!r}]")
    wanted = list(dict.fromkeys(features))
    unknown = [name for name in wanted if name not in FEATURES]
    if unknown:
        raise ValueError(
            f"no feature named {', '.join(map(repr, unknown))}: the features are"
            f" {', '.join(FEATURES)}"
        )
    # Load options that ask for a feature imply it: the page fetches it at once anyway.
    for option, feature in (("consent", "consent"), ("webVitals", "webvitals")):
        if options.get(option) and feature not in wanted:
            wanted.append(feature)
    return wanted


def _preload(src: str, feature: str) -> dict[str, str]:
    """A feature file's preload hint: the URL the core fetches it from and the SRI hash it
    carries for it (both the same, or the browser downloads the file again)."""
    manifest = json.loads((dist_dir() / "manifest.json").read_text())
    integrity = str(manifest["features"][feature])
    return {"href": feature_url(src, feature, integrity), "integrity": integrity}


def bundle_integrity(file: str = "analytics.min.js") -> str:
    """The ``sha384-...`` SRI hash of a built bundle, from dist/manifest.json."""
    manifest = json.loads((dist_dir() / "manifest.json").read_text())
    return str(manifest["files"][file]["integrity"])


def install(environment: jinja2.Environment) -> jinja2.Environment:
    """Make ``{{ analytics_snippet("KEY", ...) }}`` available in a Jinja environment
    (Flask: ``install(app.jinja_env)``; Django: from the Jinja2 backend's environment)."""
    environment.globals["analytics_snippet"] = render
    return environment


__all__ = [
    "DEFAULT_SRC",
    "FEATURES",
    "SINGLE_FILE",
    "bundle_integrity",
    "install",
    "render",
    "stub_methods",
]

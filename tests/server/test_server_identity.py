"""Server-set ids on a site's own pages, with the code docs/proxy.md gives for Flask, Django and
Starlette, run as written there: the first page of a first visit already carries the id, a
returning visitor keeps theirs, and every cookie is one the library reads (raw id, one year,
the whole site, Lax, not HttpOnly)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import unquote

import pytest

from analytics_web.cookies import server_identity
from analytics_web.paths import SOURCE_ROOT

Visit = Callable[[dict[str, str], bool], list[str]]
RECIPES = SOURCE_ROOT / "docs" / "proxy.md"

pytestmark = pytest.mark.usefixtures("django_configured")


def recipe(introduced_by: str, **names: Any) -> dict[str, Any]:
    """Run the first Python block of docs/proxy.md after the words ``introduced_by``, with
    ``names`` defined as the site around it would define them; return what it defined."""
    text = RECIPES.read_text()
    start = text.index("```python\n", text.index(introduced_by)) + len("```python\n")
    namespace = dict(names)
    exec(text[start : text.index("```", start)], namespace)
    return namespace


# -- each framework as the docs set it up -------------------------------------------------------


def flask_visit(cookies: dict[str, str], https: bool) -> list[str]:
    from flask import Flask, request

    app = Flask(__name__)
    recipe("pushes the year back). Flask:", app=app, request=request)

    @app.get("/")
    def home() -> str:
        return "<h1>Home</h1>"

    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    response = client.get("/", base_url="https://localhost" if https else "http://localhost")
    return response.headers.getlist("Set-Cookie")


def django_visit(cookies: dict[str, str], https: bool) -> list[str]:
    from django.http import HttpRequest, HttpResponse
    from django.test import RequestFactory

    keep_visitor = recipe("Django (a middleware", server_identity=server_identity)["keep_visitor"]

    def home(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<h1>Home</h1>")

    factory = RequestFactory()
    factory.cookies = SimpleCookie(cookies)
    response = keep_visitor(home)(factory.get("/", secure=https))
    return [morsel.OutputString() for morsel in response.cookies.values()]


def starlette_visit(cookies: dict[str, str], https: bool) -> list[str]:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.base import BaseHTTPMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse("<h1>Home</h1>")

    app = recipe(
        "Starlette:",
        server_identity=server_identity,
        Starlette=Starlette,
        Middleware=Middleware,
        BaseHTTPMiddleware=BaseHTTPMiddleware,
        routes=[Route("/", home)],
    )["app"]
    base_url = "https://testserver" if https else "http://testserver"
    with TestClient(app, base_url=base_url, cookies=cookies) as client:
        return client.get("/").headers.get_list("set-cookie")


@pytest.fixture(params=["flask", "django", "starlette"])
def visit(request: pytest.FixtureRequest) -> Visit:
    return {"flask": flask_visit, "django": django_visit, "starlette": starlette_visit}[
        request.param
    ]


def parsed(headers: list[str]) -> dict[str, dict[str, Any]]:
    """Set-Cookie headers as {name: {value, and each attribute lower-cased}}."""
    found: dict[str, dict[str, Any]] = {}
    for header in headers:
        name_value, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = name_value.partition("=")
        found[name] = {"value": value}
        for attribute in attributes:
            key, _, setting = attribute.partition("=")
            found[name][key.lower()] = setting or True
    return found


# -- the behaviour ----------------------------------------------------------------------------


def test_a_first_visit_gets_an_id_on_its_first_page(visit: Visit):
    cookies = parsed(visit({}, False))
    assert set(cookies) == {"ajs_anonymous_id"}
    cookie = cookies["ajs_anonymous_id"]
    assert uuid.UUID(cookie["value"]).version == 4
    assert (cookie["max-age"], cookie["path"], cookie["samesite"]) == ("31536000", "/", "Lax")
    assert "httponly" not in cookie and "secure" not in cookie  # the library reads it


def test_a_returning_visitor_keeps_their_ids_for_another_year(visit: Visit):
    # ajs_user_id as Analytics.js 1 left it: JSON, percent-encoded.
    cookies = parsed(visit({"ajs_anonymous_id": "anon-42", "ajs_user_id": "%22user-7%22"}, False))
    assert cookies["ajs_anonymous_id"]["value"] == "anon-42"
    assert cookies["ajs_user_id"]["value"] == "user-7"
    assert cookies["ajs_user_id"]["max-age"] == "31536000"


@pytest.mark.parametrize("raw", ["50%", "%E0%A4%A"], ids=["stray-percent", "broken-utf8"])
def test_an_id_cookie_not_percent_encoded_is_kept_as_the_browser_reads_it(raw: str):
    identity = server_identity({"ajs_anonymous_id": raw}, secure=False)
    assert identity.anonymous_id == raw  # the library reads such a cookie as it is
    [cookie] = identity.cookies
    value = cookie.header().split(";")[0].removeprefix("ajs_anonymous_id=")
    assert unquote(value, errors="strict") == raw  # written back so the browser reads it again


def test_ids_are_secure_cookies_on_https(visit: Visit):
    cookies = parsed(visit({}, True))
    assert cookies["ajs_anonymous_id"].get("secure") is True


def test_the_cookie_domain_is_set_when_given():
    [cookie] = server_identity({}, secure=True, domain="example.com").cookies
    assert cookie.header().endswith("; Domain=example.com; Secure")

"""Route views with the routers real apps use: React Router 7 (<BrowserRouter> and
createBrowserRouter) and Vue Router 4 (web and hash history), set up as docs/spa.md's recipe
says (tests/apps), driven with real clicks, back/forward and direct loads. Each test checks
the views an analyst would get: how many, and each one's path, url, title and referrer."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import pytest

from tests.support.collector_client import wait_for_events
from tests.support.tabs import Tab


@dataclass(frozen=True)
class App:
    name: str  # tests/pages/router_app.html's app: which router and which history [.landing]
    page: str  # a route other than home: its link's text, path and title
    page_path: str
    redirect: str  # a link to a route that redirects to ``page``, and its path
    redirect_path: str
    home: str = "/"  # how the router writes its root route under the base

    @property
    def hash(self) -> bool:
        return self.name.split(".")[0] == "vue-hash"

    def counting_landing(self, landing: str) -> App:
        """This app with its landing view counted another way (router_app.html's ``landing``)."""
        return replace(self, name=f"{self.name}.{landing}")


REACT = {"page": "Pricing", "page_path": "/pricing", "redirect": "Old pricing"}
VUE = {"page": "About", "page_path": "/about", "redirect": "Legacy about"}
APPS = [
    App("react-browser", **REACT, redirect_path="/old", home=""),  # basename, no slash
    App("react-data", **REACT, redirect_path="/old", home=""),
    App("vue-history", **VUE, redirect_path="/legacy"),
    App("vue-hash", **VUE, redirect_path="/legacy"),
]


@pytest.fixture(params=APPS, ids=[app.name for app in APPS])
def app(request: pytest.FixtureRequest, router_apps: None) -> App:
    return request.param


class Views:
    """The page views the collector has for this test, as (path, url, title, referrer), with
    URLs relative to the app's base so the expectations read like the routes."""

    def __init__(self, site, collector, write_key: str, app: App) -> None:
        self.collector = collector
        self.write_key = write_key
        self.app = app
        self.base = f"{site.url}/apps/{write_key}/{app.name}"

    def url(self, route: str) -> str:
        """Where a route lives: under the base, or in its hash (#/route) for a hash router."""
        if self.app.hash:
            return f"{self.base}/#{route}"
        return self.base + (self.app.home if route == "/" else route)

    def path(self, route: str) -> str:
        """A view's path: the route itself for a hash router, else the path under the base."""
        if self.app.hash:
            return route
        return f"/apps/{self.write_key}/{self.app.name}" + (
            self.app.home if route == "/" else route
        )

    def of(self, route: str, title: str, referrer: str) -> tuple[str, str, str, str]:
        return (self.path(route), self.url(route), title, referrer)

    def wait(self, count: int) -> list[tuple[str, str, str, str]]:
        """Exactly ``count`` views, in the order they happened."""
        events = wait_for_events(self.collector, self.write_key, count)
        assert {event["type"] for event in events} == {"page"}
        events.sort(key=lambda event: event["timestamp"])
        return [view(event) for event in events]


def view(event: dict[str, Any]) -> tuple[str, str, str, str]:
    page = event["properties"]
    assert page == event["context"]["page"]  # the view's properties are its page
    return (page["path"], page["url"], page["title"], page["referrer"])


@pytest.fixture
def views(site, collector, write_key: str, app: App) -> Views:
    return Views(site, collector, write_key, app)


ELSEWHERE = "blank.html"  # a page of another origin (localhost, not 127.0.0.1) to arrive from


def arrive(tab: Tab, site, url: str) -> str:
    """Follow a link from another site to ``url``, as a visitor does; returns that referrer
    (the other site's origin, which is what browsers send across origins)."""
    elsewhere = site.url.replace("127.0.0.1", "localhost")
    tab.goto(f"{elsewhere}/{ELSEWHERE}")
    tab.evaluate(
        """url => {
            const link = Object.assign(document.createElement('a'), {href: url, textContent: 'go'});
            document.body.append(link);
            link.click();
        }""",
        url,
    )
    tab.wait_for_url(f"{site.url}/**")
    return elsewhere + "/"


def titled(tab: Tab, title: str) -> None:
    """Wait until the page's title is ``title``: the route has rendered."""
    tab.wait_for_function(f"document.title === {json.dumps(title)}")


def click(tab: Tab, text: str, title: str) -> None:
    """A click on a router link, once the route it leads to has rendered its title."""
    tab.click_link(text)
    titled(tab, title)


def test_landing_is_one_view_with_the_external_referrer(tab: Tab, site, app: App, views):
    referrer = arrive(tab, site, views.url("/"))
    titled(tab, "Home")
    assert views.wait(1) == [views.of("/", "Home", referrer)]


def test_each_click_is_one_view_with_its_own_title_and_the_previous_url_as_referrer(
    tab: Tab, site, app: App, views
):
    referrer = arrive(tab, site, views.url("/"))
    click(tab, app.page, app.page)
    click(tab, "User 42", "User 42")
    click(tab, "Home", "Home")
    assert views.wait(4) == [
        views.of("/", "Home", referrer),
        views.of(app.page_path, app.page, views.url("/")),
        views.of("/users/42", "User 42", views.url(app.page_path)),
        views.of("/", "Home", views.url("/users/42")),
    ]


def test_a_redirect_is_one_view_of_where_it_led(tab: Tab, site, app: App, views):
    tab.goto(views.url("/"))
    click(tab, app.redirect, app.page)
    assert tab.url == views.url(app.page_path)
    click(tab, "Done", "Done")  # the view after it: nothing more came in between
    assert views.wait(3)[1:] == [
        views.of(app.page_path, app.page, views.url("/")),
        views.of("/done", "Done", views.url(app.page_path)),
    ]


def test_landing_on_a_redirect_is_one_view_of_where_it_led(tab: Tab, site, app: App, views):
    referrer = arrive(tab, site, views.url(app.redirect_path))
    titled(tab, app.page)
    assert tab.url == views.url(app.page_path)
    click(tab, "Done", "Done")
    assert views.wait(2) == [
        views.of(app.page_path, app.page, referrer),
        views.of("/done", "Done", views.url(app.page_path)),
    ]


def test_back_and_forward_are_one_view_each(tab: Tab, site, app: App, views):
    tab.goto(views.url("/"))
    click(tab, "User 42", "User 42")
    tab.go_back()
    titled(tab, "Home")
    tab.go_forward()
    titled(tab, "User 42")
    assert views.wait(4)[1:] == [
        views.of("/users/42", "User 42", views.url("/")),
        views.of("/", "Home", views.url("/users/42")),
        views.of("/users/42", "User 42", views.url("/")),
    ]


def test_programmatic_navigation_is_a_view_with_the_new_routes_title(
    tab: Tab, site, app: App, views
):
    tab.goto(views.url("/"))
    titled(tab, "Home")
    tab.evaluate("navigateTo('/users/7')")  # navigate() / router.push(), as app code calls it
    titled(tab, "User 7")
    assert views.wait(2)[1] == views.of("/users/7", "User 7", views.url("/"))


def test_a_view_still_settling_when_the_visitor_leaves_is_sent(tab: Tab, site, app: App, views):
    tab.goto(views.url("/"))
    titled(tab, "Home")
    # A route change and the page left in the same moment, before the route could render.
    elsewhere = site.url.replace("127.0.0.1", "localhost") + "/" + ELSEWHERE
    tab.evaluate(
        """elsewhere => { navigateTo('/users/9'); setTimeout(() => location.assign(elsewhere)) }""",
        elsewhere,
    )
    path, url, _title, referrer = views.wait(2)[1]
    assert (path, url, referrer) == (views.path("/users/9"), views.url("/users/9"), views.url("/"))
    # Closing the context while Chromium still swaps processes for the other site once hung
    # its close for minutes (CI at 0f493c1): end the test on the page the visitor reached.
    tab.wait_for_url(elsewhere)


# A direct load of a URL the router redirects, however the app counts its landing view: its own
# page() as it starts (before the router has redirected), once the router is ready, the
# snippet's page() (before or after the app's code runs), or initialPageview.
LANDINGS = ["start", "ready", "snippet", "initial"]
REDIRECTING = [APPS[1], APPS[2]]  # createBrowserRouter, createWebHistory


@pytest.mark.parametrize("landing", LANDINGS)
@pytest.mark.parametrize("routed", REDIRECTING, ids=[app.name for app in REDIRECTING])
def test_a_direct_load_of_a_redirecting_url_is_one_view_however_the_landing_is_counted(
    tab: Tab, site, collector, write_key: str, router_apps: None, routed: App, landing: str
):
    app = routed.counting_landing(landing)
    views = Views(site, collector, write_key, app)
    referrer = arrive(tab, site, views.url(app.redirect_path))
    titled(tab, app.page)
    assert tab.url == views.url(app.page_path)
    tab.click("nav a:last-of-type")  # Done: the view after it, so nothing came in between
    titled(tab, "Done")
    assert views.wait(2) == [
        views.of(app.page_path, app.page, referrer),
        views.of("/done", "Done", views.url(app.page_path)),
    ]


@pytest.mark.parametrize("routed", REDIRECTING, ids=[app.name for app in REDIRECTING])
def test_a_landing_redirected_by_an_app_that_runs_after_the_bundle_is_one_view(
    tab: Tab, site, collector, write_key: str, router_apps: None, routed: App, slow_app: None
):
    """The snippet's bundle has run and its page() waits while the app's own code still loads
    (seconds on a busy device): the view is of where the router then redirects."""
    app = routed.counting_landing("snippet")
    views = Views(site, collector, write_key, app)
    referrer = arrive(tab, site, views.url(app.redirect_path))
    titled(tab, app.page)
    tab.click("nav a:last-of-type")
    titled(tab, "Done")
    assert views.wait(2) == [
        views.of(app.page_path, app.page, referrer),
        views.of("/done", "Done", views.url(app.page_path)),
    ]

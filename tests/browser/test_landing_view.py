"""The page's first page() is its landing view, settled as a route's view is: a redirect made
while it settles moves it, a title set meanwhile is its title, a pushState is a view of its
own, and leaving the page sends it. Pages without a router see it go once the settle window
(ROUTE_SETTLE_MS) ends. The routers' redirects are in test_routers.py."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

from tests.support.pages import open_page, page_url
from tests.support.tabs import Tab

ROUTING = Path(__file__).parents[2] / "analytics_web" / "browser" / "routing.py"
SETTLE = re.search(r"^ROUTE_SETTLE_MS = (\d+)", ROUTING.read_text(), re.M)
assert SETTLE, "routing.py names its settle window ROUTE_SETTLE_MS"
ROUTE_SETTLE_MS = int(SETTLE[1])
TIMEOUT_MS = 300  # a callback's default bound


def page_of(view: dict) -> tuple[str, str, str, str, str]:
    page = view["context"]["page"]
    return (page["url"], page["path"], page["search"], page["title"], page["referrer"])


def test_a_redirect_while_the_landing_settles_moves_it(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate("""() => {
        analytics.page();
        history.replaceState(null, '', '/pricing?plan=pro');  // the router's redirect
        analytics.track('Pricing Viewed');
    }""")
    view, tracked = received(2)
    assert view["type"] == "page" and tracked["event"] == "Pricing Viewed"
    assert page_of(view) == (
        f"{site.url}/pricing?plan=pro",
        "/pricing",
        "?plan=pro",
        "Basic page",
        "",
    )
    assert view["properties"]["url"] == f"{site.url}/pricing?plan=pro"


def test_a_title_set_while_the_landing_settles_is_its_title(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate("() => { analytics.page(); document.title = 'Welcome back'; }")
    (view,) = received(1)
    assert view["properties"]["title"] == view["context"]["page"]["title"] == "Welcome back"


def test_a_push_while_the_landing_settles_is_a_view_of_its_own(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    landing = tab.url
    tab.evaluate("() => { analytics.page(); history.pushState(null, '', '/next'); }")
    first, second = received(2)
    assert (first["properties"]["url"], first["properties"]["referrer"]) == (landing, "")
    assert (second["properties"]["url"], second["properties"]["referrer"]) == (
        f"{site.url}/next",
        landing,
    )


def test_a_landing_still_settling_when_the_page_is_left_is_sent(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key)
    tab.evaluate("""() => {
        analytics.page();
        history.replaceState(null, '', '/moved');
        location.assign('/blank.html');
    }""")
    tab.wait_for_url("**/blank.html")
    (view,) = received(1)
    assert view["properties"]["url"] == f"{site.url}/moved"


def test_a_landing_page_call_keeps_its_own_name_properties_and_url(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key)
    tab.evaluate("""() => {
        analytics.page('Docs', 'Install', {path: '/docs/install', url: 'https://docs.example/install'});
        history.replaceState(null, '', '/moved');
    }""")
    (view,) = received(1)
    assert (view["category"], view["name"]) == ("Docs", "Install")
    assert view["properties"]["path"] == view["context"]["page"]["path"] == "/docs/install"
    assert view["context"]["page"]["url"] == "https://docs.example/install"


def test_a_snippet_page_call_names_the_page_the_app_redirected_to_before_the_bundle_came(
    tab: Tab, site, write_key, received, slow_bundle
):
    tab.goto(page_url(site, write_key, "snippet_only.html?redirect=/pricing"))
    (view,) = received(1)
    assert view["properties"]["url"] == f"{site.url}/pricing"
    assert view["properties"]["path"] == "/pricing"


def test_a_landing_awaited_resolves_once_sent_and_its_callback_keeps_the_timeout(
    page: Page, site, write_key, received
):
    """On a page without a router nothing changes the view: it goes when the settle window
    ends. The callback is bound by the call's timeout, not by the window."""
    page.clock.install()  # the window and the timeout on a fake clock: no race with the machine
    open_page(page, site, write_key)
    page.evaluate("""() => {
        window.calledBack = false;
        window.sent = false;
        analytics.page(() => { window.calledBack = true; }).then(() => { window.sent = true; });
    }""")
    page.clock.run_for(TIMEOUT_MS)
    assert page.evaluate("calledBack") is True
    page.clock.run_for(ROUTE_SETTLE_MS - TIMEOUT_MS)
    assert received(1)[0]["type"] == "page"
    page.wait_for_function("window.sent === true")

"""SPAs: the ES module, and route changes recorded as page views."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from tests.support.collector_client import stored_events, wait_for_events
from tests.support.pages import page_url
from tests.support.tabs import Tab


def open_spa(page: Page | Tab, site, write_key: str, path: str = "spa.html", **options) -> None:
    page.goto(page_url(site, write_key, path, **options))
    page.wait_for_function("window.moduleReady === true")


def settle(page: Page | Tab) -> None:
    """Let the route tracker's task run (it waits one task for the title), wait until the API
    has what it sent, then send a marker event: requests in flight together may arrive in any
    order, so only then has the collector everything before the marker."""
    page.evaluate("""async () => {
        await new Promise(resolve => setTimeout(resolve));
        await new Promise(resolve => setTimeout(resolve));
        await analytics.flush();
        await analytics.track('Marker');
    }""")


def test_the_module_loads_and_sends(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key)
    tab.evaluate("analytics.track('From The Module')")
    assert received(1)[0]["event"] == "From The Module"


def test_three_route_changes_and_back_are_four_page_views(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key)
    start = tab.url
    base = site.url
    tab.evaluate("navigate('/app/pricing', 'Pricing')")
    tab.wait_for_function("document.title === 'Pricing'")
    tab.evaluate("navigate('/app/signup?plan=pro', 'Sign up')")
    tab.wait_for_function("document.title === 'Sign up'")
    tab.evaluate("navigate('/app/account', 'Account')")
    tab.wait_for_function("document.title === 'Account'")
    tab.go_back()
    tab.wait_for_function("document.title === 'Sign up'")
    settle(tab)
    views = [event for event in received(5) if event["type"] == "page"]
    assert [
        (v["properties"]["url"], v["properties"]["referrer"], v["properties"]["title"])
        for v in views
    ] == [
        (f"{base}/app/pricing", start, "Pricing"),
        (f"{base}/app/signup?plan=pro", f"{base}/app/pricing", "Sign up"),
        (f"{base}/app/account", f"{base}/app/signup?plan=pro", "Account"),
        (f"{base}/app/signup?plan=pro", f"{base}/app/account", "Sign up"),
    ]
    assert views[1]["context"]["page"]["search"] == "?plan=pro"
    assert views[3]["context"]["page"]["referrer"] == f"{base}/app/account"


def test_the_same_url_twice_is_one_view_and_state_only_replaces_are_none(
    tab: Tab, site, write_key, received
):
    open_spa(tab, site, write_key)
    tab.evaluate("""() => {
        navigate('/app/once', 'Once');
        history.pushState({}, '', '/app/once');
        history.replaceState({changed: true}, '', location.href);
    }""")
    settle(tab)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]


def test_route_tracking_can_be_turned_off(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key, trackRouteChanges=False)
    tab.evaluate("navigate('/app/quiet', 'Quiet')")
    settle(tab)
    assert [e["type"] for e in received(1)] == ["track"]


def test_a_filter_decides_which_route_changes_count(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key, "spa.html?skip_admin=1")
    tab.evaluate("navigate('/admin/users', 'Admin')")
    tab.wait_for_function("document.title === 'Admin'")
    tab.evaluate("navigate('/app/home', 'App')")
    settle(tab)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]
    assert events[0]["properties"]["path"] == "/app/home"


def test_hash_router_routes_are_page_views_and_anchors_are_not(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key)
    start = tab.url
    tab.evaluate("location.hash = '#pricing'")  # an in-page anchor
    tab.evaluate("location.hash = '#/settings/profile'")  # a hash router's route
    tab.wait_for_function("location.hash === '#/settings/profile'")
    settle(tab)
    views = [event for event in received(2) if event["type"] == "page"]
    assert [(v["properties"]["url"], v["properties"]["referrer"]) for v in views] == [
        (start + "#/settings/profile", start)
    ]


def test_loading_twice_with_one_write_key_counts_each_route_change_once(
    tab: Tab, site, write_key, received
):
    open_spa(tab, site, write_key, "spa.html?twice=1")
    tab.evaluate("navigate('/app/pricing', 'Pricing')")
    tab.wait_for_function("document.title === 'Pricing'")
    settle(tab)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]


def page_views(events: list[dict]) -> list[str]:
    """The views' URLs, in the order they happened (each view has the time of its change)."""
    views = [event for event in events if event["type"] == "page"]
    return [view["properties"]["url"] for view in sorted(views, key=lambda v: v["timestamp"])]


@pytest.mark.parametrize(
    ("choice", "counted"),
    [
        (None, ["?q=a", "?q=a&tab=2", "?q=b"]),  # the default: every change of the query
        ({"search": ["q"]}, ["?q=a", "?q=b"]),  # a search is a view, a tab is not
        ({"search": False}, ["?q=a"]),  # only a new path is
    ],
    ids=["default", "named-parameters", "path-only"],
)
def test_which_query_string_changes_count_is_the_sites_choice(
    tab: Tab, site, write_key, collector, choice, counted
):
    options = {} if choice is None else {"trackRouteChanges": choice}
    open_spa(tab, site, write_key, **options)
    for search, title in [("?q=a", "Results a"), ("?q=a&tab=2", "Tab 2"), ("?q=b", "Results b")]:
        tab.evaluate("([url, title]) => navigate(url, title)", [f"/app/search{search}", title])
        tab.wait_for_function(f"document.title === {json.dumps(title)}")
    tab.evaluate("navigate('/app/done', 'Done')")  # a new path counts whatever the choice
    base = f"{site.url}/app/search"
    views = page_views(wait_for_events(collector, write_key, len(counted) + 1))
    assert views == [base + search for search in counted] + [f"{site.url}/app/done"]


def test_a_replace_is_a_view_once_the_page_has_counted_one_and_corrects_the_landing_before(
    tab: Tab, site, write_key, received
):
    open_spa(tab, site, write_key)
    landing = tab.url
    tab.evaluate("history.replaceState({}, '', '/app/corrected')")  # before any view: no view
    tab.evaluate("analytics.page()")  # the app counts its landing
    tab.evaluate("history.replaceState({}, '', '/app/replaced')")  # router.replace(): a view
    tab.evaluate("navigate('/app/done', 'Done')")
    views = page_views(received(3))
    assert views == [
        f"{site.url}/app/corrected",
        f"{site.url}/app/replaced",
        f"{site.url}/app/done",
    ]
    assert landing not in views


def test_route_views_name_the_live_url_not_the_landing_pages_canonical_link(
    tab: Tab, site, write_key, received
):
    open_spa(
        tab, site, write_key, "spa.html?canonical=https://www.example/home", initialPageview=True
    )
    tab.wait_for_function("document.title === 'Home'")
    tab.evaluate("navigate('/app/pricing', 'Pricing')")
    landing, route = page_views(received(2))
    assert landing.split("?")[0] == "https://www.example/home"  # with the page's query string
    assert route == f"{site.url}/app/pricing"


def test_events_made_while_a_route_settles_arrive_behind_its_view(
    tab: Tab, site, write_key, received
):
    """A route's component tracks as it mounts, before the app names the route: the view still
    reaches the API first, with the route's title, as the calls were made."""
    open_spa(tab, site, write_key)
    tab.evaluate("""async () => {
        history.pushState({}, '', '/app/product');
        const tracked = analytics.track('Product Viewed');
        setTimeout(() => { document.title = 'Product'; }, 50);
        await tracked;
    }""")
    view, viewed = received(2)
    assert (view["type"], view["properties"]["title"]) == ("page", "Product")
    assert viewed["event"] == "Product Viewed"
    assert view["timestamp"] <= viewed["timestamp"]


def test_events_behind_a_settling_view_are_sent_when_the_page_is_left(
    tab: Tab, site, write_key, received
):
    open_spa(tab, site, write_key)
    tab.evaluate("""() => {
        history.pushState({}, '', '/app/checkout');
        analytics.track('Checkout Started');
    }""")
    tab.goto(site.url.replace("127.0.0.1", "localhost") + "/blank.html")
    assert sorted(event["type"] for event in received(2)) == ["page", "track"]


def test_flush_sends_a_settling_view_and_the_events_behind_it(tab: Tab, site, write_key, collector):
    open_spa(tab, site, write_key)
    tab.evaluate("""async () => {
        history.pushState({}, '', '/app/cart');
        analytics.track('Cart Viewed');
        await analytics.flush();
    }""")
    assert [event["type"] for event in stored_events(collector, write_key)] == ["page", "track"]


def test_a_page_tidying_its_url_is_no_view_and_its_landing_keeps_the_campaign(
    tab: Tab, site, write_key, collector
):
    """Sites take utm_* (or an OAuth code) out of the address bar once read, with
    replaceState: the landing is still one view, of the URL the visitor came by."""
    open_spa(
        tab, site, write_key, "spa.html?utm_source=news&utm_campaign=spring", initialPageview=True
    )
    tab.evaluate("""async () => {
        const tidy = new URL(location.href);
        tidy.searchParams.delete('utm_source');
        tidy.searchParams.delete('utm_campaign');
        history.replaceState(history.state, '', tidy);
        await analytics.track('Signed Up');
        await analytics.flush();
    }""")
    events = stored_events(collector, write_key)
    assert [event["type"] for event in events] == ["page", "track"]
    view = events[0]
    assert "utm_source=news" in view["properties"]["url"]
    assert view["context"]["campaign"] == {"source": "news", "name": "spring"}


def test_a_replace_that_adds_a_filter_is_still_a_view(tab: Tab, site, write_key, received):
    open_spa(tab, site, write_key)
    tab.evaluate("analytics.page()")
    tab.evaluate("history.replaceState({}, '', location.href + '&tab=2')")
    views = page_views(received(2))
    assert views[1].endswith("&tab=2")


def test_a_call_behind_a_settling_view_settles_at_once_so_a_page_can_navigate(
    tab: Tab, site, write_key, received
):
    open_spa(tab, site, write_key)
    outcome = tab.evaluate("""async () => {
        history.pushState({}, '', '/app/untitled');  // no title change: the view waits 500 ms
        let viewed = false;
        analytics.on('page', () => { viewed = true; });
        const ctx = await analytics.track('Outbound Click');
        return {viewedFirst: viewed, pending: String(ctx.failedDelivery().reason)};
    }""")
    assert outcome["viewedFirst"] is False
    assert "behind the page view" in outcome["pending"]
    assert [event["type"] for event in received(2)] == ["page", "track"]

"""SPAs: the ES module, and route changes recorded as page views."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support.pages import page_url


def open_spa(page: Page, site, write_key: str, path: str = "spa.html", **options) -> None:
    page.goto(page_url(site, write_key, path, **options))
    page.wait_for_function("window.moduleReady === true")


def settle(page: Page) -> None:
    """Let the route tracker's task run (it waits one task for the title), then send a marker
    event after it, so the collector has everything before the marker."""
    page.evaluate("""async () => {
        await new Promise(resolve => setTimeout(resolve));
        await new Promise(resolve => setTimeout(resolve));
        await analytics.track('Marker');
    }""")


def test_the_module_loads_and_sends(page: Page, site, write_key, received):
    open_spa(page, site, write_key)
    page.evaluate("analytics.track('From The Module')")
    assert received(1)[0]["event"] == "From The Module"


def test_three_route_changes_and_back_are_four_page_views(page: Page, site, write_key, received):
    open_spa(page, site, write_key)
    start = page.url
    base = site.url
    page.evaluate("navigate('/app/pricing', 'Pricing')")
    page.wait_for_function("document.title === 'Pricing'")
    page.evaluate("navigate('/app/signup?plan=pro', 'Sign up')")
    page.wait_for_function("document.title === 'Sign up'")
    page.evaluate("navigate('/app/account', 'Account')")
    page.wait_for_function("document.title === 'Account'")
    page.go_back()
    page.wait_for_function("document.title === 'Sign up'")
    settle(page)
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
    page: Page, site, write_key, received
):
    open_spa(page, site, write_key)
    page.evaluate("""() => {
        navigate('/app/once', 'Once');
        history.pushState({}, '', '/app/once');
        history.replaceState({changed: true}, '', location.href);
    }""")
    settle(page)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]


def test_route_tracking_can_be_turned_off(page: Page, site, write_key, received):
    open_spa(page, site, write_key, trackRouteChanges=False)
    page.evaluate("navigate('/app/quiet', 'Quiet')")
    settle(page)
    assert [e["type"] for e in received(1)] == ["track"]


def test_a_filter_decides_which_route_changes_count(page: Page, site, write_key, received):
    open_spa(page, site, write_key, "spa.html?skip_admin=1")
    page.evaluate("navigate('/admin/users', 'Admin')")
    page.wait_for_function("document.title === 'Admin'")
    page.evaluate("navigate('/app/home', 'App')")
    settle(page)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]
    assert events[0]["properties"]["path"] == "/app/home"


def test_hash_router_routes_are_page_views_and_anchors_are_not(
    page: Page, site, write_key, received
):
    open_spa(page, site, write_key)
    start = page.url
    page.evaluate("location.hash = '#pricing'")  # an in-page anchor
    page.evaluate("location.hash = '#/settings/profile'")  # a hash router's route
    page.wait_for_function("location.hash === '#/settings/profile'")
    settle(page)
    views = [event for event in received(2) if event["type"] == "page"]
    assert [(v["properties"]["url"], v["properties"]["referrer"]) for v in views] == [
        (start + "#/settings/profile", start)
    ]


def test_loading_twice_with_one_write_key_counts_each_route_change_once(
    page: Page, site, write_key, received
):
    open_spa(page, site, write_key, "spa.html?twice=1")
    page.evaluate("navigate('/app/pricing', 'Pricing')")
    page.wait_for_function("document.title === 'Pricing'")
    settle(page)
    events = received(2)
    assert [e["type"] for e in events] == ["page", "track"]

"""The querystring API: calls carried by the landing URL, as Analytics.js makes them."""

from __future__ import annotations

import pytest

from tests.support.pages import open_page, page_url
from tests.support.tabs import Tab


def test_landing_url_identifies_and_tracks(tab: Tab, site, write_key, received):
    open_page(
        tab,
        site,
        write_key,
        "basic.html?ajs_aid=anon-q&ajs_uid=u-q&ajs_trait_email=q%40x.example"
        "&ajs_event=Clicked%20Email&ajs_prop_campaign=spring&utm_source=newsletter",
    )
    identify, track = sorted(received(2), key=lambda event: event["type"])
    assert (identify["userId"], identify["traits"], identify["anonymousId"]) == (
        "u-q",
        {"email": "q@x.example"},
        "anon-q",
    )
    assert (track["event"], track["properties"], track["userId"]) == (
        "Clicked Email",
        {"campaign": "spring"},
        "u-q",
    )
    assert track["context"]["campaign"] == {"source": "newsletter"}


def test_an_event_alone_is_tracked_for_the_anonymous_visitor(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, "basic.html?ajs_event=Opened%20Link")
    [event] = received(1)
    assert event["event"] == "Opened Link" and "userId" not in event


def test_the_querystring_api_can_be_turned_off(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, "basic.html?ajs_event=Ignored", useQueryString=False)
    tab.evaluate("analytics.track('Marker')")
    assert [event["event"] for event in received(1)] == ["Marker"]


def test_the_landing_urls_ids_are_applied_before_the_snippets_calls(
    tab: Tab, site, write_key, received, slow_bundle
):
    """The snippet's page view and the calls made before the bundle belong to the visitor the
    link named, as in analytics-next, which applies the query string first."""
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&early=1&ajs_aid=aid-123&ajs_uid=u-1")
    events = received(3)
    assert [event["type"] for event in events] == ["identify", "page", "track"]
    assert {event["anonymousId"] for event in events} == {"aid-123"}
    assert {event.get("userId") for event in events} == {"u-1"}


def test_the_landing_view_of_initial_pageview_belongs_to_the_linked_visitor(
    tab: Tab, site, write_key, received
):
    tab.goto(page_url(site, write_key, "module.html?ajs_aid=aid-7&ajs_uid=u-7"))
    tab.wait_for_function("window.moduleReady === true")
    tab.evaluate("() => { AnalyticsBrowser.load(here, {initialPageview: true}) }")
    identify, view = received(2)
    assert (identify["type"], view["type"]) == ("identify", "page")
    assert (view["anonymousId"], view["userId"]) == ("aid-7", "u-7")


@pytest.mark.parametrize("fragment", ["#/?ajs_uid=u-hash", "#about?ajs_uid=u-hash"])
def test_a_hash_routers_ajs_parameters_are_read(tab: Tab, site, write_key, received, fragment):
    """Hash-routed SPAs put the query after the route: analytics-next reads it there too."""
    tab.goto(page_url(site, write_key) + fragment)
    [identify] = received(1)
    assert (identify["type"], identify["userId"]) == ("identify", "u-hash")

"""The querystring API: calls carried by the landing URL, as Analytics.js makes them."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support.pages import open_page


def test_landing_url_identifies_and_tracks(page: Page, site, write_key, received):
    open_page(
        page,
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


def test_an_event_alone_is_tracked_for_the_anonymous_visitor(page: Page, site, write_key, received):
    open_page(page, site, write_key, "basic.html?ajs_event=Opened%20Link")
    [event] = received(1)
    assert event["event"] == "Opened Link" and "userId" not in event


def test_the_querystring_api_can_be_turned_off(page: Page, site, write_key, received):
    open_page(page, site, write_key, "basic.html?ajs_event=Ignored", useQueryString=False)
    page.evaluate("analytics.track('Marker')")
    assert [event["event"] for event in received(1)] == ["Marker"]

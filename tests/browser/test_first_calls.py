"""The first calls, end to end: a page loads dist/analytics.min.js, calls the API, and the
collector stores Segment-shaped events."""

from __future__ import annotations

import re

from analytics_web import __version__
from tests.support.pages import open_page
from tests.support.tabs import Tab

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def test_track_reaches_the_collector_with_segment_fields(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    result = tab.evaluate("analytics.track('Signed Up', {plan: 'pro'})")

    [event] = received(1)
    assert result["event"]["messageId"] == event["messageId"]
    assert event["type"] == "track"
    assert event["event"] == "Signed Up"
    assert event["properties"] == {"plan": "pro"}
    assert re.fullmatch(r"aw-" + UUID, event["messageId"])
    assert re.fullmatch(ISO, event["timestamp"])
    assert re.fullmatch(UUID, event["anonymousId"])
    assert event["context"]["library"] == {"name": "analytics-web", "version": __version__}
    assert event["context"]["page"]["path"] == "/basic.html"
    assert event["context"]["userAgent"] == tab.evaluate("navigator.userAgent")
    stored = tab.evaluate("localStorage.getItem('ajs_anonymous_id')")
    assert stored == f'"{event["anonymousId"]}"'


def test_identify_sends_user_id_and_traits(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate("analytics.identify('user-42', {email: 'ada@example.com'})")

    [event] = received(1)
    assert event["type"] == "identify"
    assert event["userId"] == "user-42"
    assert event["traits"] == {"email": "ada@example.com"}
    assert event["anonymousId"]


def test_page_fills_properties_from_the_page(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, "basic.html?title=Pricing&utm_campaign=launch")
    tab.evaluate("analytics.page('Docs', 'Pricing')")

    [event] = received(1)
    assert event["type"] == "page"
    assert (event["category"], event["name"]) == ("Docs", "Pricing")
    properties = event["properties"]
    assert properties["title"] == "Pricing"
    assert properties["path"] == "/basic.html"
    assert properties["search"] == f"?title=Pricing&utm_campaign=launch&key={write_key}"
    assert properties["url"] == f"{site.url}/basic.html{properties['search']}"
    assert event["context"]["campaign"] == {"name": "launch"}

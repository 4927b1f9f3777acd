"""Side by side with @segment/analytics-next: the same calls through both libraries, against the
same collector, must give events with the same keys, per type, at the top level and in context.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from analytics_web.collector import CollectorServer
from tests.support.collector_client import wait_for_events
from tests.support.pages import open_page
from tests.support.site import serve_segment_cdn

# Keys analytics-next puts on every event and analytics-web does not, on purpose (docs/parity.md,
# "Where we differ"): sentAt and writeKey go once on the batch body, and _metadata describes
# analytics-next's own plugin bundling.
ONLY_IN_ANALYTICS_NEXT = {"_metadata", "sentAt", "writeKey"}
# And what analytics-web adds to context: the visit an event belongs to (docs/sessions.md).
ONLY_IN_ANALYTICS_WEB_CONTEXT = {"sessionId", "sessionStart"}

SEQUENCE = """async () => {
    await analytics.identify('u-1', {email: 'a@x.example'});
    await analytics.track('Signed Up', {plan: 'pro'});
    await analytics.page('Docs', 'Intro');
    await analytics.group('g-1', {name: 'Acme'});
    await analytics.alias('u-2', 'u-1');
}"""


def keys_by_type(events: list[dict]) -> dict[str, tuple[set[str], set[str]]]:
    return {
        e["type"]: (
            set(e) - ONLY_IN_ANALYTICS_NEXT,
            set(e["context"]) - ONLY_IN_ANALYTICS_WEB_CONTEXT,
        )
        for e in events
    }


def test_same_calls_give_events_with_the_same_keys(
    context: BrowserContext, page: Page, site, collector: CollectorServer, write_key, received
):
    serve_segment_cdn(context, collector.api_host)
    reference_key = write_key + "-reference"
    page.goto(f"{site.url}/reference.html?key={reference_key}")
    page.wait_for_function("window.analytics && window.analytics.initialized === true")
    page.evaluate(SEQUENCE)
    theirs = wait_for_events(collector, reference_key, 5)

    open_page(page, site, write_key)
    page.evaluate(SEQUENCE)
    ours = received(5)

    assert [e["type"] for e in theirs] == [e["type"] for e in ours]
    assert keys_by_type(ours) == keys_by_type(theirs)
    assert all("sessionId" in e["context"] for e in ours)
    page_theirs = next(e for e in theirs if e["type"] == "page")
    page_ours = next(e for e in ours if e["type"] == "page")
    assert set(page_ours["properties"]) == set(page_theirs["properties"])
    assert set(page_ours["context"]["page"]) == set(page_theirs["context"]["page"])


def test_identity_written_by_analytics_next_is_kept_by_analytics_web(
    context: BrowserContext, page: Page, site, collector: CollectorServer, write_key, received
):
    serve_segment_cdn(context, collector.api_host)
    page.goto(f"{site.url}/reference.html?key={write_key}-reference")
    page.wait_for_function("window.analytics && window.analytics.initialized === true")
    page.evaluate("analytics.identify('switcher', {plan: 'pro'})")
    their_anonymous_id = page.evaluate("analytics.user().anonymousId()")

    open_page(page, site, write_key)  # the site swaps the library
    page.evaluate("analytics.track('After The Switch')")
    [event] = received(1)
    assert (event["anonymousId"], event["userId"]) == (their_anonymous_id, "switcher")
    assert page.evaluate("analytics.user().traits()") == {"plan": "pro"}

"""Web Vitals on request (analytics_web/browser/web_vitals.py): load option ``webVitals`` sends
one "Web Vitals" track per page, when the visitor leaves it, with what the engine measures of
LCP, INP, CLS, FCP and TTFB (Google's web-vitals library, in a feature file of its own). In
Chromium, Firefox and WebKit: each engine is held to the metrics it supports."""

from __future__ import annotations

import json

from tests.browser.test_features import FETCHED, features_page, loaded
from tests.support.tabs import Tab

EVENT = "Web Vitals"
BLOCKING_MS = 150  # a click handler this slow makes an interaction INP must report
# The metrics this engine can measure, by the entry types web-vitals observes for each.
SUPPORTED = """(() => {
  const types = PerformanceObserver.supportedEntryTypes || [];
  const interactions = typeof PerformanceEventTiming !== 'undefined'
    && 'interactionId' in PerformanceEventTiming.prototype;
  return {
    TTFB: performance.getEntriesByType('navigation').length > 0,
    FCP: types.includes('paint'),
    LCP: types.includes('largest-contentful-paint'),
    CLS: types.includes('layout-shift'),
    INP: types.includes('event') && interactions,
  };
})()"""
# A slow click handler, and content pushed down by a late banner (a layout shift, no input near).
SLOW_CLICK_AND_A_SHIFT = f"""new Promise((resolve) => {{
  document.querySelector('h1').addEventListener('click', () => {{
    const start = performance.now();
    while (performance.now() - start < {BLOCKING_MS}) {{}}
  }});
  const banner = document.createElement('div');
  banner.style.height = '200px';
  banner.textContent = 'A late banner';
  document.body.prepend(banner);
  requestAnimationFrame(() => requestAnimationFrame(resolve));
}})"""


def vitals_page(site, write_key: str, options: object = True, **query: str) -> str:
    return features_page(site, write_key, options=json.dumps({"webVitals": options}), **query)


def test_the_pages_vitals_go_once_as_the_visitor_leaves(tab: Tab, site, write_key, received):
    tab.goto(vitals_page(site, write_key))
    loaded(tab)
    tab.wait_for_function("performance.getEntriesByName(location.href.split('#')[0]).length")
    supported = {name for name, here in tab.evaluate(SUPPORTED).items() if here}
    tab.wait_for_function(f"({FETCHED}).length > 0")  # its file, fetched without a call
    assert tab.evaluate(FETCHED) == ["analytics.webvitals.min.js"]
    tab.evaluate(SLOW_CLICK_AND_A_SHIFT)
    tab.click("h1")
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    page, vitals = received(2)
    assert page["type"] == "page" and vitals["event"] == EVENT
    measured = vitals["properties"]
    ratings = measured.pop("ratings")
    assert set(measured) == supported and set(ratings) == supported
    assert {"TTFB", "FCP"} <= supported  # every engine measures these
    assert all(rating in {"good", "needs-improvement", "poor"} for rating in ratings.values())
    assert 0 <= measured["TTFB"] <= measured["FCP"]
    if "LCP" in supported:
        assert measured["LCP"] >= measured["FCP"]
    if "INP" in supported:
        assert measured["INP"] >= BLOCKING_MS - 10  # the slow handler, measured
    if "CLS" in supported:
        assert measured["CLS"] > 0  # the banner's shift
    assert vitals["context"]["page"]["path"] == "/features.html"  # the page measured


def test_only_the_metrics_asked_for_are_sent_and_an_unknown_one_is_named(
    tab: Tab, site, write_key, received
):
    tab.goto(vitals_page(site, write_key, ["FCP", "TTFB", "Speed"], before=CAPTURE_ERRORS))
    loaded(tab)
    tab.wait_for_function("window.errors.length > 0")
    said = tab.evaluate("window.errors")
    assert said == [
        "analytics-web: webVitals has no metric named Speed; the metrics are "
        "LCP, INP, CLS, FCP, TTFB"
    ]
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    vitals = received(2)[1]
    assert sorted(vitals["properties"]) == ["FCP", "TTFB", "ratings"]


def test_without_its_file_the_page_says_so_and_its_events_still_go(
    tab: Tab, site, write_key, received
):
    bundle = "/dist/analytics.min.js?missing=analytics.webvitals.min.js"
    tab.goto(vitals_page(site, write_key, bundle=bundle, before=HEAR_ERRORS))
    loaded(tab)
    tab.wait_for_function("window.heard.length > 0")
    assert "analytics.webvitals.min.js could not be loaded" in tab.evaluate("window.heard[0]")
    assert [event["type"] for event in received(1)] == ["page"]
    tab.evaluate("analytics.track('Still sent')")
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    # The marker on the next page comes after the page view and the track, with no vitals.
    tab.goto(features_page(site, write_key, before="analytics.track('Marker')"))
    names = [event.get("event", event["type"]) for event in received(4)]
    assert names == ["page", "Still sent", "page", "Marker"]
    assert tab.evaluate("window.thrown") == []


def test_the_single_file_fetches_only_web_vitals_beside_itself(tab: Tab, site, write_key, received):
    tab.goto(vitals_page(site, write_key, bundle="/dist/analytics.full.min.js"))
    loaded(tab)
    tab.wait_for_function(f"({FETCHED}).length === 2")
    assert sorted(tab.evaluate(FETCHED)) == ["analytics.full.min.js", "analytics.webvitals.min.js"]
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    assert received(2)[1]["event"] == EVENT


# console.error lines of the page, and what on('error') heard (the stub keeps the listener).
CAPTURE_ERRORS = """window.errors = [];
  const error = console.error.bind(console);
  console.error = (...args) => { window.errors.push(args.join(' ')); error(...args); };"""
HEAR_ERRORS = """window.heard = [];
  analytics.on('error', (error) => window.heard.push(error.message));"""

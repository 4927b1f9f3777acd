"""Features fetched on first use (analytics_web/browser/features.py): a plain page downloads the
core only; a page that uses consent, plugins, trackLink, the debug console or ajs_ links gets
the file that does it, from beside the bundle, and loses, reorders or leaks nothing meanwhile or
when the file cannot be had. In Chromium, Firefox and WebKit."""

from __future__ import annotations

import json
import secrets
import urllib.parse

import pytest

from tests.support.site import SLOW_FILE_S
from tests.support.tabs import Tab

# The feature files (and single file) this page fetched, by name, from its resource timings.
FETCHED = """performance.getEntriesByType('resource')
  .map((entry) => entry.name.split('?')[0].split('/').pop())
  .filter((name) => /^analytics\\.[a-z]+\\.min\\.js$/.test(name))"""


def features_page(site, write_key: str, *, before: str = "", **query: str) -> str:
    """features.html: ``before`` is script run on the snippet's stub, before the bundle."""
    params = {"key": write_key, **query}
    if before:
        params["before"] = before
    return f"{site.url}/features.html?{urllib.parse.urlencode(params)}"


def loaded(tab: Tab) -> None:
    tab.wait_for_function("window.analytics.initialized === true")


def test_a_plain_snippet_page_downloads_no_feature_file(tab: Tab, site, write_key, received):
    tab.goto(features_page(site, write_key, before="analytics.track('Plain')"))
    loaded(tab)
    assert sorted(event["type"] for event in received(2)) == ["page", "track"]
    assert tab.evaluate(FETCHED) == []


def test_a_plugin_registered_on_the_stub_sees_the_snippets_page_view_and_later_calls(
    tab: Tab, site, write_key, received, slow_bundle
):
    tagger = """analytics.register({name: 'Tagger', type: 'enrichment', version: '1',
        isLoaded: () => true, load: () => Promise.resolve(),
        page: (ctx) => { ctx.event.properties.tagged = true; return ctx; },
        track: (ctx) => { ctx.event.properties.tagged = true; return ctx; }});
      analytics.track('Tagged');"""
    tab.goto(features_page(site, write_key, before=tagger))
    assert tab.evaluate("window.earlyCallsQueued"), "the bundle came before the stub's calls"
    events = received(2)
    assert {event["type"]: event["properties"].get("tagged") for event in events} == {
        "page": True,
        "track": True,
    }
    assert tab.evaluate(FETCHED) == ["analytics.plugins.min.js"]


def test_a_source_middleware_added_on_the_stub_scrubs_the_calls_behind_it(
    tab: Tab, site, write_key, received, slow_bundle
):
    scrubber = """analytics.addSourceMiddleware(({payload, next}) => {
        delete payload.obj.properties.email; next(payload); });
      analytics.track('Signed Up', {email: 'someone@example.com', plan: 'pro'});"""
    tab.goto(features_page(site, write_key, before=scrubber))
    assert tab.evaluate("window.earlyCallsQueued")
    signed_up = next(event for event in received(2) if event["type"] == "track")
    assert signed_up["properties"] == {"plan": "pro"}


def test_track_link_on_the_stub_tracks_the_click_and_navigates(
    tab: Tab, site, write_key, received, slow_bundle
):
    tab.goto(
        features_page(
            site, write_key, before="analytics.trackLink(document.getElementById('go'), 'Go')"
        )
    )
    assert tab.evaluate("window.earlyCallsQueued")
    loaded(tab)
    assert tab.evaluate(FETCHED) == ["analytics.autotrack.min.js"]
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    assert [event.get("event") for event in received(2) if event["type"] == "track"] == ["Go"]


def test_debug_turned_on_on_the_stub_shows_the_calls_made_after_it(
    tab: Tab, site, write_key, received, slow_bundle
):
    before = "analytics.debug(true); analytics.track('Watched')"
    tab.goto(features_page(site, write_key, before=before))
    assert tab.evaluate("window.earlyCallsQueued")
    received(2)
    tab.wait_for_function(
        "window.logged.some((line) => line.includes("
        '\'track "Watched": handed to destination "Segment.io"\'))'
    )
    assert tab.evaluate(FETCHED) == ["analytics.debug.min.js"]


def test_consent_in_the_load_options_holds_the_stubs_calls_until_the_visitor_decides(
    tab: Tab, site, write_key, received, slow_bundle
):
    options = json.dumps({"consent": {"categories": ["analytics"]}})
    tab.goto(features_page(site, write_key, options=options, before="analytics.track('Undecided')"))
    assert tab.evaluate("window.earlyCallsQueued")
    loaded(tab)
    assert tab.evaluate(FETCHED) == ["analytics.consent.min.js"]
    assert "ajs_anonymous_id" not in tab.evaluate("document.cookie + JSON.stringify(localStorage)")
    tab.evaluate("analytics.consent(true)")
    events = received(2)
    assert {
        event["context"]["consent"]["categoryPreferences"]["analytics"] for event in events
    } == {True}


def test_an_ajs_link_names_the_visitor_of_the_landing_view(
    tab: Tab, site, write_key, received, slow_bundle
):
    tab.goto(features_page(site, write_key, ajs_uid="u-7", ajs_event="From Link"))
    events = received(3)
    assert {event["type"]: event.get("userId") for event in events} == {
        "page": "u-7",
        "identify": "u-7",
        "track": "u-7",
    }
    assert tab.evaluate(FETCHED) == ["analytics.querystring.min.js"]


def test_a_callback_keeps_its_timeout_while_a_feature_file_is_on_its_way(
    tab: Tab, site, write_key, received
):
    """The plugin file comes seconds late; a track() made meanwhile still calls back within
    its timeout, and its event then goes out through the middleware it waited for."""
    bundle = "/dist/analytics.min.js?slow=analytics.plugins.min.js"
    tab.goto(features_page(site, write_key, bundle=bundle))
    loaded(tab)
    waited_ms = tab.evaluate(
        """() => new Promise((resolve) => {
             analytics.addSourceMiddleware(({payload, next}) => {
               payload.obj.context.scrubbed = true; next(payload); });
             const start = performance.now();
             analytics.track('Waiting', {}, {}, () => resolve(performance.now() - start));
           })"""
    )
    assert waited_ms < SLOW_FILE_S * 1000 / 2  # its 300 ms, not the file's seconds
    waiting = next(event for event in received(2) if event["type"] == "track")
    assert waiting["context"]["scrubbed"] is True


# -- a feature file that cannot be had ---------------------------------------------------------

# The call that asks for the plugin file, then an event that must not go out without it; the
# outcome of each, and what 'error' listeners heard.
SCRUB_THEN_TRACK = """async () => {
  const heard = [];
  analytics.on('error', (error) => heard.push(error.message));
  const outcome = (promise) => promise.then(() => 'resolved', (error) => error.message);
  const scrub = outcome(analytics.addSourceMiddleware(({payload, next}) => {
    delete payload.obj.properties.email; next(payload); }));
  const track = outcome(analytics.track('After', {email: 'someone@example.com'}));
  return {scrub: await scrub, track: await track, heard};
}"""


@pytest.mark.parametrize("failure", ["missing", "drop", "stall"])
def test_a_middleware_whose_file_fails_stops_the_events_behind_it_and_says_which_file(
    tab: Tab, site, write_key, received, failure
):
    bundle = f"/dist/analytics.min.js?{failure}=analytics.plugins.min.js"
    tab.goto(features_page(site, write_key, bundle=bundle))
    loaded(tab)
    assert tab.evaluate("analytics.track('Before').then((ctx) => ctx.event.event)") == "Before"
    got = tab.evaluate(SCRUB_THEN_TRACK)
    for said in (got["scrub"], got["track"]):
        assert "analytics.plugins.min.js could not be loaded" in said
        assert "analytics.full.min.js" in said  # what to do instead
    assert len(got["heard"]) == 2
    # Nothing of 'After' was kept to send later: the next page's marker arrives after the page
    # view and 'Before' alone (leaving would have sent anything queued).
    tab.goto(features_page(site, write_key, before="analytics.track('Marker')"))
    names = [event.get("event", event["type"]) for event in received(4)]
    assert sorted(names) == ["Before", "Marker", "page", "page"]
    assert tab.evaluate("window.thrown") == []


def test_without_its_consent_file_a_consent_page_stores_and_sends_nothing(
    tab: Tab, site, write_key, received
):
    options = json.dumps({"consent": {"categories": ["analytics"]}})
    bundle = "/dist/analytics.min.js?missing=analytics.consent.min.js"
    tab.goto(features_page(site, write_key, bundle=bundle, options=options))
    loaded(tab)
    said = tab.evaluate("analytics.track('Unasked').then(() => 'resolved', (e) => e.message)")
    assert "analytics.consent.min.js could not be loaded" in said
    assert tab.evaluate("analytics.consent(true)") is None
    assert "ajs_" not in tab.evaluate("document.cookie + JSON.stringify(localStorage)")
    tab.goto(features_page(site, write_key, before="analytics.track('Marker')"))
    assert [event.get("event", event["type"]) for event in received(2)] == ["page", "Marker"]
    assert tab.evaluate("window.thrown") == []


def test_a_feature_file_changed_after_the_build_is_refused(tab: Tab, site, write_key):
    bundle = "/dist/analytics.min.js?changed=analytics.autotrack.min.js"
    tab.goto(features_page(site, write_key, bundle=bundle))
    loaded(tab)
    said = tab.evaluate(
        "analytics.trackLink(document.getElementById('go'), 'Go')"
        ".then(() => 'resolved', (error) => error.message)"
    )
    assert "analytics.autotrack.min.js could not be loaded" in said
    assert tab.evaluate("window.thrown") == []


def test_under_a_strict_csp_a_feature_loads_with_the_bundles_nonce(
    tab: Tab, site, write_key, received
):
    tab.goto(features_page(site, write_key, csp="1"))
    loaded(tab)
    tab.evaluate("analytics.trackLink(document.getElementById('go'), 'Go')")
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    assert [event.get("event") for event in received(2) if event["type"] == "track"] == ["Go"]


def test_preload_hints_fetch_the_pages_features_beside_the_bundle(
    tab: Tab, site, write_key, received
):
    tab.goto(features_page(site, write_key, csp="1", features="autotrack"))
    loaded(tab)
    # Fetched with the bundle, before any call asked for it, and allowed by the strict CSP.
    assert tab.evaluate(FETCHED) == ["analytics.autotrack.min.js"]
    tab.evaluate("analytics.trackLink(document.getElementById('go'), 'Go')")
    assert tab.evaluate(FETCHED) == ["analytics.autotrack.min.js"]  # the preload, used
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    assert [event.get("event") for event in received(2) if event["type"] == "track"] == ["Go"]


def test_a_new_release_fetches_its_own_feature_file_past_the_last_ones_in_the_cache(
    tab: Tab, site, write_key, received
):
    """A site deploys a new release while the visitor's browser holds the last release's
    plugins file (the site's CDN lets browsers keep it for an hour). The new core must not take
    that file from the cache: its hash check refuses it, and every event behind a middleware
    would fail until the cache expired."""
    folder = secrets.token_hex(8)
    page = features_page(site, write_key, bundle=f"/release/{folder}/analytics.min.js")
    tag_and_track = """(release) => new Promise((resolve) => {
        analytics.addSourceMiddleware(({payload, next}) => {
            payload.obj.properties.release = release; next(payload); });
        analytics.track('Tagged').then(() => resolve('sent'), (error) => resolve(error.message));
    })"""
    tab.goto(page)
    loaded(tab)
    assert tab.evaluate(tag_and_track, "last") == "sent"
    site.deployed.add(folder)
    tab.goto(page)
    loaded(tab)
    assert tab.evaluate(tag_and_track, "next") == "sent"
    tagged = [event["properties"]["release"] for event in received(4) if event["type"] == "track"]
    assert tagged == ["last", "next"]


def test_the_single_file_has_every_feature_in_one_request(
    tab: Tab, site, write_key, received, slow_bundle
):
    before = """analytics.debug(true);
      analytics.addSourceMiddleware(({payload, next}) => {
        payload.obj.context.scrubbed = true; next(payload); });
      analytics.trackLink(document.getElementById('go'), 'Go');"""
    tab.goto(
        features_page(
            site, write_key, bundle="/dist/analytics.full.min.js", ajs_uid="u-9", before=before
        )
    )
    assert tab.evaluate("window.earlyCallsQueued")
    loaded(tab)
    assert tab.evaluate(FETCHED) == ["analytics.full.min.js"]
    tab.click("#go")
    tab.wait_for_url("**/blank.html")
    events = received(3)
    assert {event["type"]: event.get("userId") for event in events} == {
        "page": "u-9",
        "identify": "u-9",
        "track": "u-9",
    }
    assert all(event["context"]["scrubbed"] for event in events)


# Words only each feature's code says: none may be in an app's main file.
FEATURE_WORDS = {
    "autotrack": "needs elements (one, an array",
    "consent": "held until the visitor decides on consent",
    "debug": "handed to destination",
    "plugins": "a plugin needs a name",
    "querystring": "ajs_trait_",
    "webvitals": "has no metric named",
}


def test_an_npm_app_bundled_with_esbuild_ships_no_feature_until_it_uses_one(
    tab: Tab, site, npm_app, write_key, received
):
    main = (npm_app / "npm-app.js").read_text()
    assert [name for name, words in FEATURE_WORDS.items() if words in main] == []
    chunks = {path.name.split(".")[1] for path in npm_app.glob("npm-app-analytics.*.esm-*.js")}
    assert chunks == set(FEATURE_WORDS)  # each a chunk of its own
    app_files = (
        "performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)"
        ".filter((path) => path.startsWith('/vendor/npm-app'))"
    )
    tab.goto(f"{site.url}/npm_app.html?key={write_key}")
    assert [event["event"] for event in received(1)] == ["App Started"]
    assert tab.evaluate(app_files) == ["/vendor/npm-app.js"]
    # Used later, a feature comes as its chunk, and works.
    tab.evaluate(
        """appAnalytics.addSourceMiddleware(({payload, next}) => {
             payload.obj.context.scrubbed = true; next(payload); })
           .then(() => appAnalytics.track('Scrubbed'))"""
    )
    assert received(2)[1]["context"]["scrubbed"] is True
    fetched = tab.evaluate(app_files)
    assert len(fetched) == 2 and fetched[1].startswith("/vendor/npm-app-analytics.plugins.esm-")

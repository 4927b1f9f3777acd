"""The async snippet in real browsers: calls before the bundle, escaping, CSP, loading twice."""

from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import Dialog, Page

from analytics_web.snippet import bundle_integrity, render
from tests.support.collector_client import stored_events
from tests.support.pages import call, open_page
from tests.support.segment_snippet import segment_snippet
from tests.support.tabs import Tab


def test_calls_before_the_bundle_arrive_in_order_with_their_page(
    tab: Tab, site, write_key, received, slow_bundle
):
    tab.goto(f"{site.url}/snippet.html?key={write_key}")
    assert tab.evaluate("window.earlyCallsQueued"), "the bundle came before the inline calls"
    tab.wait_for_function("window.analytics.initialized === true")
    events = received(4)  # in the order the collector stored them
    assert [e["timestamp"] for e in events] == sorted(e["timestamp"] for e in events)
    assert [(e["type"], e.get("event")) for e in events] == [
        ("page", None),
        ("track", "Early One"),
        ("identify", None),
        ("track", "Early Two"),
    ]
    automatic, first, _, second = events
    # The landing view names the page the visitor ended up on (title set and URL replaced before
    # the bundle came); each other call the page it was made on.
    assert automatic["properties"]["title"] == "Second title"
    assert "moved=1" in automatic["properties"]["url"]
    assert first["context"]["page"]["title"] == "First title"
    assert "moved=1" not in first["context"]["page"]["url"]
    assert second["context"]["page"]["title"] == "Second title"
    assert "moved=1" in second["context"]["page"]["url"]
    assert second["userId"] == "early-user"


def test_one_page_view_on_load_even_if_the_snippet_is_pasted_twice(
    tab: Tab, site, write_key, collector, received
):
    tab.goto(f"{site.url}/snippet.html?key={write_key}&twice=1")
    tab.wait_for_function("window.analytics.initialized === true")
    events = received(4)
    assert sum(event["type"] == "page" for event in events) == 1
    assert (
        tab.evaluate("document.querySelectorAll('script[src*=\"analytics.min.js\"]').length") == 1
    )


XSS = "</script><script>window.injected = 1; alert(1)</script>"


@pytest.mark.parametrize("where", ["write_key", "option", "src"])
def test_values_from_python_cannot_inject_script(page: Page, site, where):
    write_key, src, load_options = "key", "/dist/analytics.min.js", {}
    if where == "write_key":
        write_key = XSS + "\"'"
    elif where == "option":
        load_options = {"note": XSS, "quote": "'\"`"}
    else:
        src = "/dist/analytics.min.js?" + XSS
    html = render(write_key, src=src, load_options=load_options)
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.route("**/dist/analytics.min.js*", lambda route: route.abort())  # keep the stub to inspect
    page.goto(f"{site.url}/blank.html")
    page.set_content(f"<!doctype html><html><head>{html}</head><body></body></html>")
    assert dialogs == []
    assert page.evaluate("window.injected") is None
    assert page.evaluate("document.scripts.length") == 2  # the snippet and the bundle it added
    if where == "write_key":
        assert page.evaluate("analytics._writeKey") == write_key


def test_strict_csp_with_a_nonce_reports_no_violation(tab: Tab, site, write_key, received):
    tab.goto(f"{site.url}/snippet.html?key={write_key}&csp=1")
    tab.wait_for_function("window.analytics.initialized === true")
    received(4)
    assert tab.evaluate("window.violations") == []


def test_integrity_from_the_manifest_lets_the_bundle_load(
    tab: Tab, site, write_key, received, dist
):
    integrity = urllib.parse.quote(bundle_integrity(), safe="")
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&integrity={integrity}")
    tab.wait_for_function("window.analytics.initialized === true")
    assert received(1)[0]["type"] == "page"


def test_a_wrong_integrity_blocks_the_bundle_and_the_page_keeps_working(
    page: Page, site, write_key
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser's refusal of the bundle is an error event on its script element.
    page.add_init_script("""document.addEventListener('error', event => {
        if (event.target.src) window.bundleRefused = event.target.src }, true)""")
    wrong = "sha384-" + "A" * 64
    page.goto(f"{site.url}/snippet_only.html?key={write_key}&integrity={wrong}")
    page.wait_for_function(
        "window.bundleRefused && window.bundleRefused.endsWith('/dist/analytics.min.js')"
    )
    page.evaluate("analytics.track('Recorded By The Stub')")
    assert page.evaluate("Array.isArray(window.analytics)")
    assert page.evaluate("analytics[analytics.length - 1][0]") == "track"
    # Firefox reports the refused bundle itself as a page error; nothing else may appear.
    assert [error for error in errors if "integrity" not in error] == []


def test_a_failed_bundle_download_leaves_the_page_working(page: Page, site, write_key):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with page.expect_response(
        lambda response: urllib.parse.urlparse(response.url).path == "/dist/missing.js"
    ) as missing:
        page.goto(f"{site.url}/snippet_only.html?key={write_key}&src=/dist/missing.js")
    assert missing.value.status == 404
    assert page.evaluate("analytics.track('Still Fine') === window.analytics")
    assert errors == []


def test_a_page_tidying_its_url_after_the_snippets_view_is_not_a_second_view(
    tab: Tab, site, write_key, collector
):
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&utm_source=news")
    tab.wait_for_function("window.analytics.initialized === true")
    tab.evaluate("""async () => {
        const tidy = new URL(location.href);
        tidy.searchParams.delete('utm_source');
        history.replaceState(null, '', tidy);
        await analytics.track('Read On');
        await analytics.flush();
    }""")
    events = stored_events(collector, write_key)
    assert sorted(event["type"] for event in events) == ["page", "track"]


# -- a page that carries the snippet twice (a tag manager and the page's own), or keeps the stub --


def snippet_script(html: str) -> str:
    """The JavaScript inside a rendered <script> element, as plain text (not Markup, which
    would escape what it is joined to)."""
    text = str(html)
    return text[text.index(">") + 1 : text.rindex("</script>")]


@pytest.mark.parametrize("whose", ["segment", "ours"])
def test_a_snippet_run_again_after_the_bundle_loaded_changes_nothing(
    tab: Tab, site, write_key, received, whose
):
    """Segment's snippet returns at once where it finds `analytics.initialize`; without it, a
    second run puts a stub back over the library, which then records calls nobody sends."""
    open_page(tab, site, write_key)
    if whose == "segment":  # its CDN host refuses connections: a stub it put back stays a stub
        script = segment_snippet(write_key, host="127.0.0.1:9")
    else:
        script = snippet_script(render(write_key, api_host=site.api_host, protocol="http"))
    tab.evaluate("() => {" + script + "}")
    assert tab.evaluate("Array.isArray(window.analytics)") is False
    call(tab, "analytics.track('After A Second Snippet')")
    # No second page view either: the snippet's page() was never made.
    assert [event.get("event") for event in received(1)] == ["After A Second Snippet"]


def test_analytics_js_1_members_keep_their_harmless_meaning(tab: Tab, site, write_key):
    open_page(tab, site, write_key)
    seen = tab.evaluate("""async () => ({
        initialize: (await analytics.initialize()) === analytics,
        init: (await analytics.init({}, {})) === analytics,
        noConflict: analytics.noConflict() === analytics && window.analytics === analytics,
        integrations: typeof analytics.Integrations,
        normalized: analytics.normalize({type: 'track', event: 'Normalized', properties: {a: 1},
                                         options: {context: {app: 'x'}}}),
        anonymousId: analytics.user().anonymousId(),
    })""")
    normalized = seen.pop("normalized")
    assert seen.pop("anonymousId") == normalized["anonymousId"]
    assert seen == {"initialize": True, "init": True, "noConflict": True, "integrations": "object"}
    assert (normalized["type"], normalized["event"], normalized["properties"]) == (
        "track",
        "Normalized",
        {"a": 1},
    )
    assert normalized["messageId"] and normalized["context"]["app"] == "x"
    assert normalized["context"]["page"]["path"] == "/basic.html"


def test_a_stub_the_page_kept_passes_its_calls_to_the_library(tab: Tab, site, write_key, received):
    """Pages assign the stub to a variable of their own before the bundle arrives; its calls
    must reach the library once it is there, as with Segment's snippet."""
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&keep=1")
    tab.wait_for_function("window.analytics.initialized === true")
    assert tab.evaluate("Array.isArray(window.kept)")  # the stub, not the library
    call(tab, "window.kept.track('Through The Kept Stub')")
    assert sorted(event["type"] for event in received(2)) == ["page", "track"]


# -- a tag added after the page's markup ---------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "named"),
    [
        ("snippet", "id"),
        ("snippet", "form"),
        ("snippet", "two"),
        ("snippet", "frame"),
        ("snippet", "foreign-frame"),
        ("bundle", "id"),
        ("bundle", "foreign-frame"),
    ],
)
def test_a_tag_added_after_markup_that_names_analytics_still_counts(
    tab: Tab, site, write_key, received, loader, named
):
    """A tag manager adds the snippet (or the bundle's <script>) once the page has loaded. By
    then window.analytics is whatever the markup calls "analytics": an element (id or form
    name), a collection of two, a frame's window; another origin's cannot even be read."""
    query = {
        "key": write_key,
        "named": named,
        "foreign": site.url.replace("127.0.0.1", "localhost"),
    }
    if loader == "bundle":
        query["bundle"] = "1"
    tab.goto(f"{site.url}/late.html?{urllib.parse.urlencode(query)}")
    # Until the library takes the name over, window.analytics may be another origin's frame,
    # whose properties throw when read.
    tab.wait_for_function(
        "(() => { try { return window.analytics.initialized === true } catch { return false } })()"
    )
    events = received(2)
    assert [(event["type"], event.get("event")) for event in events] == [
        ("page", None),
        ("track", "Early"),
    ]
    # The markup itself is untouched: the page's own code still finds it by its name.
    assert tab.evaluate("document.querySelectorAll('#analytics, [name=analytics]').length") == (
        2 if named == "two" else 1
    )


def test_a_snippet_finding_another_scripts_analytics_leaves_it_and_says_what_to_do(
    tab: Tab, site, write_key
):
    tab.goto(f"{site.url}/blank.html")
    script = snippet_script(render(write_key, api_host=site.api_host, protocol="http"))
    outcome = tab.evaluate(
        """(script) => {
        window.analytics = {theirs: true};
        const said = [];
        const error = console.error;
        console.error = (...args) => said.push(args.join(' '));
        let thrown = null;
        try { new Function(script)() } catch (problem) { thrown = String(problem) }
        console.error = error;
        return {
            thrown, said,
            kept: JSON.stringify(window.analytics),
            bundles: document.querySelectorAll('script[src*="analytics"]').length,
        };
    }""",
        script,
    )
    assert outcome["thrown"] is None
    assert outcome["kept"] == '{"theirs":true}' and outcome["bundles"] == 0
    [said] = outcome["said"]
    assert "window.analytics belongs to another script" in said and "globalAnalyticsKey" in said

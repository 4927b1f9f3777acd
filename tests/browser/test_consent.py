"""Consent: nothing stored or sent before the visitor decides, kept events delivered with their
own times after consent and discarded after refusal, the decision remembered, destinations by
category, Global Privacy Control; and Segment's own consent wrapper, unmodified, around
analytics-web as around analytics-next."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

from tests.support.pages import call, open_page, page_url, send_marker
from tests.support.tabs import Tab

CONSENT = {
    "categories": ["analytics", "advertising"],
    "destinations": {"Ads": ["advertising"], "Stats": ["analytics"]},
}

# Two destination plugins the tests register; what each got is in window.got.
DESTINATIONS = """() => {
    window.got = {Ads: [], Stats: []};
    window.destination = name => ({name, type: 'destination', version: '1.0.0', isLoaded: () => true,
        load: () => Promise.resolve(),
        track: ctx => { window.got[name].push(ctx.event.event); return ctx },
        page: ctx => { window.got[name].push('page'); return ctx }});
}"""


class Wire:
    """Every request the page makes to the Tracking API."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        page.on("request", self.heard)

    def heard(self, request: Request) -> None:
        if "/v1/" in request.url:
            self.requests.append(request.url)


def everything_stored(page: Page, context: BrowserContext) -> dict:
    return {
        "cookies": sorted(cookie["name"] for cookie in context.cookies()),
        "localStorage": page.evaluate("Object.keys(localStorage).sort()"),
    }


def millis(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000


# -- native consent ------------------------------------------------------------------------------------


def test_nothing_is_stored_or_sent_before_the_visitor_decides(
    context: BrowserContext, page: Page, site, write_key
):
    wire = Wire(page)
    open_page(page, site, write_key, consent=CONSENT)
    outcomes = page.evaluate("""async () => {
        const made = [analytics.page(), analytics.identify('u-1', {email: 'a@x.example'}), analytics.track('Browsed')];
        const settled = await Promise.all(made);
        return settled.map(ctx => ctx.failedDelivery().reason.message);
    }""")
    assert all("held until the visitor decides on consent" in outcome for outcome in outcomes)
    assert page.evaluate("analytics.user().id()") == "u-1"  # the API works, in memory
    assert everything_stored(page, context) == {"cookies": [], "localStorage": []}
    assert wire.requests == []


def test_kept_events_go_out_with_their_own_times_once_the_visitor_consents(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key, consent=CONSENT)
    made_at = tab.evaluate(
        "() => { analytics.identify('u-1'); analytics.track('Before Consent'); return Date.now() }"
    )
    # The visitor reads the banner for a second, then accepts.
    tab.evaluate("new Promise(resolve => setTimeout(resolve, 1000))")
    tab.evaluate("() => { analytics.consent(true) }")
    identify, track = received(2)
    assert abs(millis(track["timestamp"]) - made_at) < 200  # the time of the call, not of consent
    assert track["context"]["consent"] == {
        "categoryPreferences": {"analytics": True, "advertising": True}
    }
    cookies = {cookie["name"]: cookie["value"] for cookie in tab.cookies()}
    assert cookies["ajs_user_id"] == "u-1" and cookies["ajs_anonymous_id"] == track["anonymousId"]
    assert identify["anonymousId"] == track["anonymousId"]


def test_refusal_discards_kept_events_and_stores_nothing_but_the_decision(
    context: BrowserContext, page: Page, site, write_key
):
    wire = Wire(page)
    open_page(page, site, write_key, consent=CONSENT)
    page.evaluate("analytics.identify('u-1'); analytics.track('Before Refusal')")
    page.evaluate("analytics.consent(false)")
    after = page.evaluate(
        "analytics.track('After Refusal').then(() => 'sent', error => error.message)"
    )
    assert "refused consent" in after
    assert everything_stored(page, context) == {"cookies": [], "localStorage": ["aw_consent"]}
    assert page.evaluate("JSON.parse(localStorage.aw_consent).preferences") == {
        "analytics": False,
        "advertising": False,
    }
    assert wire.requests == []


def test_the_decision_is_remembered_on_the_next_page(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, consent=CONSENT)
    tab.evaluate("analytics.consent({analytics: true, advertising: false})")
    open_page(tab, site, write_key, consent=CONSENT)
    call(tab, "analytics.track('Next Page')")  # sent at once: no banner, no holding
    [event] = received(1)
    assert event["context"]["consent"]["categoryPreferences"] == {
        "analytics": True,
        "advertising": False,
    }


def test_a_later_change_applies_from_then_on_and_is_itself_an_event(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key, consent=CONSENT)
    tab.evaluate("analytics.consent(true)")
    call(tab, "analytics.track('Under Full Consent')")
    tab.evaluate("analytics.consent({analytics: true, advertising: false})")
    call(tab, "analytics.track('Under New Preferences')")
    first, updated, second = received(3)
    assert first["context"]["consent"]["categoryPreferences"]["advertising"] is True
    assert updated["event"] == "Segment Consent Preference Updated"
    assert updated["context"]["consent"]["categoryPreferences"] == {
        "analytics": True,
        "advertising": False,
    }
    assert second["context"]["consent"]["categoryPreferences"]["advertising"] is False


def test_each_destination_gets_only_what_its_categories_allow(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, consent=CONSENT)
    tab.evaluate(DESTINATIONS)
    tab.evaluate("""async () => {
        await analytics.register(destination('Ads'), destination('Stats'));
        analytics.consent({analytics: true, advertising: false});
        await analytics.track('Compared');
    }""")
    assert tab.evaluate("window.got") == {"Ads": [], "Stats": ["Compared"]}
    assert received(1)[0]["event"] == "Compared"  # Segment.io has no categories here: it gets all


@pytest.mark.parametrize("gpc", [True, False], ids=["gpc-on", "gpc-off"])
def test_global_privacy_control_refuses_the_categories_the_site_names(
    context: BrowserContext, page: Page, site, write_key, received, gpc
):
    if gpc:
        page.add_init_script(
            "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
        )
    open_page(page, site, write_key, consent={**CONSENT, "gpc": ["advertising"]})
    page.evaluate(DESTINATIONS)
    page.evaluate("""async () => {
        await analytics.register(destination('Ads'));
        analytics.consent(true);  // the banner said yes to everything
        await analytics.track('With GPC Or Not');
    }""")
    [event] = received(1)
    consent = event["context"]["consent"]
    assert consent["categoryPreferences"]["advertising"] is (not gpc)
    assert consent.get("globalPrivacyControl") is (True if gpc else None)
    assert page.evaluate("window.got.Ads") == ([] if gpc else ["With GPC Or Not"])


def test_debug_mode_says_why_an_event_was_held_sent_or_kept_from_a_destination(
    page: Page, site, write_key, received
):
    messages: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        messages.append(message.text)

    page.on("console", heard)
    open_page(page, site, write_key, consent=CONSENT)
    page.evaluate(DESTINATIONS)
    page.evaluate("""async () => {
        analytics.debug(true);
        await analytics.register(destination('Ads'));
        analytics.track('Explained');
        analytics.consent({analytics: true, advertising: false});
    }""")
    received(1)
    page.wait_for_function("true")
    text = "\n".join(messages)
    assert 'track "Explained": held until the visitor decides on consent' in text
    assert 'track "Explained": sent now that the visitor consented' in text
    assert 'not for "Ads": its consent categories were refused' in text


def test_consent_given_on_the_snippets_stub_applies_before_the_first_page_view(
    page: Page, site, write_key, received, slow_bundle
):
    page.goto(
        page_url(site, write_key, "snippet_only.html?consent=1"), wait_until="domcontentloaded"
    )
    assert page.evaluate("Array.isArray(window.analytics)")
    page.evaluate("analytics.consent(true)")  # on the stub, after its page(): applied first at load
    page.wait_for_function("window.analytics.initialized === true")
    [view] = received(1)
    assert view["type"] == "page"
    assert view["context"]["consent"] == {"categoryPreferences": {"analytics": True}}


# -- Segment's consent wrapper, unmodified ---------------------------------------------------------------

WRAP = """async ([tools, settings, categories, model, plugins]) => {
    const { createWrapper } = await import(tools);
    window.categories = categories;
    const wrap = createWrapper({
        getCategories: async () => window.categories,
        integrationCategoryMappings: {Ads: ['Advertising'], Stats: ['Analytics']},
        shouldLoadSegment: ctx => model === 'abort' ? ctx.abort({loadSegmentNormally: false})
                                                    : ctx.load({consentModel: model}),
        shouldDisableSegment: () => model === 'disable',
        registerOnConsentChanged: change => { window.consentChanged = change },
    });
    %s
}"""

WITH_ANALYTICS_BROWSER = (
    WRAP
    % """
    window.analytics = new AnalyticsBrowser();
    wrap(window.analytics);
    const made = plugins.map(name => destination(name));
    await window.analytics.load({...settings, plugins: made});
    if (model === 'abort' || model === 'disable') return;
    await window.analytics.ready();"""
)

WITH_THE_SNIPPET = (
    WRAP
    % """
    wrap(window.analytics);                        // the snippet's stub, as Segment documents it
    plugins.forEach(name => window.analytics.register(destination(name)));
    await window.analytics.load(settings.writeKey, {apiHost: settings.apiHost, protocol: 'http'});
    if (model === 'abort' || model === 'disable') return;
    await new Promise(resolve => {
        const check = () => window.analytics.initialized ? resolve() : setTimeout(check, 10);
        check();
    });"""
)


def open_wrapped(
    tab: Page | Tab, site, write_key: str, tools: str, how: str, categories: dict, model: str
) -> Page | Tab:
    if how == "AnalyticsBrowser":
        tab.goto(page_url(site, write_key, "module.html"))
        tab.wait_for_function("window.moduleReady === true")
        settings = tab.evaluate("here")
        script = WITH_ANALYTICS_BROWSER
    else:
        tab.goto(page_url(site, write_key, "snippet_consent.html"))
        settings = {"writeKey": write_key, "apiHost": site.api_host}
        script = WITH_THE_SNIPPET
    tab.evaluate(DESTINATIONS)
    tab.evaluate(script, [tools, settings, categories, model, ["Ads", "Stats"]])
    return tab


HOW = ["AnalyticsBrowser", "snippet"]
ANALYTICS_ONLY = {"Analytics": True, "Advertising": False}


def loaded_plugins(tab: Page | Tab) -> set[str]:
    return set(
        tab.evaluate("""(window.analytics.instance || window.analytics).pipeline.plugins
            .map(plugin => plugin.name)""")
    )


def assert_only_analytics_got(tab: Page | Tab, received, name: str) -> None:
    """Segment gets the event stamped with the choice; of the destinations, only Stats does."""
    tab.evaluate("name => window.analytics.track(name)", name)
    [event] = received(1)
    assert event["context"]["consent"]["categoryPreferences"] == ANALYTICS_ONLY
    tab.wait_for_function("window.got.Stats.length === 1")
    assert tab.evaluate("window.got") == {"Ads": [], "Stats": [name]}


@pytest.mark.parametrize("how", HOW)
def test_wrapper_opt_in_loads_only_consented_destinations_and_stamps_events(
    tab: Tab, site, write_key, received, consent_tools, how
):
    open_wrapped(tab, site, write_key, consent_tools, how, ANALYTICS_ONLY, "opt-in")
    assert_only_analytics_got(tab, received, "Opted In")
    # Left out of the settings by the wrapper, so never loaded (as a device-mode destination).
    assert loaded_plugins(tab) >= {"Stats"} and "Ads" not in loaded_plugins(tab)


@pytest.mark.parametrize("how", HOW)
def test_wrapper_opt_out_loads_and_its_middleware_blocks_what_was_refused(
    tab: Tab, site, write_key, received, consent_tools, how
):
    open_wrapped(tab, site, write_key, consent_tools, how, ANALYTICS_ONLY, "opt-out")
    assert_only_analytics_got(tab, received, "Opted Out")
    # Loaded, as opt-out does; it is the wrapper's middleware that kept the event from it.
    assert loaded_plugins(tab) >= {"Stats", "Ads"}


@pytest.mark.parametrize("how", HOW)
def test_wrapper_opt_out_with_everything_refused_sends_nothing(
    tab: Tab, site, write_key, collector, received, consent_tools, how
):
    open_wrapped(
        tab,
        site,
        write_key,
        consent_tools,
        how,
        {"Analytics": False, "Advertising": False},
        "opt-out",
    )
    outcome = tab.evaluate(
        "window.analytics.track('Refused').then(() => 'sent', error => error.message)"
    )
    # The wrapper's middleware keeps the event from every destination by not passing it on.
    assert re.fullmatch(
        r'analytics-web: plugin "Source Middleware \w+" dropped the event: '
        r"Source Middleware \w+ did not pass the event on \(next was not called\)",
        outcome,
    ), outcome
    tab.evaluate("window.categories = {Analytics: true, Advertising: false}")
    tab.evaluate("window.analytics.track('After A Change Of Mind')")
    assert [e["event"] for e in received(1)] == ["After A Change Of Mind"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("model", ["abort", "disable"])
def test_wrapper_can_keep_segment_from_loading(
    page: Page, site, write_key, received, consent_tools, how, model
):
    wire = Wire(page)
    open_wrapped(page, site, write_key, consent_tools, how, {"Analytics": True}, model)
    page.evaluate("() => { window.analytics.track('Never Sent') }")  # buffered, never loaded
    send_marker(page, site.api_host, write_key)  # a wrongly loaded library would send first
    assert [event["event"] for event in received(1)] == ["Marker"]
    assert len(wire.requests) == 1  # the marker's


@pytest.mark.parametrize("how", HOW)
def test_wrapper_sends_consent_preference_updated_on_a_change(
    tab: Tab, site, write_key, received, consent_tools, how
):
    open_wrapped(tab, site, write_key, consent_tools, how, ANALYTICS_ONLY, "opt-in")
    # The consent manager's categories change, and it says so.
    tab.evaluate("""() => {
        window.categories = {Analytics: true, Advertising: true};
        window.consentChanged(window.categories);
    }""")
    [event] = received(1)
    assert event["event"] == "Segment Consent Preference Updated"
    assert event["context"]["consent"]["categoryPreferences"] == {
        "Analytics": True,
        "Advertising": True,
    }

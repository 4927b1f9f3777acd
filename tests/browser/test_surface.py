"""Segment's npm and snippet surfaces as sites use them: AnalyticsBrowser as analytics-next shapes
it, trackLink/trackForm with real clicks and submits, and the load options real sites pass."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request

from analytics_web import __version__
from analytics_web.collector import Fault
from tests.support.collector_client import stored_events
from tests.support.pages import call, open_page, page_url, send_marker
from tests.support.tabs import PlaywrightTab, Tab


def open_module(page: Page | Tab, site, write_key: str) -> Page | Tab:
    page.goto(page_url(site, write_key, "module.html"))
    page.wait_for_function("window.moduleReady === true")
    return page


# -- AnalyticsBrowser -----------------------------------------------------------------------------


def test_load_returns_at_once_an_object_that_takes_calls_and_is_a_promise_of_the_instance(
    tab: Tab, site, write_key, received
):
    open_module(tab, site, write_key)
    state = tab.evaluate("""async () => {
        const browser = AnalyticsBrowser.load(here);
        const tracked = browser.track('Taken At Once');         // before the instance is ready
        const [analytics, ctx] = await browser;
        await tracked;
        return {initialized: analytics.initialized, same: analytics === browser.instance,
                ctx: typeof ctx.id, chained: browser.debug(false) === browser,
                user: typeof (await browser.user()).anonymousId(), version: browser.VERSION};
    }""")
    assert state == {
        "initialized": True,
        "same": True,
        "ctx": "string",
        "chained": True,
        "user": "string",
        "version": __version__,
    }
    assert received(1)[0]["event"] == "Taken At Once"


def test_a_load_without_a_write_key_rejects_and_catch_hears_it(tab: Tab, site, write_key):
    open_module(tab, site, write_key)
    message = tab.evaluate("new AnalyticsBrowser().load({}).catch(error => error.message)")
    assert "writeKey" in message


def test_new_analytics_browser_keeps_calls_until_load_is_called(
    page: Page, site, write_key, collector, received
):
    open_module(page, site, write_key)
    sent: list[str] = []

    def heard(request: Request) -> None:
        if "/v1/" in request.url:
            sent.append(request.url)

    page.on("request", heard)
    page.evaluate("""() => {
        window.later = new AnalyticsBrowser();
        window.called = Date.now();
        later.identify('u-1', {plan: 'pro'});
        later.track('Before Load');
    }""")
    send_marker(page, site.api_host, write_key)  # the consent banner's time, say
    assert [event["event"] for event in received(1)] == ["Marker"]
    assert len(sent) == 1  # the marker alone: nothing left before load()
    page.evaluate("later.load(here)")
    _, identify, track = received(3)
    assert identify["type"] == "identify" and track["userId"] == "u-1"
    # Each event carries the time of its call, not of load().
    called = page.evaluate("window.called")
    assert abs(_millis(track["timestamp"]) - called) < 250


def test_standalone_resolves_to_the_instance(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    tab.evaluate("""async () => {
        const analytics = await AnalyticsBrowser.standalone(here.writeKey, {apiHost: here.apiHost, protocol: 'http'});
        await analytics.track('From Standalone');
    }""")
    assert received(1)[0]["event"] == "From Standalone"


def test_plugins_in_the_settings_are_loaded_before_the_first_event(
    tab: Tab, site, write_key, received
):
    open_module(tab, site, write_key)
    tab.evaluate("""async () => {
        const plan = {name: 'Plan', type: 'enrichment', version: '1.0.0', isLoaded: () => true,
            load: () => new Promise(resolve => setTimeout(resolve, 50)),
            page: ctx => { ctx.updateEvent('context.plan', 'pro'); return ctx }};
        const [analytics] = await AnalyticsBrowser.load({...here, plugins: [plan]}, {initialPageview: true});
    }""")
    [view] = received(1)
    assert view["type"] == "page" and view["context"]["plan"] == "pro"


def test_initialize_and_register_are_emitted(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    heard = tab.evaluate("""async () => {
        const heard = [];
        const browser = new AnalyticsBrowser();
        browser.on('initialize', settings => heard.push(['initialize', settings.writeKey]));
        browser.on('register', names => heard.push(['register', names]));
        browser.load(here);
        const [analytics] = await browser;
        await analytics.register({name: 'Quiet', type: 'utility', version: '1', isLoaded: () => true, load() {}});
        return heard;
    }""")
    assert heard == [["initialize", write_key], ["register", ["Quiet"]]]


def test_initial_pageview_makes_exactly_one_landing_view(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    tab.evaluate(
        "AnalyticsBrowser.load(here, {initialPageview: true}).then(([a]) => a.track('Marker'))"
    )
    # The landing view waits for the page to settle (a redirect, its title) but has its time,
    # and what the page tracks meanwhile goes behind it, as in analytics-next.
    view, marker = received(2)
    assert (view["type"], marker["event"]) == ("page", "Marker")
    assert view["timestamp"] <= marker["timestamp"]


def test_calls_made_before_load_go_behind_the_landing_view(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    tab.evaluate("""() => {
        const browser = new AnalyticsBrowser();
        browser.track('Before Load');
        browser.load(here, {initialPageview: true});
    }""")
    assert [event["type"] for event in received(2)] == ["page", "track"]


# -- trackLink / trackForm --------------------------------------------------------------------------


def open_links(page: Page | Tab, site, write_key: str, **options) -> Page | Tab:
    open_page(page, site, write_key, "links.html", **options)
    return page


def test_a_tracked_link_navigates_once_its_event_is_safe(
    tab: Tab, site, write_key, collector, received
):
    open_links(tab, site, write_key)
    tab.evaluate(
        "analytics.trackLink(document.getElementById('buy'), 'Buy Clicked', {plan: 'pro'})"
    )
    tab.click("#buy")
    tab.wait_for_url("**/blank.html?from=buy")
    # Acknowledged before the navigation: already stored when the next page is there.
    assert [event["event"] for event in stored_events(collector, write_key)] == ["Buy Clicked"]
    assert received(1)[0]["properties"] == {"plan": "pro"}


def test_a_tracked_link_waits_at_most_the_timeout_for_a_slow_api(
    tab: Tab, site, write_key, collector, received
):
    collector.inject(Fault(delay=3, write_key=write_key))
    open_links(tab, site, write_key)
    tab.evaluate("""async () => {
        // Resolved once the link is tracked (its feature file fetched), so the click is heard.
        await analytics.trackLink(document.getElementById('buy'), 'Buy Clicked');
        // From the click to the page starting to go, in the page's own time.
        addEventListener('click', () => { sessionStorage.clicked = Date.now() }, true);
        addEventListener('pagehide', () => { sessionStorage.left = Date.now() });
    }""")
    tab.click("#buy")
    tab.wait_for_url("**/blank.html?from=buy")
    waited = tab.evaluate("sessionStorage.left - sessionStorage.clicked")
    # The API answers after 3 s; the visitor waits the 300 ms timeout (and the browser's own
    # time to start navigating), never the API.
    assert waited < 1500, f"the visitor waited {waited} ms"
    assert received(1, timeout=10)[0]["event"] == "Buy Clicked"  # the event still arrives


@pytest.mark.parametrize("how", ["modifier", "new-tab"])
def test_a_click_that_opens_elsewhere_is_tracked_and_not_delayed(
    context: BrowserContext, page: Page, site, write_key, received, how
):
    open_links(page, site, write_key)
    page.evaluate(
        "analytics.trackLink(document.querySelectorAll('a.tracked'), link => 'Clicked ' + link.id)"
    )
    with context.expect_page() as opened:
        if how == "modifier":
            page.click("#buy", modifiers=["ControlOrMeta"])
        else:
            page.click("#docs")
    opened.value.close()
    assert [e["event"] for e in received(1)] == [
        "Clicked " + ("buy" if how == "modifier" else "docs")
    ]
    assert page.url.endswith("links.html?key=" + write_key)  # this page stayed where it was


def test_event_and_properties_may_be_functions_of_the_element_in_a_jquery_like_list(
    page: Page, site, write_key, received
):
    open_links(page, site, write_key)
    page.evaluate("""analytics.trackClick({toArray: () => [document.getElementById('anchor')]},
        link => 'Opened ' + link.textContent, link => ({href: link.getAttribute('href')}))""")
    page.click("#anchor")
    page.wait_for_url("**#faq", timeout=100)  # a fragment of this page: not delayed
    [event] = received(1)
    assert (event["event"], event["properties"]) == ("Opened FAQ", {"href": "#faq"})


def test_a_tracked_form_submits_once_its_event_is_safe(
    tab: Tab, site, write_key, collector, received
):
    open_links(tab, site, write_key)
    tab.evaluate("""analytics.trackForm(document.getElementById('signup'), 'Signed Up',
        form => ({email: form.elements.email.value}))""")
    tab.click("#send")
    tab.wait_for_url("**/blank.html?email=ada%40example.com**")
    assert len(collector.store.events(write_key=write_key)) == 1  # stored before the submit
    assert received(1)[0]["properties"] == {"email": "ada@example.com"}


def test_a_tracked_form_still_submits_when_tracking_fails(tab: Tab, site, write_key):
    open_links(tab, site, write_key)
    tab.evaluate("analytics.trackSubmit(document.getElementById('signup'), '')")  # an invalid event
    tab.click("#send")
    tab.wait_for_url("**/blank.html?email=**")


def test_track_link_on_the_snippets_stub_works_once_the_bundle_arrives(
    page: Page, site, write_key, received, slow_bundle
):
    page.goto(f"{site.url}/snippet_only.html?key={write_key}", wait_until="domcontentloaded")
    on_stub = page.evaluate("""() => {
        const link = document.createElement('a');
        link.id = 'stubbed'; link.href = '/blank.html?from=stub'; link.textContent = 'go';
        document.body.append(link);
        analytics.trackLink(link, 'Stub Link Clicked');
        return Array.isArray(window.analytics);
    }""")
    assert on_stub, "the bundle came before the call"
    page.wait_for_function("window.analytics.initialized === true")
    assert received(1)[0]["type"] == "page"  # the snippet's page(), in a request of its own
    page.click("#stubbed")
    page.wait_for_url("**/blank.html?from=stub")
    assert received(2)[1]["event"] == "Stub Link Clicked"


# -- load options ----------------------------------------------------------------------------------


def stored_state(tab: Tab) -> dict:
    return {
        "cookies": sorted(cookie["name"] for cookie in tab.cookies()),
        "localStorage": tab.evaluate("Object.keys(localStorage).sort()"),
    }


@pytest.mark.parametrize(
    "disable",
    ["true", "() => true", "() => new Promise(resolve => setTimeout(() => resolve(true), 50))"],
    ids=["true", "function", "async-function"],
)
def test_disable_sends_nothing_and_stores_nothing(
    page: Page, browser_name: str, site, write_key, collector, disable
):
    open_module(page, site, write_key)
    attempts: list[str] = []
    page.on(
        "request", lambda request: attempts.append(request.url) if "/v1/" in request.url else None
    )
    outcome = page.evaluate(f"""async () => {{
        const [analytics] = await AnalyticsBrowser.load(here, {{disable: {disable}}});
        await analytics.identify('u-1', {{email: 'a@x.example'}});
        await analytics.track('Nothing');
        return analytics.user().id();
    }}""")
    assert outcome == "u-1"  # the API works, in memory
    assert stored_state(PlaywrightTab(page, browser_name)) == {"cookies": [], "localStorage": []}
    assert attempts == []


def test_disable_answering_false_loads_as_usual(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    tab.evaluate("""AnalyticsBrowser.load(here, {
        disable: settings => !settings.integrations['Segment.io'].apiKey,
    }).then(([a]) => a.track('Sent'))""")
    assert received(1)[0]["event"] == "Sent"


def test_a_global_analytics_key_puts_snippet_and_bundle_under_another_name(
    tab: Tab, site, write_key, received
):
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&global=myAnalytics")
    tab.wait_for_function("window.myAnalytics && window.myAnalytics.initialized === true")
    assert tab.evaluate("window.analytics") == "another library's"
    assert received(1)[0]["type"] == "page"  # the snippet's page(), in a request of its own
    tab.evaluate("myAnalytics.track('Under Another Name')")
    assert received(2)[1]["event"] == "Under Another Name"


def test_user_and_group_storage_keys_and_a_user_kept_in_memory(tab: Tab, site, write_key, received):
    open_page(
        tab,
        site,
        write_key,
        user={"cookie": {"key": "my_uid"}, "localStorage": {"key": "my_traits"}},
        group={"persist": False},
    )
    call(tab, "analytics.identify('u-9', {plan: 'pro'})")
    call(tab, "analytics.group('g-9', {name: 'Acme'})")
    state = stored_state(tab)
    assert "my_uid" in state["cookies"] and "ajs_user_id" not in state["cookies"]
    assert {"my_uid", "my_traits"} <= set(state["localStorage"])
    assert "ajs_group_id" not in state["cookies"] + state["localStorage"]
    assert tab.evaluate("analytics.group().id()") == "g-9"
    received(2)


def test_a_user_id_analytics_js_1_kept_under_its_old_key_is_adopted(
    tab: Tab, site, write_key, received
):
    tab.goto(f"{site.url}/blank.html")
    tab.evaluate(
        """document.cookie = 'ajs_user=' + encodeURIComponent('{"id":"legacy-1"}') + '; path=/'"""
    )
    open_page(tab, site, write_key)
    call(tab, "analytics.track('Returning')")
    assert received(1)[0]["userId"] == "legacy-1"
    assert "ajs_user" not in [cookie["name"] for cookie in tab.cookies()]


def test_an_id_found_in_one_store_is_written_to_the_others(tab: Tab, site, write_key, received):
    tab.goto(f"{site.url}/blank.html")
    tab.evaluate(
        "localStorage.setItem('ajs_anonymous_id', JSON.stringify('known-visitor'))"
    )  # no cookie
    open_page(tab, site, write_key)
    call(tab, "analytics.identify('u-1')")
    cookies = {cookie["name"]: cookie["value"] for cookie in tab.cookies()}
    assert cookies["ajs_anonymous_id"] == "known-visitor" and cookies["ajs_user_id"] == "u-1"
    assert received(1)[0]["anonymousId"] == "known-visitor"


@pytest.mark.parametrize(
    ("query", "taken"),
    [("ajs_aid=abc&ajs_uid=ok-1", True), ("ajs_aid=ABC-1&ajs_uid=bad%20id", False)],
)
def test_use_query_string_patterns_decide_which_ids_are_taken(
    tab: Tab, site, write_key, received, query, taken
):
    tab.goto(page_url(site, write_key, f"module.html?{query}"))
    tab.wait_for_function("window.moduleReady === true")
    tab.evaluate(
        "AnalyticsBrowser.load(here, {useQueryString: {aid: /^[a-z]+$/, uid: /^[a-z]+-[0-9]$/}}).then(([a]) => a.track('Marker'))"
    )
    events = received(2 if taken else 1)
    marker = events[-1]
    assert (marker["anonymousId"] == "abc" and marker["userId"] == "ok-1") is taken


def test_retry_queue_off_drops_a_failed_event_and_keeps_nothing(
    tab: Tab, site, write_key, collector
):
    collector.inject(Fault(status=503, write_key=write_key))
    open_page(tab, site, write_key, retryQueue=False)
    outcome = tab.evaluate(
        "analytics.track('Once Only').then(() => 'sent', error => error.message)"
    )
    assert "retryQueue is off" in outcome
    assert tab.evaluate("Object.keys(localStorage).filter(key => key.startsWith('aw_queue'))") == []
    assert [r["status"] for r in collector.store.requests(write_key=write_key)] == [503]


def test_high_entropy_client_hints_join_the_user_agent_data(tab: Tab, site, write_key, received):
    open_page(
        tab, site, write_key, highEntropyValuesClientHints=["architecture", "platformVersion"]
    )
    call(tab, "analytics.track('With Hints')")
    context = received(1)[0]["context"]
    if tab.evaluate("'userAgentData' in navigator"):  # Chromium has client hints, Firefox none
        assert {"architecture", "platformVersion", "brands"} <= set(context["userAgentData"])
    else:
        assert "userAgentData" not in context


def test_update_cdn_settings_sees_and_changes_the_settings(tab: Tab, site, write_key, received):
    open_module(tab, site, write_key)
    seen = tab.evaluate("""async () => {
        let seen = null;
        const [analytics] = await AnalyticsBrowser.load({...here, apiHost: 'nowhere.invalid/v1'}, {
            updateCDNSettings: settings => {
                seen = JSON.parse(JSON.stringify(settings));
                settings.integrations['Segment.io'].apiHost = here.apiHost;  // fixed here
                return settings;
            }});
        await analytics.track('Through Updated Settings');
        return [seen, analytics.settings.cdnSettings.integrations['Segment.io'].apiHost];
    }""")
    assert seen[0]["integrations"]["Segment.io"]["apiKey"] == write_key
    assert seen[1] == tab.evaluate("here.apiHost")
    assert received(1)[0]["event"] == "Through Updated Settings"


def test_options_without_effect_are_named_on_the_console(page: Page, site, write_key):
    warnings: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", heard)
    open_page(page, site, write_key, obfuscate=True, plan={"track": {}})
    assert any("load options without effect here: obfuscate, plan" in text for text in warnings)


def _millis(timestamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000


# -- device-mode destinations: a destination plugin in their place -----------------------------------


def test_the_readmes_gtag_destination_sends_events_on_to_gtag(
    page: Page, site, write_key, received
):
    open_page(page, site, write_key)
    sent = page.evaluate("""async () => {
        window.dataLayer = [];
        window.gtag = function () { dataLayer.push(Array.from(arguments)); };
        const { gtagDestination } = await import('/examples/gtag-destination.js');
        await analytics.register(gtagDestination());
        await analytics.identify('u-1');
        await analytics.page('Pricing');
        await analytics.track('Plan Chosen', {plan: 'pro'});
        return dataLayer;
    }""")
    assert sent[0] == ["set", {"user_id": "u-1"}]
    assert sent[1][:2] == ["event", "page_view"] and sent[1][2]["page_title"] == page.title()
    assert sent[2] == ["event", "plan_chosen", {"plan": "pro"}]
    assert len(received(3)) == 3  # Segment.io delivered them all the same


# -- the rest of analytics-next's Analytics members ----------------------------------------------------


def test_analytics_js_1_leftovers_do_nothing_and_say_so(page: Page, site, write_key):
    warnings: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", heard)
    open_page(page, site, write_key)
    same = page.evaluate(
        "analytics.addIntegrationMiddleware(() => {}) === analytics && analytics.log('x') === analytics"
    )
    assert same
    assert any(
        "addIntegrationMiddleware() is an Analytics.js 1 method" in text for text in warnings
    )


def test_push_use_query_string_pageview_and_version(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    state = tab.evaluate("""async () => {
        let used = null;
        analytics.use(instance => { used = instance === analytics });
        await analytics.push(['track', 'Pushed', {via: 'push'}]);
        const made = await analytics.queryString('?ajs_event=From%20Query&ajs_prop_plan=pro');
        await analytics.pageview('/legacy-path');
        return {used, made: made.length, version: analytics.VERSION, failed: analytics.failedInitializations};
    }""")
    assert state == {"used": True, "made": 1, "version": __version__, "failed": []}
    pushed, query, view = received(3)
    assert (pushed["event"], pushed["properties"]) == ("Pushed", {"via": "push"})
    assert (query["event"], query["properties"]) == ("From Query", {"plan": "pro"})
    assert view["type"] == "page" and view["properties"]["path"] == "/legacy-path"


def test_a_destination_that_fails_to_load_is_named_in_failed_initializations(
    tab: Tab, site, write_key, received
):
    open_page(tab, site, write_key)
    failed = tab.evaluate("""async () => {
        await analytics.register({name: 'Broken CDN Pixel', type: 'destination', version: '1',
            isLoaded: () => false, load: () => Promise.reject(new Error('blocked'))});
        await analytics.track('Still Sent');
        return analytics.failedInitializations;
    }""")
    assert failed == ["Broken CDN Pixel"]
    assert received(1)[0]["event"] == "Still Sent"


# -- trackLink on what sites track: a card wrapping its link, an SVG link -----------------------


@pytest.mark.parametrize(
    ("element", "clicked", "target"),
    [
        ("#card", "#card h2", "card"),  # a card: the click lands beside its link
        ("#card", "#card a", "card"),
        ("#svg-link", "#svg-link rect", "svg"),
        ("#xlink", "#xlink rect", "xlink"),
        ("#scripted", "#scripted rect", "scripted"),
    ],
    ids=["card", "card-link", "svg-href", "svg-xlink-href", "svg-drawn-by-script"],
)
def test_a_tracked_card_or_svg_link_leads_where_its_link_does(
    tab: Tab, site, write_key, received, element, clicked, target
):
    """As analytics-next: the element's href (an SVG link's xlink:href too), or the first link
    inside it, is where the page goes once the event is safe."""
    open_page(tab, site, write_key, "links.html")
    # Long enough that the page leaves once the event is acknowledged, not at the timeout.
    tab.evaluate("analytics.timeout(5000)")
    tab.evaluate(f"analytics.trackLink(document.querySelector('{element}'), 'Card Clicked')")
    tab.click(clicked)
    tab.wait_for_url(f"**/blank.html?from={target}")
    assert [event["event"] for event in received(1)] == ["Card Clicked"]


def test_a_tracked_link_still_leads_when_its_event_is_refused(tab: Tab, site, write_key):
    open_page(tab, site, write_key, "links.html")
    tab.evaluate("analytics.trackLink(document.querySelector('#card'), () => { throw 0 })")
    tab.click("#card h2")
    tab.wait_for_url("**/blank.html?from=card")


def test_track_link_and_form_refuse_what_is_no_element_with_a_type_error(tab: Tab, site, write_key):
    open_page(tab, site, write_key, "links.html")
    refused = tab.evaluate("""async () => {
        const kind = (promise) => promise.then(() => 'resolved', error => error.constructor.name);
        return [await kind(analytics.trackForm('not-an-element', 'X')),
                await kind(analytics.trackLink('a.buy', 'X'))];
    }""")
    assert refused == ["TypeError", "TypeError"]


# -- AnalyticsBrowser as analytics-next's: instances, and the settings handed back --------------


def test_analytics_browser_objects_are_instances_of_it(tab: Tab, site, write_key):
    tab.goto(page_url(site, write_key, "module.html"))
    tab.wait_for_function("window.moduleReady === true")
    seen = tab.evaluate("""async () => {
        const loaded = AnalyticsBrowser.load(here);
        const later = new AnalyticsBrowser();
        const chained = [loaded.on('track', () => {}), loaded.once('page', () => {}),
                         loaded.off('track', () => {}), loaded.debug(false)];
        const [analytics, ctx] = await loaded;
        return {loaded: loaded instanceof AnalyticsBrowser, later: later instanceof AnalyticsBrowser,
                chained: chained.every(value => value instanceof AnalyticsBrowser),
                instance: !(analytics instanceof AnalyticsBrowser) && !(analytics instanceof Function)};
    }""")
    assert seen == {"loaded": True, "later": True, "chained": True, "instance": True}


def test_disable_gets_the_cdn_settings_object_the_site_gave(tab: Tab, site, write_key):
    tab.goto(page_url(site, write_key, "module.html"))
    tab.wait_for_function("window.moduleReady === true")
    same = tab.evaluate("""async () => {
        const cdnSettings = {integrations: {'Segment.io': {apiKey: here.writeKey}}, custom: 1};
        let given;
        await AnalyticsBrowser.load({...here, cdnSettings},
                                    {disable: (settings) => { given = settings; return true }});
        return given === cdnSettings;
    }""")
    assert same is True

"""Plugins and middleware, as analytics-next has them: each plugin type doing its job, both
middleware kinds, destinations isolated from each other, and what a site registers on the
snippet's stub taking effect for the first page view."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.support.pages import call, open_page
from tests.support.tabs import Tab

# A plugin in analytics-next's shape, made in the page: plugin(name, type, methods).
PLUGIN = """window.plugin = (name, type, methods) => Object.assign(
    {name, type, version: '1.0.0', isLoaded: () => true, load: () => Promise.resolve()}, methods)"""


@pytest.fixture
def loaded(page: Page, site, write_key) -> Page:
    open_page(page, site, write_key)
    page.evaluate(PLUGIN)
    return page


@pytest.fixture
def loaded_tab(tab: Tab, site, write_key) -> Tab:
    """The page with ``plugin()`` defined, in each engine."""
    open_page(tab, site, write_key)
    tab.evaluate(PLUGIN)
    return tab


def test_an_enrichment_plugin_adds_to_every_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""analytics.register(plugin('Plan', 'enrichment', {
        track: ctx => { ctx.updateEvent('properties.plan', 'pro'); return ctx },
        page: ctx => { ctx.updateEvent('properties.plan', 'pro'); return ctx },
    }))""")
    call(loaded_tab, "analytics.track('Clicked', {button: 'buy'})")
    call(loaded_tab, "analytics.page('Pricing')")
    track, page = received(2)
    assert track["properties"] == {"button": "buy", "plan": "pro"}
    assert page["properties"]["plan"] == "pro" and page["properties"]["name"] == "Pricing"


# What each event of a call gets that differs from call to call, whatever the plugins.
PER_CALL = {"messageId", "timestamp", "originalTimestamp", "sentAt", "receivedAt"}


def test_a_plugin_that_changes_nothing_leaves_the_events_as_they_were(loaded_tab: Tab, received):
    # Without plugins of the site's own an event goes straight to Segment.io within the call;
    # with one it takes the pipeline's way. Both ways must give the same event.
    calls = (
        "analytics.identify('user-7', {plan: 'pro'})",
        "analytics.track('Clicked', {button: 'buy'}, {context: {ip: '0.0.0.0'}})",
        "analytics.page('Docs', 'Install', {step: 2})",
        "analytics.group('team-1', {seats: 3})",
    )
    for made in calls:
        call(loaded_tab, made)
    loaded_tab.evaluate("analytics.register(plugin('Watcher', 'after', {track: ctx => ctx}))")
    for made in calls:
        call(loaded_tab, made)
    events = received(2 * len(calls))
    direct, through_plugins = events[: len(calls)], events[len(calls) :]
    assert direct[0]["context"].pop("sessionStart") is True  # the visit's first event, alone
    for before, after in zip(direct, through_plugins, strict=True):
        assert {k: v for k, v in before.items() if k not in PER_CALL} == {
            k: v for k, v in after.items() if k not in PER_CALL
        }


def test_a_before_plugin_that_cancels_drops_that_event_and_says_why(loaded_tab: Tab, received):
    loaded_tab.evaluate("""analytics.register(plugin('No Tests', 'before', {
        track: ctx => { if (ctx.event.event === 'Test') ctx.cancel(new Error('test traffic')); return ctx },
    }))""")
    outcome = loaded_tab.evaluate(
        "analytics.track('Test').then(() => 'sent', error => error.message)"
    )
    call(loaded_tab, "analytics.track('Real')")
    assert 'plugin "No Tests" dropped the event: test traffic' in outcome
    assert [event["event"] for event in received(1)] == ["Real"]


def test_a_before_plugin_that_throws_drops_only_that_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""analytics.register(plugin('Broken', 'before', {
        track: ctx => { if (ctx.event.event === 'Bad') throw new TypeError('oops'); return ctx },
    }))""")
    outcome = loaded_tab.evaluate(
        "analytics.track('Bad').then(() => 'sent', error => error.message)"
    )
    call(loaded_tab, "analytics.track('Good')")
    assert "oops" in outcome
    assert [event["event"] for event in received(1)] == ["Good"]


def test_an_enrichment_plugin_that_throws_is_skipped_with_a_warning(loaded: Page, received):
    warnings: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    loaded.on("console", heard)
    loaded.evaluate("""analytics.register(plugin('Flaky', 'enrichment', {
        track: ctx => { throw new Error('no plan today') },
    }))""")
    call(loaded, "analytics.track('Still Sent')")
    assert received(1)[0]["event"] == "Still Sent"
    assert any('enrichment plugin "Flaky" failed and was skipped' in text for text in warnings)


def test_a_destination_gets_its_own_copy_and_a_throwing_one_affects_nothing(
    loaded_tab: Tab, received
):
    loaded_tab.evaluate("""() => {
        window.forwarded = [];
        analytics.register(
            plugin('Warehouse Mirror', 'destination', {
                track: ctx => { ctx.event.properties.mirrored = true; window.forwarded.push(ctx.event.event); return ctx },
            }),
            plugin('Broken Pixel', 'destination', {track: ctx => { throw new Error('pixel down') }}),
            plugin('Rejecting Pixel', 'destination', {track: ctx => Promise.reject(new Error('no'))}),
        );
    }""")
    ctx = call(loaded_tab, "analytics.track('Bought', {sku: 'A-1'})")
    [event] = received(1)
    assert event["properties"] == {"sku": "A-1"}  # what Warehouse Mirror did stays in its copy
    assert ctx["properties"] == {"sku": "A-1"}
    assert loaded_tab.evaluate("window.forwarded") == ["Bought"]


def test_a_destination_still_loading_holds_back_nothing_and_gets_what_it_missed(
    loaded_tab: Tab, received
):
    """A destination's load waits on a third party, an SDK an ad blocker stopped, say, which
    may never answer. Segment.io and the page's calls go on meanwhile; a destination that
    loads late then gets the events it missed, in order, before the next ones."""
    seen = loaded_tab.evaluate("""async () => {
        const got = [];
        let finish;
        const bounded = (promise) => Promise.race(
            [promise.then(() => 'settled'), new Promise(r => setTimeout(() => r('pending'), 2000))]);
        const registering = bounded(analytics.register(
            plugin('Never Loads', 'destination', {load: () => new Promise(() => {})})));
        analytics.register(plugin('Loads Late', 'destination', {
            load: () => new Promise(resolve => { finish = resolve }),
            track: ctx => { got.push(ctx.event.event); return ctx },
        }));
        const calls = [await bounded(analytics.track('First')), await bounded(analytics.track('Second'))];
        const beforeLoad = got.slice();
        finish();
        calls.push(await bounded(analytics.track('Third')));
        return {registered: await registering, calls, beforeLoad, got};
    }""")
    assert seen == {
        "registered": "settled",  # register() does not wait for a destination's load either
        "calls": ["settled", "settled", "settled"],
        "beforeLoad": [],
        "got": ["First", "Second", "Third"],
    }
    assert [event["event"] for event in received(3)] == ["First", "Second", "Third"]


def test_ready_waits_for_each_plugins_own_ready(loaded_tab: Tab):
    """A destination says with ready() when its SDK is there, so that code in
    analytics.ready() can use it; one whose ready() fails holds nothing up."""
    order = loaded_tab.evaluate("""async () => {
        const order = [];
        let sdkArrives;
        await analytics.register(
            plugin('Widget', 'destination', {ready: () => new Promise(resolve => {
                sdkArrives = () => { order.push('sdk ready'); resolve() } })}),
            plugin('Broken Widget', 'destination', {ready: () => Promise.reject(new Error('no sdk'))}));
        const waiting = analytics.ready(() => order.push('ready callback'));
        await new Promise(resolve => setTimeout(resolve, 0));  // a task for ready() to run in
        order.push('before the sdk');
        sdkArrives();
        await waiting;
        return order;
    }""")
    assert order == ["before the sdk", "sdk ready", "ready callback"]


def test_ready_does_not_wait_for_a_destination_that_never_loads(tab: Tab, site, write_key):
    """A destination registered before load (on the snippet's stub, or in the load options)
    whose SDK an ad blocker stopped never finishes loading: the page's analytics.ready() code
    runs all the same, as with analytics-next."""
    tab.goto(f"{site.url}/deferred.html")
    outcome = tab.evaluate(
        """async ([key, host]) => {
            analytics.register({name: 'Blocked SDK', type: 'destination', version: '1',
                isLoaded: () => false, load: () => new Promise(() => {}), track: ctx => ctx});
            analytics.load(key, {apiHost: host, protocol: 'http'});
            const ran = new Promise(resolve => analytics.ready(() => resolve('ran')));
            const late = new Promise(resolve => setTimeout(() => resolve('never ran'), 5000));
            return Promise.race([ran, late]);
        }""",
        [write_key, site.api_host],
    )
    assert outcome == "ran"


def test_after_plugins_run_once_the_destinations_have_the_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""() => {
        window.order = [];
        analytics.register(
            plugin('Last', 'after', {track: ctx => { window.order.push('after') }}),
            plugin('Mirror', 'destination', {track: async ctx => { await null; window.order.push('destination'); return ctx }}),
        );
    }""")
    call(loaded_tab, "analytics.track('Ordered')")
    assert loaded_tab.evaluate("window.order") == ["destination", "after"]


def test_a_utility_plugin_is_loaded_and_never_called_per_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""() => {
        window.utility = {loaded_tab: 0, called: 0};
        return analytics.register({name: 'Timer', type: 'utility', version: '1.0.0', isLoaded: () => true,
            load: (ctx, instance) => { window.utility.loaded_tab += 1; window.utility.sameInstance = instance === analytics },
            track: ctx => { window.utility.called += 1; return ctx }});
    }""")
    call(loaded_tab, "analytics.track('A')")
    assert loaded_tab.evaluate("window.utility") == {
        "loaded_tab": 1,
        "called": 0,
        "sameInstance": True,
    }


def test_destinations_honour_integrations_per_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""() => {
        window.got = [];
        analytics.register(plugin('Mixpanel', 'destination', {track: ctx => { window.got.push(ctx.event.event); return ctx }}));
    }""")
    call(loaded_tab, "analytics.track('Everywhere')")
    call(loaded_tab, "analytics.track('Nowhere Else', {}, {integrations: {All: false}})")
    call(loaded_tab, "analytics.track('Not Mixpanel', {}, {integrations: {Mixpanel: false}})")
    call(
        loaded_tab,
        "analytics.track('Only Mixpanel', {}, {integrations: {All: false, Mixpanel: true}})",
    )
    assert loaded_tab.evaluate("window.got") == ["Everywhere", "Only Mixpanel"]
    # Segment.io is not switched off by All: false, as in analytics-next.
    assert len(received(4)) == 4


def test_register_waits_for_load_and_deregister_calls_unload(loaded_tab: Tab, received):
    state = loaded_tab.evaluate("""async () => {
        const log = [];
        const slow = plugin('Slow', 'enrichment', {
            load: () => new Promise(resolve => setTimeout(() => { log.push('loaded_tab'); resolve() }, 100)),
            unload: () => { log.push('unloaded') },
            track: ctx => { ctx.updateEvent('context.slow', true); return ctx },
        });
        const registering = analytics.register(slow);
        const sent = analytics.track('Made While Loading');  // waits for the plugin to load
        await registering;
        log.push('registered');
        await sent;
        await analytics.deregister('Slow');
        await analytics.track('After Deregister');
        return log;
    }""")
    assert state == ["loaded_tab", "registered", "unloaded"]
    during, after = received(2)
    assert during["context"]["slow"] is True and "slow" not in after["context"]


def test_a_plugin_whose_load_never_finishes_holds_events_only_a_while(loaded_tab: Tab, received):
    """An enrichment whose load() waits on a third party that never answers (its script
    stopped by an ad blocker): events wait for it a while, then go through it as it is, as
    analytics-next runs it, rather than wait until the visitor leaves and be lost."""
    got = loaded_tab.evaluate("""async () => {
        const started = performance.now();
        const registering = analytics.register(plugin('Stuck', 'enrichment', {
            load: () => new Promise(() => {}),
            track: ctx => { ctx.updateEvent('context.stuck', true); return ctx },
        }));
        const gaveUp = new Promise(resolve => setTimeout(() => resolve(null), 25000));
        const ctx = await Promise.race([analytics.track('Past A Stuck Plugin'), gaveUp]);
        const now = new Promise(resolve => setTimeout(() => resolve('loading'), 0));
        const registered = await Promise.race([registering.then(() => 'registered'), now]);
        return {settled: ctx !== null, waitedMs: performance.now() - started, registered};
    }""")
    assert got["settled"], "the call still waits on the plugin's load()"
    assert got["waitedMs"] >= 10_000  # the load had its time
    assert got["registered"] == "loading"  # register() waits for the load, as analytics-next's
    [event] = received(1)
    assert event["context"]["stuck"] is True  # through the plugin, not around it


def test_a_plugin_without_a_type_is_refused_clearly(loaded_tab: Tab):
    message = loaded_tab.evaluate(
        "analytics.register({name: 'Odd', load() {}}).then(() => 'ok', e => e.message)"
    )
    assert "register(): " in message and "has type" in message


def test_an_async_source_middleware_strips_pii_before_the_request(
    loaded_tab: Tab, received, collector, write_key
):
    loaded_tab.evaluate("""analytics.addSourceMiddleware(async ({payload, next}) => {
        await new Promise(resolve => setTimeout(resolve, 10));
        delete payload.obj.traits.email;
        next(payload);
    })""")
    call(loaded_tab, "analytics.identify('u-1', {email: 'ada@example.com', plan: 'pro'})")
    [event] = received(1)
    assert event["traits"] == {"plan": "pro"}
    body = collector.store.requests(write_key=write_key)
    assert body and "ada@example.com" not in str(collector.store.events(write_key=write_key))


def test_before_plugins_run_ahead_of_enrichment_whenever_they_were_added(loaded_tab: Tab, received):
    """As in analytics-next, every before plugin (source middleware is one) sees the event
    before any enrichment: a PII filter added after an enrichment that copies traits still
    filters what the enrichment copies."""
    loaded_tab.evaluate("""() => {
        analytics.register(plugin('Contact', 'enrichment', {identify: ctx => {
            ctx.updateEvent('context.contact', ctx.event.traits.email || 'none'); return ctx }}));
        analytics.addSourceMiddleware(({payload, next}) => {
            delete payload.obj.traits.email; next(payload) });
    }""")
    call(loaded_tab, "analytics.identify('u-1', {email: 'ada@example.com', plan: 'pro'})")
    [event] = received(1)
    assert [event["traits"], event["context"]["contact"]] == [{"plan": "pro"}, "none"]


def test_middleware_written_for_analytics_next_reads_the_payload_as_a_facade(
    loaded_tab: Tab, received
):
    """Session replay guides (Mixpanel's, Amplitude's) add their id with a source middleware
    that asks payload.type(); the payload answers what analytics-next's facade does."""
    loaded_tab.evaluate("""() => {
        window.read = [];
        analytics.addSourceMiddleware(({payload, next}) => {
            if (payload.type() === 'track' || payload.type() === 'page') {
                payload.obj.properties = {...payload.obj.properties, replayId: 'r-1'};
            }
            read.push([payload.type(), payload.event() || null, payload.properties(),
                       payload.traits(), payload.userId()]);
            next(payload);
        });
    }""")
    call(loaded_tab, "analytics.identify('u-1', {plan: 'pro'})")
    call(loaded_tab, "analytics.track('Played', {seconds: 3})")
    identify, track = received(2)
    assert "replayId" not in identify.get("properties", {})
    assert track["properties"] == {"seconds": 3, "replayId": "r-1"}
    assert loaded_tab.evaluate("read") == [
        ["identify", None, {}, {"plan": "pro"}, "u-1"],
        ["track", "Played", {"seconds": 3, "replayId": "r-1"}, {}, "u-1"],
    ]


def test_a_source_middleware_that_does_not_call_next_drops_the_event(loaded_tab: Tab, received):
    loaded_tab.evaluate("""analytics.addSourceMiddleware(({payload, next}) => {
        if (payload.obj.event !== 'Internal') next(payload);
    })""")
    outcome = loaded_tab.evaluate(
        "analytics.track('Internal').then(() => 'sent', error => error.message)"
    )
    call(loaded_tab, "analytics.track('Public')")
    assert "did not pass the event on" in outcome
    assert [event["event"] for event in received(1)] == ["Public"]


def test_source_middleware_run_in_the_order_added(loaded_tab: Tab, received):
    loaded_tab.evaluate("""() => {
        analytics.addSourceMiddleware(({payload, next}) => { payload.obj.properties.trail = ['first']; next(payload) });
        analytics.addSourceMiddleware(({payload, next}) => { payload.obj.properties.trail.push('second'); next(payload) });
    }""")
    call(loaded_tab, "analytics.track('Ordered')")
    assert received(1)[0]["properties"]["trail"] == ["first", "second"]


def test_destination_middleware_changes_only_that_destinations_copy(loaded_tab: Tab, received):
    loaded_tab.evaluate("""() => {
        window.got = {};
        analytics.register(
            plugin('Ads', 'destination', {track: ctx => { window.got.Ads = ctx.event.properties; return ctx }}),
            plugin('CRM', 'destination', {track: ctx => { window.got.CRM = ctx.event.properties; return ctx }}),
        );
        analytics.addDestinationMiddleware('Ads', ({payload, next}) => { delete payload.obj.properties.email; next(payload) });
        analytics.addDestinationMiddleware('*', ({payload, next, integration}) => {
            payload.obj.properties.via = integration; next(payload) });
    }""")
    call(loaded_tab, "analytics.track('Lead', {email: 'a@x.example', score: 9})")
    got = loaded_tab.evaluate("window.got")
    assert got["Ads"] == {"score": 9, "via": "Ads"}
    assert got["CRM"] == {"email": "a@x.example", "score": 9, "via": "CRM"}
    # '*' is every destination but Segment.io, as in analytics-next: the API gets the original.
    assert received(1)[0]["properties"] == {"email": "a@x.example", "score": 9}


def test_a_destination_middleware_finds_its_destination_whatever_the_case_of_its_name(
    loaded_tab: Tab, received
):
    """analytics-next matches the name case-insensitively: a PII scrubber added for 'ads' must
    not miss the destination registered as 'Ads'."""
    loaded_tab.evaluate("""() => {
        analytics.register(plugin('Ads', 'destination', {track: ctx => { window.gotAds = ctx.event.properties; return ctx }}));
        analytics.addDestinationMiddleware('ads', ({payload, next}) => { delete payload.obj.properties.email; next(payload) });
    }""")
    call(loaded_tab, "analytics.track('Lead', {email: 'a@x.example', score: 9})")
    assert loaded_tab.evaluate("window.gotAds") == {"score": 9}


def test_a_source_middleware_can_take_out_what_the_library_adds_to_the_context(
    loaded_tab: Tab, site, write_key, received
):
    """As in analytics-next, the library's own enrichment (user agent, campaign ...) comes
    before the site's source middleware, so a filter that removes such a field removes it."""
    open_page(loaded_tab, site, write_key, "basic.html?utm_source=newsletter")
    loaded_tab.evaluate("""analytics.addSourceMiddleware(({payload, next}) => {
        delete payload.obj.context.userAgent;
        delete payload.obj.context.campaign;
        next(payload);
    })""")
    call(loaded_tab, "analytics.track('Scrubbed')")
    [event] = received(1)
    assert "userAgent" not in event["context"] and "campaign" not in event["context"]
    assert event["context"]["library"]["name"] == "analytics-web"


def test_destination_middleware_named_segment_io_changes_what_the_api_gets(
    loaded_tab: Tab, received
):
    loaded_tab.evaluate("""analytics.addDestinationMiddleware('Segment.io', ({payload, next}) => {
        payload.obj.properties.internal = undefined; next(payload) })""")
    call(loaded_tab, "analytics.track('Filtered', {internal: 'x', kept: 1})")
    assert received(1)[0]["properties"] == {"kept": 1}


def test_a_destination_middleware_that_drops_spares_the_other_destinations(
    loaded_tab: Tab, received
):
    loaded_tab.evaluate("""() => {
        window.got = [];
        analytics.register(plugin('Ads', 'destination', {track: ctx => { window.got.push('Ads'); return ctx }}));
        analytics.addDestinationMiddleware('Ads', ({payload, next}) => {});
    }""")
    call(loaded_tab, "analytics.track('Private')")
    assert loaded_tab.evaluate("window.got") == []
    assert received(1)[0]["event"] == "Private"


def test_debug_mode_shows_the_events_way_through_the_plugins(loaded: Page, received):
    messages: list[str] = []
    loaded.on("console", lambda message: messages.append(message.text))
    loaded.evaluate("""() => {
        analytics.debug(true);
        analytics.register(
            plugin('Plan', 'enrichment', {track: ctx => { ctx.updateEvent('properties.plan', 'pro'); return ctx }}),
            plugin('Gate', 'before', {track: ctx => {
                if (ctx.event.event === 'Blocked') ctx.cancel(new Error('not here'));
                return ctx }}),
        );
    }""")
    call(loaded, "analytics.track('Seen')")
    loaded.evaluate("analytics.track('Blocked').catch(() => {})")
    received(1)
    with loaded.expect_console_message(lambda message: "not sent" in message.text):
        loaded.evaluate("analytics.track('Blocked').catch(() => {})")
    text = "\n".join(messages)
    assert 'track "Seen": changed by plugin "Plan"' in text
    assert 'track "Seen": handed to destination "Segment.io"' in text
    assert 'delivered track "Seen"' in text
    assert 'plugin "Gate" dropped the event: not here' in text


# -- on the snippet's stub, before the bundle arrives --------------------------------------------


def test_plugins_and_middleware_registered_on_the_stub_see_the_first_page_view(
    page: Page, site, write_key, received, slow_bundle
):
    warnings: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if message.type == "warning":
            warnings.append(message.text)

    page.on("console", heard)
    page.goto(f"{site.url}/snippet_plugins.html?key={write_key}", wait_until="domcontentloaded")
    assert page.evaluate("Array.isArray(window.analytics)"), "the bundle came before the calls"
    page.wait_for_function("window.analytics.initialized === true")
    # Each goes in a request of its own once the middleware lets it: they may arrive either way.
    view, identify = sorted(received(2), key=lambda event: event["type"] != "page")
    # page() was recorded before register() and addSourceMiddleware(); both still saw it.
    assert view["type"] == "page" and view["context"]["plan"] == "pro"
    assert identify["traits"] == {"name": "Ada"} and identify["context"]["plan"] == "pro"
    assert page.evaluate("window.seen") == ["page", "identify"]
    # A method analytics-web does not have: said on the console, never dropped silently, even
    # with debug mode off; an Analytics.js 1 leftover says it did nothing.
    assert any("somethingNew() is not a method of analytics-web" in text for text in warnings)
    assert any(
        "addIntegrationMiddleware() is an Analytics.js 1 method" in text for text in warnings
    )

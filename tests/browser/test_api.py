"""The Analytics.js API: every overload of every call, checked against what the collector got."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.support.pages import batching, call, open_page
from tests.support.tabs import Tab


@pytest.fixture
def loaded(page: Page, site, write_key) -> Page:
    open_page(page, site, write_key, "basic.html?title=API")
    return page


@pytest.fixture
def loaded_tab(tab: Tab, site, write_key) -> Tab:
    """The page, in each engine: these calls behave the same in Chromium, Firefox and WebKit."""
    open_page(tab, site, write_key, "basic.html?title=API")
    return tab


# -- track -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "properties"),
    [
        ("analytics.track('Viewed')", {}),
        ("analytics.track('Viewed', {plan: 'pro'})", {"plan": "pro"}),
        ("analytics.track('Viewed', {plan: 'pro'}, {context: {ip: '0.0.0.0'}})", {"plan": "pro"}),
        ("analytics.track('Viewed', null, {})", {}),
    ],
    ids=["name", "properties", "options", "null-properties"],
)
def test_track_overloads(loaded_tab: Tab, received, script, properties):
    call(loaded_tab, script)
    [event] = received(1)
    assert (event["type"], event["event"], event["properties"]) == ("track", "Viewed", properties)


@pytest.mark.parametrize(
    "script",
    [
        "analytics.track('Viewed', cb)",
        "analytics.track('Viewed', {}, cb)",
        "analytics.track('Viewed', {}, {}, cb)",
    ],
)
def test_track_calls_the_callback_in_any_position_after_delivery(loaded_tab: Tab, received, script):
    message_id = loaded_tab.evaluate(
        f"() => new Promise(resolve => {{ const cb = ctx => resolve(ctx.event.messageId); {script} }})"
    )
    [event] = received(1)
    assert event["messageId"] == message_id


def test_track_options_reach_the_wire(loaded_tab: Tab, received):
    call(
        loaded_tab,
        """analytics.track('Upgraded', {}, {
        integrations: {All: false, Mixpanel: true},
        context: {groupId: 'acct-7', page: {title: 'Overridden'}},
        timestamp: '2024-01-02T03:04:05.000Z',
        anonymousId: 'anon-given',
        traits: {plan: 'team'},
    })""",
    )
    [event] = received(1)
    assert event["integrations"] == {"All": False, "Mixpanel": True}
    assert event["context"]["groupId"] == "acct-7"
    assert event["context"]["page"]["title"] == "Overridden"
    assert event["context"]["page"]["path"] == "/basic.html"  # deep merge keeps the rest
    assert event["timestamp"] == "2024-01-02T03:04:05.000Z"
    assert event["anonymousId"] == "anon-given"
    assert event["context"]["traits"] == {"plan": "team"}


def test_load_time_integrations_are_merged_under_per_call_ones(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, integrations={"Mixpanel": False, "Amplitude": True})
    call(tab, "analytics.track('A', {}, {integrations: {Mixpanel: true}})")
    [event] = received(1)
    assert event["integrations"] == {"Mixpanel": True, "Amplitude": True}


def test_context_describes_browser_and_page(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.track('Context')")
    [event] = received(1)
    context = event["context"]
    assert context["locale"] == loaded_tab.evaluate("navigator.language")
    assert context["timezone"] == loaded_tab.evaluate(
        "Intl.DateTimeFormat().resolvedOptions().timeZone"
    )
    assert set(context["page"]) == {"path", "referrer", "search", "title", "url"}
    has_ua_data = loaded_tab.evaluate("'userAgentData' in navigator")
    assert ("userAgentData" in context) == has_ua_data


def test_canonical_link_gives_the_page_url(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    tab.evaluate("""() => {
        const link = document.createElement('link');
        link.rel = 'canonical'; link.href = 'https://shop.example/pricing';
        document.head.append(link);
    }""")
    call(tab, "analytics.page()")
    [event] = received(1)
    assert event["properties"]["url"].startswith("https://shop.example/pricing?")
    assert event["properties"]["path"] == "/pricing"


# -- page and screen ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "category", "name", "extra"),
    [
        ("analytics.page()", None, None, {}),
        ("analytics.page('Pricing')", None, "Pricing", {}),
        ("analytics.page('Docs', 'Install')", "Docs", "Install", {}),
        ("analytics.page('Pricing', {plan: 'pro'})", None, "Pricing", {"plan": "pro"}),
        ("analytics.page('Docs', 'Install', {step: 2}, {})", "Docs", "Install", {"step": 2}),
        ("analytics.page({plan: 'pro'})", None, None, {"plan": "pro"}),
        ("analytics.page(null, 'Pricing')", None, "Pricing", {}),
    ],
    ids=["none", "name", "category-name", "name-properties", "all", "properties", "null-category"],
)
def test_page_overloads(loaded_tab: Tab, received, script, category, name, extra):
    call(loaded_tab, script)
    [event] = received(1)
    assert event["type"] == "page"
    assert event.get("category") == category and event.get("name") == name
    properties = event["properties"]
    assert properties["title"] == "API" and properties["path"] == "/basic.html"
    for key, value in extra.items():
        assert properties[key] == value
    if name:
        assert properties["name"] == name


def test_page_properties_given_win_over_the_page(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.page('Home', {title: 'Given', url: 'https://x.example/'})")
    [event] = received(1)
    assert event["properties"]["title"] == "Given"
    assert event["properties"]["url"] == "https://x.example/"


def test_a_virtual_page_views_own_page_fields_are_its_context_page(loaded_tab: Tab, received):
    """Downstream tools read context.page: a page call naming its path, url, title, search or
    referrer reports that page there too, as analytics-next does (a track's properties never
    do)."""
    call(
        loaded_tab,
        """analytics.page('Docs', {path: '/docs/start', url: 'https://example.com/docs/start',
            referrer: 'https://example.com/', title: 'Getting started', search: '?v=2',
            plan: 'pro'})""",
    )
    call(loaded_tab, "analytics.page('Blanks', {title: null, referrer: '', path: undefined})")
    call(loaded_tab, "analytics.track('Not A Page', {path: '/elsewhere', title: 'Elsewhere'})")
    docs, blanks, track = received(3)
    assert docs["context"]["page"] == {
        "path": "/docs/start",
        "url": "https://example.com/docs/start",
        "referrer": "https://example.com/",
        "title": "Getting started",
        "search": "?v=2",
    }
    assert docs["properties"]["plan"] == "pro" and docs["properties"]["name"] == "Docs"
    assert (blanks["context"]["page"]["title"], blanks["context"]["page"]["referrer"]) == (None, "")
    assert "path" not in blanks["context"]["page"] and "path" not in blanks["properties"]
    assert track["context"]["page"]["path"] == "/basic.html"
    assert track["context"]["page"]["title"] == "API"


def test_screen_is_a_page_call_for_apps(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.screen('Settings', 'Profile', {tab: 'privacy'})")
    [event] = received(1)
    assert (event["type"], event["category"], event["name"]) == ("screen", "Settings", "Profile")
    assert event["properties"] == {"tab": "privacy", "category": "Settings"}


# -- identify, group, alias --------------------------------------------------------------------


def test_identify_overloads_and_trait_merging(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.identify('u-1', {email: 'a@x.example'})")
    call(loaded_tab, "analytics.identify({plan: 'pro'})")  # the stored id is used
    call(loaded_tab, "analytics.identify('u-1', {email: 'b@x.example'}, {}, () => {})")
    first, second, third = received(3)
    assert (first["userId"], first["traits"]) == ("u-1", {"email": "a@x.example"})
    assert (second["userId"], second["traits"]) == ("u-1", {"email": "a@x.example", "plan": "pro"})
    assert third["traits"] == {"email": "b@x.example", "plan": "pro"}
    assert loaded_tab.evaluate("analytics.user().traits()") == {
        "email": "b@x.example",
        "plan": "pro",
    }


def test_identify_accepts_a_number_and_every_later_event_carries_the_user(
    loaded_tab: Tab, received
):
    call(loaded_tab, "analytics.identify(42)")
    call(loaded_tab, "analytics.track('After')")
    identify, track = received(2)
    assert identify["userId"] == "42" and track["userId"] == "42"
    assert loaded_tab.evaluate("analytics.user().id()") == "42"


def test_identifying_another_user_starts_fresh(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.identify('first', {email: 'first@x.example'})")
    call(loaded_tab, "analytics.identify('second', {plan: 'team'})")
    first, second = received(2)
    assert second["traits"] == {"plan": "team"}
    assert second["anonymousId"] != first["anonymousId"]


def test_group_overloads_and_getter(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.group('acct-1', {name: 'Acme'})")
    call(loaded_tab, "analytics.group('acct-1', {plan: 'enterprise'}, {}, () => {})")
    first, second = received(2)
    assert (first["type"], first["groupId"], first["traits"]) == (
        "group",
        "acct-1",
        {"name": "Acme"},
    )
    assert second["traits"] == {"name": "Acme", "plan": "enterprise"}
    group = loaded_tab.evaluate("[analytics.group().id(), analytics.group().traits()]")
    assert group == ["acct-1", {"name": "Acme", "plan": "enterprise"}]


@pytest.mark.parametrize(
    ("script", "previous"),
    [
        ("analytics.alias('new-id', 'old-id')", "old-id"),
        ("analytics.alias('new-id', {})", "ANON"),
        ("analytics.alias('new-id')", "ANON"),
    ],
    ids=["both", "options", "to-only"],
)
def test_alias_overloads(loaded_tab: Tab, received, script, previous):
    anonymous_id = loaded_tab.evaluate("analytics.user().anonymousId()")
    call(loaded_tab, script)
    [event] = received(1)
    assert (event["type"], event["userId"]) == ("alias", "new-id")
    assert event["previousId"] == (anonymous_id if previous == "ANON" else previous)


# -- state: user(), reset, setAnonymousId, ready, emitter --------------------------------------


def test_reset_clears_the_user_and_group_and_makes_a_new_anonymous_id(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.identify('u-9', {email: 'r@x.example'})")
    call(loaded_tab, "analytics.group('acct-9')")
    before = loaded_tab.evaluate("analytics.user().anonymousId()")
    loaded_tab.evaluate("analytics.reset()")
    state = loaded_tab.evaluate("""[analytics.user().id(), analytics.user().traits(),
        analytics.group().id(), analytics.user().anonymousId(),
        localStorage.getItem('ajs_user_id'), document.cookie.includes('ajs_user_id')]""")
    assert state[:3] == [None, {}, None]
    assert state[3] != before
    assert state[4] is None and state[5] is False
    call(loaded_tab, "analytics.track('After Reset')")
    assert received(3)[-1]["anonymousId"] == state[3]


def test_set_anonymous_id(loaded_tab: Tab, received):
    assert loaded_tab.evaluate("analytics.setAnonymousId('chosen-anon')") == "chosen-anon"
    call(loaded_tab, "analytics.track('X')")
    [event] = received(1)
    assert event["anonymousId"] == "chosen-anon"


def test_user_and_group_answer_what_analytics_next_s_do(loaded_tab: Tab, received):
    """Plugins and pages written for analytics-next call these on analytics.user() and
    analytics.group(); the next event carries what they set."""
    seen = loaded_tab.evaluate("""() => {
        const user = analytics.user(), group = analytics.group();
        user.identify('u-1', {plan: 'pro'});
        user.identify('u-1', {seats: 3});
        const merged = user.traits();
        user.identify('u-2', {plan: 'free'});
        group.identify('g-1', {name: 'Acme'});
        return {merged, other: [user.id(), user.traits()], group: [group.id(), group.traits()],
                loaded: user.load() === user && user.load().id(), saved: user.save()};
    }""")
    assert seen == {
        "merged": {"plan": "pro", "seats": 3},
        "other": ["u-2", {"plan": "free"}],
        "group": ["g-1", {"name": "Acme"}],
        "loaded": "u-2",
        "saved": True,
    }
    call(loaded_tab, "analytics.track('After')")
    after = loaded_tab.evaluate("""() => {
        const anonymousId = analytics.user().anonymousId();
        analytics.user().logout();
        return [anonymousId, analytics.user().id(), analytics.user().traits(),
                analytics.user().anonymousId()];
    }""")
    [event] = received(1)
    assert [event["userId"], event["anonymousId"]] == ["u-2", after[0]]
    assert after[1:3] == [None, {}]
    assert after[3] not in (None, after[0])  # logged out: a new anonymous visitor


def test_ready_runs_after_load_and_calls_before_load_are_kept(
    tab: Tab, site, write_key, collector, received
):
    tab.goto(f"{site.url}/deferred.html")
    tab.evaluate(
        "() => { window.readyRan = false; analytics.ready(() => { window.readyRan = true }) }"
    )
    tab.evaluate("() => { analytics.track('Before Load') }")  # its promise waits for load()
    assert tab.evaluate("window.readyRan") is False
    tab.evaluate(
        "([key, host]) => analytics.load(key, {apiHost: host, protocol: 'http'})",
        [write_key, collector.api_host],
    )
    tab.wait_for_function("window.readyRan === true")
    [event] = received(1)
    assert event["event"] == "Before Load"


def test_on_once_off_hear_each_call(loaded_tab: Tab):
    heard = loaded_tab.evaluate("""async () => {
        const heard = [];
        const onTrack = (event, properties) => heard.push(['track', event, properties.n]);
        analytics.on('track', onTrack);
        analytics.once('page', (category, name) => heard.push(['page', category, name]));
        analytics.on('identify', (userId, traits) => heard.push(['identify', userId, traits.a]));
        analytics.on('group', (groupId) => heard.push(['group', groupId]));
        analytics.on('alias', (to, from) => heard.push(['alias', to, from]));
        analytics.on('reset', () => heard.push(['reset']));
        analytics.on('error', (error) => heard.push(['error', error.message]));
        await analytics.track('T', {n: 1});
        await analytics.page('C', 'N');
        await analytics.page('C', 'Twice');
        await analytics.identify('u', {a: 1});
        await analytics.group('g');
        await analytics.alias('to', 'from');
        analytics.reset();
        analytics.off('track', onTrack);
        await analytics.track('Unheard', {n: 2});
        await analytics.track('').catch(() => {});
        return heard;
    }""")
    assert heard == [
        ["track", "T", 1],
        ["page", "C", "N"],
        ["identify", "u", 1],
        ["group", "g"],
        ["alias", "to", "from"],
        ["reset"],
        ["error", "analytics-web: track(): needs an event name (a non-empty string), got string"],
    ]


def test_listeners_hear_what_analytics_next_s_hear(loaded_tab: Tab):
    """A page view forwarded from a listener keeps its URL: 'page' listeners get the call's
    properties with the page's, as analytics-next gives them; options they get are
    undefined there, and `this` is the instance."""
    heard = loaded_tab.evaluate("""async () => {
        const heard = [];
        function listen(kind) {
            analytics.on(kind, function (...args) {
                heard.push({kind, self: this === analytics, args: args.length,
                            last: args[args.length - 1] === undefined, first: args[0],
                            properties: args.length === 4 ? args[2] : args[1]});
            });
        }
        ['page', 'track', 'identify'].forEach(listen);
        analytics.once('group', function () { heard.push({kind: 'group', self: this === analytics}) });
        await analytics.page('Pricing');
        await analytics.track('Clicked', {plan: 'pro'});
        await analytics.identify('u-1', {plan: 'pro'});
        await analytics.group('g-1');
        return heard;
    }""")
    page, track, identify, group = heard
    assert (page["kind"], page["self"], page["args"], page["last"]) == ("page", True, 4, True)
    assert page["properties"]["name"] == "Pricing"
    assert page["properties"]["path"] == "/basic.html" and page["properties"]["title"] == "API"
    assert "/basic.html?title=API" in page["properties"]["url"]
    assert (track["first"], track["properties"], track["last"]) == (
        "Clicked",
        {"plan": "pro"},
        True,
    )
    assert (identify["first"], identify["properties"], identify["self"]) == (
        "u-1",
        {"plan": "pro"},
        True,
    )
    assert group == {"kind": "group", "self": True}


def test_listeners_made_on_the_stub_hear_initialize_and_the_replayed_calls(
    tab: Tab, site, write_key, slow_bundle
):
    tab.goto(f"{site.url}/snippet_only.html?key={write_key}&listen=1")
    assert tab.evaluate("window.onStub"), "the bundle came before the listeners"
    tab.wait_for_function("window.analytics.initialized === true")
    tab.wait_for_function("window.heard.length === 2")
    assert tab.evaluate("window.heard") == [
        ["initialize", write_key],
        ["page", "/snippet_only.html"],
    ]


def test_a_calls_anonymous_id_option_is_the_visitors_id_from_then_on(loaded_tab: Tab, received):
    call(loaded_tab, "analytics.track('Given', {}, {anonymousId: 'a-given'})")
    assert loaded_tab.evaluate("analytics.user().anonymousId()") == "a-given"
    call(loaded_tab, "analytics.track('Next')")
    assert [event["anonymousId"] for event in received(2)] == ["a-given", "a-given"]


def test_a_calls_own_message_id_and_user_id_are_the_events(loaded_tab: Tab, received):
    """As in analytics-next: a messageId of the site's own (an idempotency key it also gives
    its server's calls) is the event's, so a resend is stored once; a userId option names the
    user of an anonymous visitor's event."""
    call(loaded_tab, "analytics.track('Paid', {}, {messageId: 'order-42', userId: 'u-opt'})")
    call(loaded_tab, "analytics.track('Paid', {}, {messageId: 'order-42'})")
    call(loaded_tab, "analytics.track('Marker')")
    paid, marker = received(2)
    assert (paid["messageId"], paid["userId"]) == ("order-42", "u-opt")
    assert marker["event"] == "Marker" and "userId" not in marker


def test_alias_without_a_new_id_aliases_the_current_user(loaded_tab: Tab, received):
    refused = loaded_tab.evaluate("analytics.alias().then(() => 'sent', error => error.message)")
    assert "no user is identified" in refused
    anonymous_id = loaded_tab.evaluate("analytics.user().anonymousId()")
    call(loaded_tab, "analytics.identify('u-5')")
    call(loaded_tab, "analytics.alias()")
    _, alias = received(2)
    assert (alias["type"], alias["userId"], alias["previousId"]) == ("alias", "u-5", anonymous_id)


def test_any_event_name_can_be_listened_to(loaded_tab: Tab):
    """Plugins emit events of their own on analytics; a name that objects or functions
    also have ('name', 'toString') is an event like any other."""
    heard = loaded_tab.evaluate("""() => {
        const heard = [];
        for (const name of ['name', 'toString', 'consent_changed']) {
            analytics.on(name, value => heard.push([name, value]));
            analytics.emit(name, 1);
        }
        return heard;
    }""")
    assert heard == [["name", 1], ["toString", 1], ["consent_changed", 1]]


def test_a_listener_that_throws_breaks_nothing(loaded_tab: Tab, received):
    loaded_tab.evaluate("analytics.on('track', () => { throw new Error('listener bug') })")
    call(loaded_tab, "analytics.track('Still Sent')")
    assert received(1)[0]["event"] == "Still Sent"


def test_the_librarys_objects_are_plain_objects_to_the_page(loaded_tab: Tab, received):
    """A page that logs them as text ('tracked ' + ctx), or a console wrapper that turns its
    arguments into strings, gets what it would from analytics-next, never a TypeError."""
    seen = loaded_tab.evaluate("""async () => {
        const ctx = await analytics.track('Logged');
        const objects = {analytics, user: analytics.user(), group: analytics.group(), ctx};
        return Object.entries(objects).map(
            ([name, value]) => [name, `${value}`, value instanceof Function, typeof value.call]);
    }""")
    assert seen == [
        [name, "[object Object]", False, "undefined"]
        for name in ("analytics", "user", "group", "ctx")
    ]
    assert received(1)[0]["event"] == "Logged"


# -- bad input: a clear error, nothing thrown into the page ------------------------------------


CYCLE = "(() => { const cycle = {}; cycle.self = cycle; return cycle })()"


@pytest.mark.parametrize(
    ("script", "says"),
    [
        ("analytics.track()", "needs an event name"),
        ("analytics.track(42)", "needs an event name"),
        ("analytics.track('X', 'not an object')", "properties must be an object"),
        ("analytics.track('X', {}, 'nope')", "options must be an object"),
        ("analytics.track('X', {}, {timestamp: 'not a date'})", "not a valid date"),
        ("(() => { const a = {}; a.self = a; return analytics.track('X', a) })()", "circular"),
        ("analytics.track('X', {big: 10n})", "BigInt"),
        ("analytics.group()", None),
        ("analytics.alias()", "needs the new user id"),
        (f"analytics.page('Home', {{}}, {{context: {CYCLE}}})", "circular"),
        (f"analytics.identify('u-1', {{}}, {{context: {CYCLE}}})", "circular"),
        ("analytics.trackLink('a.buy', 'Clicked')", "needs elements"),
        ("analytics.trackForm({action: '/go'}, 'Sent')", "needs elements"),
        ("analytics.trackLink([document.querySelector('#missing')], 'Clicked')", "needs elements"),
        ("analytics.push('track')", "needs [method, ...arguments]"),
        ("analytics.use(42)", None),
    ],
    ids=[
        "no-name",
        "number-name",
        "string-properties",
        "string-options",
        "bad-timestamp",
        "circular",
        "bigint",
        "group-getter",
        "alias-without-id",
        "page-circular-context",
        "identify-circular-context",
        "track-link-selector",
        "track-form-object",
        "track-link-missing-element",
        "push-not-a-call",
        "use-not-a-function",
    ],
)
def test_bad_calls_reject_with_a_clear_error_and_never_throw(
    loaded_tab: Tab, received, script, says
):
    outcome = loaded_tab.evaluate(f"""async () => {{
        let thrown = null;
        let result;
        try {{ result = {script}; }} catch (error) {{ thrown = String(error); }}
        if (result && typeof result.then === 'function') {{
            try {{ await result; return ['resolved', thrown]; }}
            catch (error) {{ return [error instanceof Error ? error.message : 'not an Error', thrown]; }}
        }}
        return ['returned', thrown];
    }}""")
    assert outcome[1] is None, f"threw into the page: {outcome[1]}"
    if says is None:
        assert outcome[0] == "returned"
    else:
        assert says in outcome[0]
    call(loaded_tab, "analytics.track('Still Works')")
    assert received(1)[0]["event"] == "Still Works"


def test_values_json_cannot_hold_are_sent_as_json_stringify_would(loaded_tab: Tab, received):
    call(
        loaded_tab,
        """analytics.track('Odd Values', {
        fn: () => 1, missing: undefined, nan: NaN, infinite: Infinity,
        node: document.body, date: new Date('2024-01-01T00:00:00Z'), nested: {keep: 1, drop: undefined},
    })""",
    )
    [event] = received(1)
    assert event["properties"] == {
        "nan": None,
        "infinite": None,
        "node": {},
        "date": "2024-01-01T00:00:00.000Z",
        "nested": {"keep": 1},
    }


def test_unhandled_rejections_do_not_reach_the_page(loaded_tab: Tab):
    loaded_tab.evaluate(
        "() => { window.unhandled = 0;"
        " addEventListener('unhandledrejection', () => window.unhandled++) }"
    )
    loaded_tab.evaluate("() => { analytics.track(); analytics.track('X', 'bad') }")
    # unhandledrejection is dispatched once the task that rejected ends: one task later is enough.
    loaded_tab.evaluate("() => new Promise(resolve => setTimeout(resolve))")
    assert loaded_tab.evaluate("window.unhandled") == 0


# -- debug mode --------------------------------------------------------------------------------


def test_debug_mode_logs_each_call_payload_and_result(loaded: Page, received):
    messages: list[str] = []
    loaded.on("console", lambda message: messages.append(message.text))
    loaded.evaluate("analytics.debug(true)")
    with loaded.expect_console_message(lambda message: "delivered" in message.text):
        call(loaded, "analytics.track('Debugged', {plan: 'pro'})")
    with loaded.expect_console_message(lambda message: "needs an event name" in message.text):
        loaded.evaluate("analytics.track('').catch(() => {})")
    text = "\n".join(messages)
    assert 'track "Debugged"' in text
    assert "payload" in text
    assert 'delivered track "Debugged"' in text
    assert "needs an event name" in text
    assert loaded.evaluate("sessionStorage.getItem('aw_debug')") == "true"


def test_debug_mode_names_each_event_by_what_it_is(loaded: Page, received):
    """A page view without a name is "page", not the user's id; lines end with their text."""
    messages: list[str] = []
    loaded.on("console", lambda message: messages.append(message.text))
    call(loaded, "analytics.identify('user-7')")
    loaded.evaluate("analytics.debug(true)")
    with loaded.expect_console_message(lambda message: "delivered page" in message.text):
        call(loaded, "analytics.page()")
    with loaded.expect_console_message(lambda message: "delivered page" in message.text):
        call(loaded, "analytics.page('Docs', 'Install')")
    with loaded.expect_console_message(lambda message: "delivered group" in message.text):
        call(loaded, "analytics.group('g-1')")
    # Chromium's text has the style arguments after the message; Firefox applies them.
    delivered = [
        m.split("delivered ", 1)[1].split(" background:")[0].strip()
        for m in messages
        if "delivered " in m
    ]
    assert delivered == ["page", 'page "Install"', 'group "g-1"']
    assert not [m for m in messages if m.endswith("undefined")]


def test_debug_mode_is_quiet_when_off(loaded: Page, received):
    messages: list[str] = []
    loaded.on("console", lambda message: messages.append(message.text))
    call(loaded, "analytics.track('Quiet')")
    received(1)
    assert not [m for m in messages if "analytics-web" in m]


def test_an_event_is_what_was_passed_at_the_call(tab: Tab, site, write_key, received):
    """Objects changed after the call do not change the event, even while it waits in a batch."""
    open_page(tab, site, write_key, **batching(4, 60_000))
    tab.evaluate("""() => {
        const traits = {plan: 'pro'};
        const properties = {step: 1};
        analytics.identify('u-1', traits);
        analytics.identify('u-2', traits);  // another user: traits start from these alone
        analytics.track('Step', properties);
        traits.plan = 'changed';
        properties.step = 2;
        analytics.track('After');  // the fourth event: the batch goes now
    }""")
    first, second, step, _ = received(4)
    assert first["traits"] == second["traits"] == {"plan": "pro"}
    assert step["properties"] == {"step": 1}


def test_an_event_kept_for_a_later_page_is_what_was_passed_at_the_call(
    tab: Tab, site, write_key, collector, received
):
    """The API is unreachable, so the event waits in the stored outbox for the next page; objects
    the page changes after the call, in the same task and later, do not change what it sends."""
    open_page(tab, site, write_key)
    collector.stop_listening()
    try:
        tab.evaluate("""async () => {
            window.properties = {step: 1, cart: {items: 1}};
            const sent = analytics.track('Kept', window.properties);
            window.properties.step = 2;
            window.properties.cart.items = 2;
            await sent;  // kept for a retry: the outbox is written
            window.properties.step = 3;
        }""")
        tab.goto(site.url + "/blank.html")
    finally:
        collector.start_listening()
    open_page(tab, site, write_key)
    [event] = received(1)
    assert event["event"] == "Kept"
    assert event["properties"] == {"step": 1, "cart": {"items": 1}}

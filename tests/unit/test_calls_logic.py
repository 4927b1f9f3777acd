"""Analytics.js's overloads, the page a call describes, the landing URL's calls, the cookie
domain, and the event a call makes."""

from __future__ import annotations

import re

import pytest

USER = {"$user": {"id": "u-1", "anonymousId": "anon-1"}}
ANONYMOUS = {"$user": {"id": None, "anonymousId": "anon-1"}}


@pytest.mark.parametrize(
    ("args", "properties", "options", "has_callback", "problem"),
    [
        (["Viewed"], {}, {}, False, None),
        (["Viewed", {"plan": "pro"}], {"plan": "pro"}, {}, False, None),
        (
            ["Viewed", {"plan": "pro"}, {"timestamp": "2024-01-02"}],
            {"plan": "pro"},
            {"timestamp": "2024-01-02"},
            False,
            None,
        ),
        (["Viewed", None, {}], {}, {}, False, None),
        (["", {}], {}, {}, False, "needs an event name"),
        ([42], {}, {}, False, "needs an event name"),
        (["Viewed", "pro"], {}, {}, False, "properties must be an object"),
        (["Viewed", {}, "now"], {}, {}, False, "options must be an object"),
        (
            ["Viewed", {}, {"timestamp": "not a date"}],
            {},
            {"timestamp": "not a date"},
            False,
            "not a valid date",
        ),
    ],
)
def test_track_overloads(node, args, properties, options, has_callback, problem):
    call = node.call("arguments", "resolve_track", *args, None, None, None)
    assert call["fields"] == {"event": args[0], "properties": properties}
    assert call["options"] == options
    assert (call["problem"] is None) if problem is None else problem in call["problem"]


@pytest.mark.parametrize(
    ("args", "category", "name", "properties", "options"),
    [
        ([], None, None, {}, {}),
        (["Pricing"], None, "Pricing", {}, {}),
        (["Docs", "Install"], "Docs", "Install", {"category": "Docs"}, {}),
        (["Pricing", {"plan": "pro"}], None, "Pricing", {"plan": "pro"}, {}),
        (
            ["Docs", "Install", {"step": 2}, {"context": {"ip": "0.0.0.0"}}],
            "Docs",
            "Install",
            {"step": 2, "category": "Docs"},
            {"context": {"ip": "0.0.0.0"}},
        ),
        ([{"plan": "pro"}], None, None, {"plan": "pro"}, {}),
        ([None, "Pricing"], None, "Pricing", {}, {}),
        (
            [{"a": 1}, {"integrations": {"All": False}}],
            None,
            None,
            {"a": 1},
            {"integrations": {"All": False}},
        ),
    ],
)
def test_page_overloads(node, args, category, name, properties, options):
    padded = [*args, *[None] * (5 - len(args))]
    call = node.call("arguments", "resolve_page", *padded)
    fields = call["fields"]
    assert (fields.get("category"), fields.get("name")) == (category, name)
    assert fields["properties"] == properties
    assert call["options"] == options


@pytest.mark.parametrize(
    ("args", "found_id", "traits", "options"),
    [
        (["u-2", {"plan": "pro"}], "u-2", {"plan": "pro"}, {}),
        ([{"plan": "pro"}], "u-1", {"plan": "pro"}, {}),  # the stored id is used
        ([{"plan": "pro"}, {"anonymousId": "x"}], "u-1", {"plan": "pro"}, {"anonymousId": "x"}),
        ([42, {}], "42", {}, {}),
        ([None, {"plan": "pro"}], "u-1", {"plan": "pro"}, {}),
        ([], "u-1", {}, {}),
    ],
)
def test_identify_overloads(node, args, found_id, traits, options):
    found = node.call("arguments", "resolve_identity", USER, args)
    assert (found["id"], found["traits"], found["options"]) == (found_id, traits, options)


@pytest.mark.parametrize(
    ("args", "fields", "problem"),
    [
        (["new-id"], {"userId": "new-id", "previousId": "u-1"}, None),
        (["new-id", "old-id"], {"userId": "new-id", "previousId": "old-id"}, None),
        (["new-id", {"context": {}}], {"userId": "new-id", "previousId": "u-1"}, None),
        ([7], {"userId": "7", "previousId": "u-1"}, None),
        # No new id: the current user's, joined to the anonymous id (Analytics.js's default).
        ([None], {"userId": "u-1", "previousId": "anon-1"}, None),
        ([{"context": {}}], {"userId": "u-1", "previousId": "anon-1"}, None),
        ([None, "old-id"], {"userId": "u-1", "previousId": "old-id"}, None),
        ([True], None, "needs the new user id (a string or number), got boolean"),
    ],
)
def test_alias_overloads(node, args, fields, problem):
    padded = [*args, *[None] * (4 - len(args))]
    call = node.call("arguments", "resolve_alias", *padded, USER)
    if problem:
        assert problem in call["problem"]
    else:
        assert call["fields"] == fields and call["problem"] is None


def test_alias_without_a_new_id_or_a_user_has_nothing_to_alias(node):
    call = node.call("arguments", "resolve_alias", None, None, None, None, ANONYMOUS)
    assert "none was given and no user is identified" in call["problem"]


def test_alias_falls_back_to_the_anonymous_id(node):
    call = node.call("arguments", "resolve_alias", "new-id", None, None, None, ANONYMOUS)
    assert call["fields"]["previousId"] == "anon-1"


@pytest.mark.parametrize(
    ("href", "route"),
    [
        ("https://a.example/p?q=1", "https://a.example/p?q=1"),
        ("https://a.example/p#pricing", "https://a.example/p"),
        ("https://a.example/#/settings", "https://a.example/#/settings"),
        ("https://a.example/#!/users/4", "https://a.example/#!/users/4"),
        ("https://a.example/p?q=1#", "https://a.example/p?q=1"),
    ],
)
def test_a_route_keeps_a_hash_router_route_and_drops_an_anchor(node, href, route):
    assert node.call("page_context", "route_url", href) == route


@pytest.mark.parametrize(
    ("href", "path", "search"),
    [
        ("https://a.example/shop/p?q=1#top", "/shop/p", "?q=1"),
        ("https://a.example/app/?utm_source=x#/users/42?tab=2", "/users/42", "?tab=2"),
        ("https://a.example/#!/users/4", "/users/4", ""),
        ("https://a.example/#/", "/", ""),
    ],
)
def test_a_hash_routers_route_gives_the_path_and_search(node, href, path, search):
    assert node.call("page_context", "route_parts", href) == {"path": path, "search": search}


def test_campaigns_under_a_hash_router_come_from_the_url_and_the_route(node):
    page = {
        "url": "https://a.example/?utm_source=news#/p?utm_medium=email",
        "search": "?utm_medium=email",
    }
    search = node.call("page_context", "campaign_search", page)
    assert node.call("page_context", "campaign", search) == {"source": "news", "medium": "email"}


@pytest.mark.parametrize(
    ("first", "second", "search_counts", "same"),
    [
        ("https://a.example/", "https://a.example/#/", True, True),  # a hash router starting
        ("https://a.example/p", "https://a.example/p#anchor", True, True),
        ("https://a.example/p", "https://a.example/q", False, False),
        ("https://a.example/p?tab=1", "https://a.example/p?tab=2", True, False),
        ("https://a.example/p?tab=1", "https://a.example/p?tab=2", False, True),
        ("https://a.example/p?q=a&tab=1", "https://a.example/p?tab=2&q=a", ["q"], True),
        ("https://a.example/p?q=a", "https://a.example/p?q=b", ["q"], False),
        ("https://a.example/#/p?tab=1", "https://a.example/#/p?tab=2", False, True),
        ("https://a.example/#/p", "https://a.example/#/q", False, False),
    ],
)
def test_which_url_changes_are_a_new_route(node, first, second, search_counts, same):
    keys = [node.call("routing", "route_key", href, search_counts) for href in (first, second)]
    assert (keys[0] == keys[1]) is same


@pytest.mark.parametrize(
    ("before", "after", "tidy"),
    [
        ("https://a.test/p?utm_source=x&q=1", "https://a.test/p?q=1", True),
        ("https://a.test/p?code=abc&state=9", "https://a.test/p", True),
        ("https://a.test/#/p?utm_source=x", "https://a.test/#/p", True),
        ("https://a.test/p?q=1", "https://a.test/p?q=1&tab=2", False),  # a filter added
        ("https://a.test/p?q=1", "https://a.test/p?q=2", False),  # a new search
        ("https://a.test/p?q=1", "https://a.test/other", False),  # somewhere else
    ],
)
def test_a_replace_that_only_takes_parameters_away_tidies_the_url(node, before, after, tidy):
    assert node.call("routing", "tidied", after, before) is tidy


@pytest.mark.parametrize(
    ("search", "campaign"),
    [
        (
            "?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=a",
            {
                "source": "news",
                "medium": "email",
                "name": "spring",
                "term": "shoes",
                "content": "a",
            },
        ),
        ("?plan=pro", None),
        ("", None),
        ("?utm_=x&utm_id=7", {"id": "7"}),
    ],
)
def test_campaign_from_utm_parameters(node, search, campaign):
    assert node.call("page_context", "campaign", search) == campaign


def test_page_info_uses_the_canonical_link_and_keeps_the_query(node):
    recorded = {
        "c": "https://shop.example/pricing",
        "p": "/pricing-old",
        "u": "https://a.example/pricing-old?plan=pro#x",
        "s": "?plan=pro",
        "t": "Pricing",
        "r": "https://google.example/",
    }
    assert node.call("page_context", "page_info", recorded) == {
        "path": "/pricing",
        "referrer": "https://google.example/",
        "search": "?plan=pro",
        "title": "Pricing",
        "url": "https://shop.example/pricing?plan=pro",
    }


@pytest.mark.parametrize(
    ("hostname", "domain"),
    [
        ("app.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("example.com", "example.com"),
        ("localhost", ""),
        ("127.0.0.1", ""),
        ("::1", ""),
    ],
)
def test_the_cookie_domain_is_the_widest_the_browser_allows(node, hostname, domain):
    suffixes = ["com", "uk", "co.uk"]
    assert node.call("storage", "top_domain", hostname, publicSuffixes=suffixes) == domain


def test_the_landing_url_makes_its_calls_in_order(node):
    search = "?ajs_event=Clicked%20Ad&ajs_prop_plan=pro&ajs_uid=u-9&ajs_trait_email=a%40x.example&ajs_aid=anon-9"
    assert node.calls("querystring", "apply_query", {"$recorder": True}, search) == [
        ["setAnonymousId", "anon-9"],
        ["identify", "u-9", {"email": "a@x.example"}],
        ["track", "Clicked Ad", {"plan": "pro"}],
    ]


def test_a_landing_url_without_calls_makes_none(node):
    assert node.calls("querystring", "apply_query", {"$recorder": True}, "?utm_source=news") == []


PAGE = {"path": "/", "referrer": "", "search": "", "title": "Home", "url": "https://a.example/"}


def test_an_event_carries_the_call_ids_time_page_and_merged_options(node):
    options = {
        "context": {"groupId": "g-1", "page": {"title": "Given"}},
        "integrations": {"Mixpanel": True},
        "timestamp": "2024-01-02T03:04:05Z",
        "traits": {"plan": "team"},
    }
    event = node.call(
        "events",
        "build_event",
        "track",
        {"event": "Upgraded", "properties": {}},
        options,
        {"userId": "u-1", "anonymousId": "anon-1"},
        {"Amplitude": True, "Mixpanel": False},
        PAGE,
    )
    assert event["messageId"].startswith("aw-") and len(event["messageId"]) == 39
    assert event["timestamp"] == "2024-01-02T03:04:05.000Z"
    assert (event["userId"], event["anonymousId"]) == ("u-1", "anon-1")
    assert event["integrations"] == {"Amplitude": True, "Mixpanel": True}
    assert event["context"] == {
        "page": {**PAGE, "title": "Given"},
        "groupId": "g-1",
        "traits": {"plan": "team"},
    }
    assert (event["event"], event["properties"]) == ("Upgraded", {})


def test_an_anonymous_event_has_no_user_id(node):
    event = node.call(
        "events",
        "build_event",
        "page",
        {"properties": {}},
        {},
        {"userId": None, "anonymousId": "anon-1"},
        {},
        PAGE,
    )
    assert "userId" not in event and event["anonymousId"] == "anon-1"


@pytest.mark.parametrize(
    ("plugin", "integrations", "enabled"),
    [
        ({"name": "GA4", "type": "destination"}, {}, True),
        ({"name": "GA4", "type": "destination"}, {"All": False}, False),
        ({"name": "GA4", "type": "destination"}, {"All": False, "GA4": True}, True),
        ({"name": "GA4", "type": "destination"}, {"GA4": False}, False),
        ({"name": "GA4", "type": "destination"}, {"GA4": {"measurementId": "x"}}, True),
        ({"name": "Segment.io", "type": "destination"}, {"All": False}, True),
        ({"name": "Segment.io", "type": "destination"}, {"Segment.io": False}, False),
        ({"name": "Enricher", "type": "enrichment"}, {"All": False}, True),
    ],
)
def test_destinations_honour_the_events_integrations(node, plugin, integrations, enabled):
    assert node.call("plugin_shape", "enabled", plugin, integrations) is enabled


V4_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


@pytest.mark.parametrize("secure", [True, False], ids=["randomUUID", "getRandomValues"])
def test_message_ids_are_random_v4_uuids_in_and_out_of_secure_contexts(node, secure):
    # Outside a secure context (a plain-http site) the browser has no crypto.randomUUID.
    ids = node.run(
        "util",
        f"""(util) => {{
            if (!{str(secure).lower()}) crypto.randomUUID = undefined;
            try {{ return Array.from({{length: 500}}, () => util.make_uuid()); }}
            finally {{ delete crypto.randomUUID; }}
        }}""",
    )
    assert len(set(ids)) == 500
    assert all(re.match(V4_UUID, value) for value in ids)

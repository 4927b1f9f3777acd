"""Identity and persistence: Analytics.js's keys and formats, cookies across subdomains,
and storage that is missing or throws."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page

from analytics_web.collector import Fault
from tests.support.pages import call, open_page, page_url
from tests.support.tabs import Tab

ONE_YEAR = 365 * 24 * 3600


def test_ids_are_kept_the_analytics_js_way(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    call(tab, "analytics.identify('u-7', {email: 'e@x.example'})")
    call(tab, "analytics.group('g-7', {name: 'Acme'})")
    anonymous_id = received(2)[0]["anonymousId"]
    storage = tab.evaluate("""Object.fromEntries(['ajs_anonymous_id', 'ajs_user_id', 'ajs_user_traits',
        'ajs_group_id', 'ajs_group_properties'].map(key => [key, localStorage.getItem(key)]))""")
    assert storage == {
        "ajs_anonymous_id": f'"{anonymous_id}"',
        "ajs_user_id": '"u-7"',
        "ajs_user_traits": '{"email":"e@x.example"}',
        "ajs_group_id": '"g-7"',
        "ajs_group_properties": '{"name":"Acme"}',
    }
    cookies = {cookie["name"]: cookie for cookie in tab.cookies()}
    assert {
        name: cookies[name]["value"] for name in ("ajs_anonymous_id", "ajs_user_id", "ajs_group_id")
    } == {"ajs_anonymous_id": anonymous_id, "ajs_user_id": "u-7", "ajs_group_id": "g-7"}
    assert "ajs_user_traits" not in cookies
    cookie = cookies["ajs_anonymous_id"]
    assert (cookie["path"], cookie["sameSite"], cookie["secure"]) == ("/", "Lax", False)
    assert abs(cookie["expires"] - (time.time() + ONE_YEAR)) < 3600


def test_identity_survives_reloads_and_navigations(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key)
    call(tab, "analytics.identify('u-8', {plan: 'pro'})")
    tab.reload()
    call(tab, "analytics.track('After Reload')")
    tab.click("#leave")
    tab.wait_for_url("**/blank.html")
    open_page(tab, site, write_key)
    call(tab, "analytics.track('After Navigating')")
    identify, *tracks = received(3)
    assert [(t["userId"], t["anonymousId"]) for t in tracks] == [
        ("u-8", identify["anonymousId"])
    ] * 2
    assert tab.evaluate("analytics.user().traits()") == {"plan": "pro"}


def test_subdomains_of_one_site_share_the_visitor(page: Page, site, write_key, received):
    port = site.url.rsplit(":", 1)[1]
    app = page_url(site, write_key).replace("127.0.0.1", "app.example.localhost")
    www = page_url(site, write_key).replace("127.0.0.1", "www.example.localhost")
    assert f":{port}/" in app
    page.goto(app)
    call(page, "analytics.identify('shared-user')")
    page.goto(www)
    call(page, "analytics.track('On Another Subdomain')")
    identify, track = received(2)
    assert track["anonymousId"] == identify["anonymousId"]
    assert track["userId"] == "shared-user"
    assert any(
        c["domain"].lstrip(".") == "example.localhost"
        for c in page.context.cookies()
        if c["name"] == "ajs_anonymous_id"
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("document.cookie = 'ajs_anonymous_id=from-cookie; path=/'", "from-cookie"),
        ("document.cookie = 'ajs_anonymous_id=%22quoted-cookie%22; path=/'", "quoted-cookie"),
        # written raw by another program: read as it is, never a reason to stop
        ("document.cookie = 'ajs_anonymous_id=50%; path=/'", "50%"),
        ("document.cookie = 'ajs_anonymous_id=%E0%A4%A; path=/'", "%E0%A4%A"),
        ("localStorage.setItem('ajs_anonymous_id', JSON.stringify('from-local'))", "from-local"),
        ("localStorage.setItem('ajs_anonymous_id', 'bare-local')", "bare-local"),
        (
            "(localStorage.setItem('ajs_anonymous_id', JSON.stringify('stale-local')),"
            " document.cookie = 'ajs_anonymous_id=cookie-wins; path=/')",
            "cookie-wins",
        ),
    ],
    ids=[
        "cookie",
        "quoted-cookie",
        "stray-percent",
        "broken-utf8",
        "json-local",
        "bare-local",
        "cookie-beats-local",
    ],
)
def test_ids_analytics_js_left_behind_are_adopted(
    tab: Tab, site, write_key, received, setup, expected
):
    tab.goto(f"{site.url}/blank.html")
    tab.evaluate(setup)
    open_page(tab, site, write_key)
    call(tab, "analytics.track('Returning Visitor')")
    assert received(1)[0]["anonymousId"] == expected


def test_a_user_analytics_js_identified_stays_identified(tab: Tab, site, write_key, received):
    tab.goto(f"{site.url}/blank.html")
    tab.evaluate("""() => {
        document.cookie = 'ajs_user_id=legacy-user; path=/';
        localStorage.setItem('ajs_user_traits', JSON.stringify({email: 'old@x.example'}));
    }""")
    open_page(tab, site, write_key)
    call(tab, "analytics.identify({plan: 'new'})")
    [event] = received(1)
    assert event["userId"] == "legacy-user"
    assert event["traits"] == {"email": "old@x.example", "plan": "new"}


STORAGE_THROWS = """
for (const name of ['getItem', 'setItem', 'removeItem']) {
  Storage.prototype[name] = () => { throw new DOMException('blocked', 'SecurityError') };
}
"""
COOKIES_BLOCKED = """
Object.defineProperty(Document.prototype, 'cookie', {
  get() { throw new DOMException('blocked', 'SecurityError') },
  set() { throw new DOMException('blocked', 'SecurityError') },
});
"""


@pytest.mark.parametrize(
    "blocked",
    [STORAGE_THROWS, COOKIES_BLOCKED, STORAGE_THROWS + COOKIES_BLOCKED],
    ids=["storage-throws", "cookies-blocked", "both"],
)
def test_events_keep_flowing_when_storage_throws(page: Page, site, write_key, received, blocked):
    page.add_init_script(blocked)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_page(page, site, write_key)
    call(page, "analytics.identify('u-mem', {plan: 'pro'})")
    call(page, "analytics.track('Still Tracked')")
    identify, track = received(2)
    assert track["userId"] == "u-mem"
    assert track["anonymousId"] == identify["anonymousId"]
    assert errors == []


def test_full_local_storage_keeps_events_flowing(page: Page, site, write_key, received):
    page.add_init_script("""Storage.prototype.setItem = () => {
        throw new DOMException('full', 'QuotaExceededError') }""")
    open_page(page, site, write_key)
    call(page, "analytics.track('Quota Exceeded')")
    assert received(1)[0]["event"] == "Quota Exceeded"


def test_a_sandboxed_iframe_without_storage_still_sends(page: Page, site, write_key, received):
    page.goto(f"{site.url}/blank.html")
    with page.expect_event("frameattached") as attached:
        page.evaluate(
            """url => { const frame = document.createElement('iframe');
                frame.sandbox = 'allow-scripts'; frame.src = url; document.body.append(frame); }""",
            page_url(site, write_key),
        )
    frame = attached.value
    frame.wait_for_function("window.analytics && analytics.initialized")
    assert (
        frame.evaluate(
            "(() => { try { localStorage; return 'usable' } catch (e) { return 'throws' } })()"
        )
        == "throws"
    )
    frame.evaluate("analytics.track('From Sandbox')")
    assert received(1)[0]["event"] == "From Sandbox"


def test_disable_client_persistence_keeps_identity_in_memory(tab: Tab, site, write_key, received):
    open_page(tab, site, write_key, disableClientPersistence=True)
    call(tab, "analytics.identify('u-volatile')")
    call(tab, "analytics.track('In Memory')")
    identify, track = received(2)
    assert track["userId"] == "u-volatile" and track["anonymousId"] == identify["anonymousId"]
    assert tab.evaluate("Object.keys(localStorage).filter(key => key.startsWith('ajs_'))") == []
    assert not [c for c in tab.cookies() if c["name"].startswith("ajs_")]


def test_disable_client_persistence_stores_nothing_while_the_api_fails(
    tab: Tab, site, write_key, collector, received
):
    """The outbox keeps to memory too: an event waiting for a retry holds the user's id and
    traits, and nothing of the visitor may touch the browser's storage in this mode."""
    collector.inject(Fault(status=503, write_key=write_key))
    open_page(tab, site, write_key, disableClientPersistence=True)
    stored = tab.evaluate("""async () => {
        const ctx = await analytics.identify('u-volatile', {email: 'v@x.example'});
        return {pending: Boolean(ctx.failedDelivery()), local: Object.keys(localStorage),
                session: Object.keys(sessionStorage), cookies: document.cookie};
    }""")
    assert stored == {"pending": True, "local": [], "session": [], "cookies": ""}
    assert received(1)[0]["userId"] == "u-volatile"  # retried from memory


def test_cookie_options_and_storage_order(tab: Tab, site, write_key, received):
    open_page(
        tab,
        site,
        write_key,
        cookie={"maxage": 7, "sameSite": "Strict"},
        storage={"stores": ["localStorage", "cookie"]},
    )
    tab.evaluate("""() => {
        localStorage.setItem('ajs_anonymous_id', JSON.stringify('local-first'));
        document.cookie = 'ajs_anonymous_id=cookie-second; path=/';
    }""")
    call(tab, "analytics.track('Ordered')")
    assert received(1)[0]["anonymousId"] == "local-first"
    call(tab, "analytics.identify('u-opts')")
    cookie = next(c for c in tab.cookies() if c["name"] == "ajs_user_id")
    assert cookie["sameSite"] == "Strict"
    assert abs(cookie["expires"] - (time.time() + 7 * 24 * 3600)) < 3600


def test_cookies_are_secure_on_https(browser: Browser, https_site: str, write_key):
    context = browser.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(f"{https_site}/basic.html?key={write_key}")
        page.evaluate("analytics.user().anonymousId()")
        cookie = next(c for c in context.cookies() if c["name"] == "ajs_anonymous_id")
        assert cookie["secure"] is True
    finally:
        context.close()


def test_a_configured_cookie_domain_is_used(page: Page, site, write_key, received):
    app = page_url(site, write_key, cookie={"domain": "app.example.localhost"})
    page.goto(app.replace("127.0.0.1", "app.example.localhost"))
    page.evaluate("analytics.identify('host-only')")
    cookie = next(c for c in page.context.cookies() if c["name"] == "ajs_user_id")
    assert cookie["domain"].lstrip(".") == "app.example.localhost"
    page.goto(page_url(site, write_key).replace("127.0.0.1", "www.example.localhost"))
    assert "ajs_user_id" not in page.evaluate("document.cookie")

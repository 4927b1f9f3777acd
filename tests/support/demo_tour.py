"""A visitor's walk through the demo site, shared by the demo tests and the script that makes
the screenshot of the debugger in docs/collector.md."""

from __future__ import annotations

from playwright.sync_api import Page, expect

# What the walk sends, as the debugger lists it: (type, what it shows for the event).
TOUR_EVENTS = [
    ("page", "/"),
    ("track", "CTA Clicked"),
    ("page", "/signup.html"),
    ("identify", "ada@example.com"),
    ("group", "acct_analytical-engines (Analytical Engines)"),
    ("track", "Signed Up"),
    ("page", "/account.html"),
    ("group", "ws_analytical-engines_main (Main workspace)"),
    ("group", "proj_analytical-engines_website (Website relaunch)"),
    ("track", "Teammate Invited"),
    ("track", "Project Deployed"),
    ("track", "Plan Upgraded"),
    ("page", "/app/"),
    ("page", "/app/reports"),
    ("track", "Report Exported"),
    ("page", "/app/settings"),
    ("page", "/playground.html"),
    ("track", "Queued Before Leaving"),
]


def take_the_tour(page: Page, base_url: str) -> None:
    """Home, sign up, the account hierarchy, the SPA, then leave from the playground with
    events still queued; ends on the debugger."""
    page.goto(base_url)
    page.click("#consent-accept")  # nothing is sent before the visitor answers the banner
    page.click("#start-trial")
    page.wait_for_url("**/signup.html")
    page.click("#signup button[type=submit]")
    page.wait_for_url("**/account.html")
    expect(page.locator("#hierarchy")).to_be_visible()
    for button in ("#invite", "#deploy", "#upgrade"):
        page.click(button)

    page.click("header >> text=App (SPA)")
    expect(page.locator("#view h1")).to_have_text("Dashboard")
    page.click(".app-nav >> text=Reports")
    expect(page.locator("#view h1")).to_have_text("Reports")
    page.click("#action")
    page.click(".app-nav >> text=Settings")
    expect(page.locator("#view h1")).to_have_text("Settings")

    page.click("header >> text=Playground")
    expect(page.locator("#anonymous-id")).not_to_be_empty()  # the bundle is loaded
    page.click("#leave")  # three events queued for a 5 s batch, and the page goes at once
    page.wait_for_url("**/debugger")

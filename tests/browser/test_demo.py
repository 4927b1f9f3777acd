"""docs/collector.md's run command: `analytics-web demo` serves a site whose events a person can watch
arrive in the debugger."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.demo_tour import TOUR_EVENTS, take_the_tour
from tests.support.processes import start_cli, stop_process


class Demos:
    """`analytics-web demo` processes on free ports; all of them are stopped after the test."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen[str]] = {}

    def start(self, db: Path) -> str:
        """Run the demo keeping events in db; returns its URL once it listens."""
        process, first_line = start_cli("demo", "--port", "0", "--db", str(db))
        assert first_line.startswith("demo site:"), first_line
        url = first_line.split()[-1]
        self.processes[url] = process
        return url

    def stop(self, url: str) -> None:
        stop_process(self.processes.pop(url))

    def stop_all(self) -> None:
        for url in list(self.processes):
            self.stop(url)


@pytest.fixture
def demos(dist: Path) -> Iterator[Demos]:
    running = Demos()
    yield running
    running.stop_all()


@pytest.fixture
def demo_url(demos: Demos, tmp_path: Path) -> str:
    return demos.start(tmp_path / "events.sqlite3")


def rows(page: Page, type_: str, text: str):
    return page.locator(f".event[data-type={type_}]").filter(
        has=page.locator(".name", has_text=text)
    )


def post_batch(demo_url: str, *messages: dict) -> None:
    body = json.dumps({"batch": list(messages), "writeKey": "demo-write-key"}).encode()
    request = urllib.request.Request(
        f"{demo_url}v1/batch", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_every_call_of_a_visit_shows_up_in_the_debugger(page: Page, demo_url: str):
    take_the_tour(page, demo_url)

    for type_, text in TOUR_EVENTS:
        expect(rows(page, type_, text).first).to_be_visible()
    # The three events queued for a 5 s batch when the page went were sent on the way out.
    expect(rows(page, "track", "Queued Before Leaving")).to_have_count(3)
    expect(page.locator("#count-rejected")).to_have_text("0")


def test_tracks_carry_the_group_level_they_act_on(page: Page, demo_url: str):
    take_the_tour(page, demo_url)

    for event, group in [
        ("Plan Upgraded", "acct_analytical-engines"),
        ("Teammate Invited", "ws_analytical-engines_main"),
        ("Project Deployed", "proj_analytical-engines_website"),
    ]:
        row = rows(page, "track", event)
        row.locator("summary").first.click()
        expect(row.locator(".pretty")).to_contain_text(f"groupId{group}")
    workspace = rows(page, "group", "ws_analytical-engines_main")
    workspace.locator("summary").first.click()
    expect(workspace.locator(".pretty")).to_contain_text(
        "traits.parent_group_idacct_analytical-engines"
    )


def test_debugger_shows_markup_in_events_as_text(page: Page, demo_url: str):
    attack = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
    post_batch(
        demo_url,
        {
            "type": "track",
            "event": f"Hostile {attack}",
            "anonymousId": "anon-1",
            "messageId": "m-hostile",
            "properties": {"comment": attack},
        },
    )
    page.goto(f"{demo_url}debugger")
    row = page.locator(".event").first
    expect(row.locator(".name")).to_have_text(f"Hostile {attack}")
    row.locator("summary").first.click()
    row.locator(".raw summary").click()
    expect(row.locator(".pretty")).to_contain_text(attack)
    expect(row.locator(".raw pre")).to_contain_text('"comment": "<img src=x')
    expect(page.locator("#events img, #events script")).to_have_count(0)
    assert page.evaluate("window.pwned") is None


def test_debugger_filters_by_type_and_user(page: Page, demo_url: str):
    post_batch(
        demo_url,
        {"type": "track", "event": "Ada Clicked", "userId": "ada", "messageId": "m1"},
        {"type": "page", "name": "Ada Page", "userId": "ada", "messageId": "m2"},
        {"type": "track", "event": "Bob Clicked", "anonymousId": "anon-bob", "messageId": "m3"},
    )
    page.goto(f"{demo_url}debugger")
    expect(page.locator(".event")).to_have_count(3)
    expect(page.locator("#count-events")).to_have_text("3")
    expect(page.locator("#count-requests")).to_have_text("1")

    page.select_option("#filter-type", "track")
    expect(page.locator(".event .name")).to_have_text(["Bob Clicked", "Ada Clicked"])
    page.fill("#filter-user", "anon-bob")
    expect(page.locator(".event .name")).to_have_text(["Bob Clicked"])
    page.select_option("#filter-type", "")
    page.fill("#filter-user", "ada")
    expect(page.locator(".event .name")).to_have_text(["Ada Page", "Ada Clicked"])


def test_debugger_shows_each_event_s_visit_and_filters_by_it(page: Page, demo_url: str):
    post_batch(
        demo_url,
        {"type": "page", "name": "Landing", "anonymousId": "a", "messageId": "s1",
         "context": {"sessionId": 1700000000000, "sessionStart": True}},
        {"type": "track", "event": "Next Visit", "anonymousId": "a", "messageId": "s2",
         "context": {"sessionId": 1700009000000, "sessionStart": True}},
    )  # fmt: skip
    page.goto(f"{demo_url}debugger")
    expect(page.locator(".event .session")).to_have_text(
        ["visit 1700009000000", "visit 1700000000000"]
    )
    page.locator(".event .session", has_text="1700000000000").click()
    expect(page.locator("#filter-session")).to_have_value("1700000000000")
    expect(page.locator(".event .name")).to_have_text(["Landing"])
    page.fill("#filter-session", "1700009000000")
    expect(page.locator(".event .name")).to_have_text(["Next Visit"])


def test_debugger_adds_new_events_on_top_as_they_arrive(page: Page, demo_url: str):
    post_batch(demo_url, {"type": "track", "event": "First", "userId": "u", "messageId": "a"})
    page.goto(f"{demo_url}debugger")
    expect(page.locator(".event .name")).to_have_text(["First"])
    post_batch(demo_url, {"type": "track", "event": "Second", "userId": "u", "messageId": "b"})
    expect(page.locator(".event .name")).to_have_text(["Second", "First"])


def test_debugger_lists_what_was_stored_before_a_restart(page: Page, demos: Demos, tmp_path: Path):
    db = tmp_path / "kept.sqlite3"
    first = demos.start(db)
    post_batch(first, {"type": "track", "event": "Before Restart", "userId": "u", "messageId": "k"})
    demos.stop(first)
    second = demos.start(db)
    page.goto(f"{second}debugger")
    expect(page.locator(".event .name")).to_have_text(["Before Restart"])


def test_playground_batches_a_burst_of_events(page: Page, demo_url: str):
    page.goto(f"{demo_url}playground.html")
    page.click("#consent-accept")
    expect(page.locator("#anonymous-id")).not_to_be_empty()
    page.click("#batch")
    debugger = page.context.new_page()
    debugger.goto(f"{demo_url}debugger")
    expect(rows(debugger, "track", "Batch Event Sent")).to_have_count(25)
    # The page view and 9 tracks fill the first batch; the other 16 arrive while it is in
    # flight and go together once it is answered.
    with urllib.request.urlopen(f"{demo_url}v1/requests", timeout=5) as response:
        sizes = [request["events"] for request in json.load(response)["requests"]]
    assert sizes == [10, 16]


def test_playground_reset_starts_a_new_anonymous_visitor(page: Page, demo_url: str):
    page.goto(f"{demo_url}playground.html")
    anonymous_id = page.locator("#anonymous-id")
    expect(anonymous_id).not_to_be_empty()
    before = anonymous_id.text_content()
    page.click("#reset")
    expect(anonymous_id).not_to_have_text(before or "")
    expect(page.locator("#user-id")).to_have_text("(none)")


def test_playground_debug_button_logs_calls_to_the_console(page: Page, demo_url: str):
    page.goto(f"{demo_url}playground.html")
    expect(page.locator("#anonymous-id")).not_to_be_empty()
    page.click("#debug-on")
    with page.expect_console_message(lambda message: "Batch Event Sent" in message.text):
        page.click("#batch")


def test_an_app_route_opened_directly_is_that_route_and_one_page_view(page: Page, demo_url: str):
    page.goto(f"{demo_url}app/reports")
    expect(page.locator("#view h1")).to_have_text("Reports")
    page.click("#consent-accept")  # the SPA asks too; the landing view waited for the answer
    debugger = page.context.new_page()
    debugger.goto(f"{demo_url}debugger")
    expect(rows(debugger, "page", "/app/reports")).to_have_count(1)


def test_layout_templates_are_not_served_as_pages(demo_url: str):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{demo_url}_base.html", timeout=5)
    assert refused.value.code == 404


def test_debugger_shows_odd_values_as_json_and_keeps_updating(page: Page, demo_url: str):
    """Objects where the debugger expects text: shown as JSON, and the poll goes on."""
    post_batch(
        demo_url,
        {
            "type": "identify",
            "userId": {"toString": 1},
            "anonymousId": "a",
            "messageId": "odd-1",
            "traits": {"email": {"address": "a@x.example"}},
        },
        {"type": "page", "name": {"toString": 1}, "anonymousId": "a", "messageId": "odd-2"},
        {
            "type": "group",
            "groupId": "g",
            "anonymousId": "a",
            "messageId": "odd-3",
            "traits": {"name": {"toString": 1}},
        },
    )
    page.goto(f"{demo_url}debugger")
    expect(page.locator(".event .name")).to_have_text(
        ['g ({"toString":1})', '{"toString":1}', '{"address":"a@x.example"}']
    )
    expect(page.locator(".event .who").last).to_have_text('{"toString":1}')
    post_batch(
        demo_url, {"type": "track", "event": "Still Polling", "userId": "u", "messageId": "n"}
    )
    expect(page.locator(".event .name").first).to_have_text("Still Polling")
    expect(page.locator("#status")).to_have_text("")


def test_nothing_arrives_before_the_visitor_answers_the_banner(page: Page, demo_url: str):
    page.goto(demo_url)
    expect(page.locator("#consent-banner")).to_be_visible()
    page.click("#start-trial")  # tracked, and the page moves on: still nothing may leave
    page.wait_for_url("**/signup.html")
    with urllib.request.urlopen(f"{demo_url}v1/stats", timeout=5) as response:
        assert json.loads(response.read())["requests"] == 0
    page.uncheck("#consent-analytics")
    page.check("#consent-marketing")
    page.click("#consent-choose")
    expect(page.locator("#consent-banner")).to_be_hidden()
    page.goto(f"{demo_url}debugger")
    # The sign-up page's view, kept until the choice, arrives stamped with it.
    row = rows(page, "page", "/signup.html").first
    expect(row.locator(".consent-stamp")).to_have_text("analytics ✗ marketing ✓")


def test_the_debugger_shows_each_events_consent_stamp(page: Page, demo_url: str):
    take_the_tour(page, demo_url)
    for type_, text in TOUR_EVENTS:  # every page of the walk asked first
        expect(rows(page, type_, text).first.locator(".consent-stamp")).to_have_text(
            "analytics ✓ marketing ✓"
        )
    expect(page.locator(".event .consent-stamp.missing")).to_have_count(0)
    expect(page.locator(".event .consent-stamp").first).to_have_text("analytics ✓ marketing ✓")


def test_the_debugger_shows_when_an_event_happened_and_a_wrong_clock(page: Page, demo_url: str):
    """A visitor whose clock is 3 hours ahead: the event is listed at the time it happened by
    the collector's clock, flagged with the skew."""
    fast = datetime.now(UTC) + timedelta(hours=3)
    stamp = fast.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    post_batch(
        demo_url,
        {
            "type": "track",
            "event": "From A Fast Clock",
            "userId": "u",
            "messageId": "skewed",
            "timestamp": stamp,
            "sentAt": stamp,
        },
    )
    page.goto(f"{demo_url}debugger")
    row = rows(page, "track", "From A Fast Clock")
    expect(row.locator(".skew")).to_have_text("clock 3 h ahead")
    shown = row.locator("time.happened").get_attribute("datetime")
    assert shown is not None
    assert abs(datetime.fromisoformat(shown) - datetime.now(UTC)) < timedelta(minutes=1)

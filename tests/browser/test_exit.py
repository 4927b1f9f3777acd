"""Leaving the site loses no event: what is queued when the visitor goes to another site (where
no library can resend it) or closes the tab is delivered by the page on its way out.

Chromium lets a page being left send 64 KB (keepalive fetches and beacons together); Firefox
counts keepalive fetches the same way but not beacons. Events are realistic product lists
(~3 KB each, repeating keys and catalogue names, varying SKUs and prices), so what the exit
path does with them is what it would do with a shop's events.
"""

from __future__ import annotations

import pytest

from tests.support.pages import batching, open_page
from tests.support.tabs import Tab
from tests.support.workloads import queue_product_lists, wait_until_compressed


def another_site(site) -> str:
    """A page of another site: the test site under another host name, on a page with no library."""
    return site.url.replace("127.0.0.1", "localhost") + "/blank.html"


@pytest.mark.parametrize("count", [25, 100])
def test_leaving_for_another_site_delivers_every_queued_event(
    tab: Tab, site, write_key, received, report_delivery, count
):
    open_page(tab, site, write_key, **batching(200, 60_000))
    queued = queue_product_lists(tab, count)
    assert queued > count * 2_500
    wait_until_compressed(tab, count)
    tab.goto(another_site(site))
    events = received(count, timeout=15)
    assert len({event["messageId"] for event in events}) == count
    report_delivery(f"leave for another site, {count} x 3 KB queued", count)


def test_closing_the_tab_delivers_every_queued_event(
    tab: Tab, site, write_key, received, report_delivery
):
    open_page(tab, site, write_key, **batching(200, 60_000))
    queue_product_lists(tab, 100)
    wait_until_compressed(tab, 100)
    tab.close()
    events = received(100, timeout=15)
    assert len({event["messageId"] for event in events}) == 100
    report_delivery("close the tab, 100 x 3 KB queued", 100)


def test_events_queued_in_a_burst_just_before_leaving_still_go(tab: Tab, site, write_key, received):
    """Without batching each call goes at once; a burst the page leaves in the middle of must
    not be cut off with the tab."""
    open_page(tab, site, write_key)
    tab.evaluate("document.getElementById('leave').href = " + repr(another_site(site)))
    queue_product_lists(tab, 60)
    tab.click("#leave")
    events = received(60, timeout=15)
    assert len({event["messageId"] for event in events}) == 60


def test_the_exit_uses_gzip_only_when_plain_bodies_would_not_fit(
    tab: Tab, site, write_key, collector, received
):
    open_page(tab, site, write_key, **batching(200, 60_000))
    queue_product_lists(tab, 5)  # ~15 KB: fits the budget as it is
    tab.goto(another_site(site))
    received(5)
    assert {r["content_encoding"] for r in collector.store.requests(write_key=write_key)} == {None}


def test_compress_false_never_gzips_even_at_exit(tab: Tab, site, write_key, collector, received):
    options = batching(200, 60_000)
    options["integrations"]["Segment.io"]["compress"] = False
    open_page(tab, site, write_key, **options)
    queue_product_lists(tab, 25)  # 75 KB: over the 64 KB a page being left may send
    tab.goto(another_site(site))
    open_page(tab, site, write_key, **options)  # the next visit sends what the exit could not
    received(25, timeout=15)
    encodings = [r["content_encoding"] for r in collector.store.requests(write_key=write_key)]
    assert encodings and set(encodings) == {None}

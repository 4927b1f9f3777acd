"""Opening test pages with a write key and load options."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from playwright.sync_api import Page

from tests.support.tabs import Tab


def page_url(site, write_key: str, path: str = "basic.html", **options: Any) -> str:
    path, _, query = path.partition("?")
    params = [*urllib.parse.parse_qsl(query), ("key", write_key)]
    if options:
        params.append(("options", json.dumps(options)))
    return f"{site.url}/{path}?{urllib.parse.urlencode(params)}"


def open_page(
    page: Page | Tab, site, write_key: str, path: str = "basic.html", **options: Any
) -> None:
    page.goto(page_url(site, write_key, path, **options))


def batching(size: int, timeout: int) -> dict[str, Any]:
    """Load options for Analytics.js-style batching."""
    return {
        "integrations": {
            "Segment.io": {
                "deliveryStrategy": {
                    "strategy": "batching",
                    "config": {"size": size, "timeout": timeout},
                }
            }
        }
    }


def call(page: Page | Tab, script: str) -> Any:
    """Run one analytics call and wait for its promise, so the collector has the event;
    returns the event as sent."""
    return page.evaluate(f"async () => {{ const ctx = await {script}; return ctx && ctx.event }}")


def send_marker(page: Page | Tab, api_host: str, write_key: str) -> None:
    """A marker event the page sends itself, straight to the collector, one task after what it
    did before: whatever the library was going to send by then has gone first. Waiting for the
    marker, then finding nothing else, proves nothing was sent, where sleeping cannot."""
    page.evaluate(
        """async ([host, key]) => {
            await new Promise(resolve => setTimeout(resolve, 0));
            await fetch('http://' + host + '/batch', {
                method: 'POST', headers: {'Content-Type': 'text/plain'},
                body: JSON.stringify({writeKey: key, batch: [{type: 'track', event: 'Marker',
                    anonymousId: 'marker', messageId: 'marker-' + Math.random()}]}),
            });
        }""",
        [api_host, write_key],
    )

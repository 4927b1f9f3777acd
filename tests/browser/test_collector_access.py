"""In a real browser: a page on another origin may post events to the collector and cannot
read them back."""

from __future__ import annotations

from tests.support.collector_client import accepts_events
from tests.support.tabs import Tab

READ_ENDPOINTS = ["/v1/events", "/v1/stats", "/v1/requests"]


def test_a_page_on_another_origin_cannot_read_but_can_post(tab: Tab, site, server):
    """In a real browser: the test site is another origin (another port) than this collector."""
    tab.goto(f"{site.url}/blank.html")
    outcome = tab.evaluate(
        """async (base) => {
        const posted = await fetch(base + '/v1/batch', {method: 'POST', headers: {'Content-Type': 'text/plain'},
            body: JSON.stringify({writeKey: 'k', batch: [{type: 'track', event: 'E', anonymousId: 'a'}]})});
        let read;
        try { read = (await fetch(base + '/v1/events')).status } catch (error) { read = 'blocked' }
        const fault = await fetch(base + '/admin/faults', {method: 'POST', mode: 'no-cors',
            headers: {'Content-Type': 'text/plain'}, body: JSON.stringify({status: 503, count: 3})});
        return {posted: posted.status, read};
    }""",
        server.url,
    )
    assert outcome == {"posted": 200, "read": "blocked"}
    assert accepts_events(server)  # the no-cors fault was refused: the next post is stored
    assert len(server.store.events(write_key="k")) == 2

"""Who may read events and inject faults: the Tracking API is open to every page; the rest is
for the collector's own pages, local tools and the holder of the token."""

from __future__ import annotations

import pytest

from tests.support.collector_client import accepts_events, post, request, track

READ_ENDPOINTS = ["/v1/events", "/v1/stats", "/v1/requests"]


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_local_tools_read_without_a_token(server, path):
    status, _, headers = request(server, path)
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize("path", READ_ENDPOINTS)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Host": "rebound.evil.example"},
    ],
    ids=["other-origin", "cross-site", "same-site", "dns-rebinding-host"],
)
def test_other_sites_cannot_read_events(server, path, headers):
    post(server, "/v1/batch", {"batch": [track()], "writeKey": "k"})
    status, answer, response_headers = request(server, path, headers=headers)
    assert status == 403 and "token" in answer["error"]
    assert "Access-Control-Allow-Origin" not in response_headers


def test_the_token_opens_the_read_endpoints_to_other_hosts(server):
    host = {"Host": "collector.example.dev"}
    assert request(server, "/v1/stats", headers=host)[0] == 403
    bearer = {"Authorization": f"Bearer {server.access.token}", **host}
    assert request(server, "/v1/stats", headers=bearer)[0] == 200
    assert request(server, f"/v1/stats?token={server.access.token}", headers=host)[0] == 200
    assert request(server, "/v1/stats?token=wrong", headers=host)[0] == 403


def test_a_cross_site_text_plain_post_injects_no_fault(server):
    headers = {
        "Content-Type": "text/plain",
        "Origin": "http://evil.example",
        "Sec-Fetch-Site": "cross-site",
    }
    status, _, _ = post(server, "/admin/faults", {"status": 503, "count": 5}, headers)
    assert status == 403
    assert accepts_events(server)


def test_the_tracking_api_stays_open_to_every_origin(server):
    headers = {
        "Origin": "http://shop.example",
        "Sec-Fetch-Site": "cross-site",
        "Host": "api.example.dev",
    }
    status, _, response_headers = post(
        server, "/v1/batch", {"batch": [track()], "writeKey": "k"}, headers
    )
    assert status == 200
    assert response_headers["Access-Control-Allow-Origin"] == "http://shop.example"


def test_a_preflight_to_the_read_api_grants_nothing(server):
    status, _, headers = request(
        server,
        "/v1/events",
        method="OPTIONS",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert status == 405  # the read API has no preflight route: nothing to grant
    assert "Access-Control-Allow-Origin" not in headers

"""The collector's HTTP surface: Segment's Tracking API plus endpoints for tests and the debugger."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.store import EventStore, RequestRecord
from analytics_web.collector.validation import (
    BATCH_PATHS,
    MAX_REQUEST_BYTES,
    SINGLE_MESSAGE_PATHS,
    PayloadError,
    check_size,
    parse_request,
    write_key_from_authorization,
)

log = logging.getLogger(__name__)

STORE_KEY = web.AppKey("store", EventStore)
FAULTS_KEY = web.AppKey("faults", FaultPlan)
WRITE_KEYS_KEY = web.AppKey("write_keys", frozenset)

CORS_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "86400",
}
TRACKING_ENDPOINTS = sorted(BATCH_PATHS | set(SINGLE_MESSAGE_PATHS))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let pages on any origin post events and read the API, with or without a preflight."""
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response.headers["Vary"] = "Origin"
    response.headers.update(CORS_HEADERS)
    return response


async def track(request: web.Request) -> web.StreamResponse:
    endpoint = request.match_info["endpoint"]
    store = request.app[STORE_KEY]
    raw = await request.read()
    write_key = write_key_from_authorization(request.headers.get("Authorization"))
    # Retries say so in an X-Retry-Count header or, to stay CORS-simple, as "retryCount".
    retry_count = _int_or_none(request.headers.get("X-Retry-Count"))

    def request_record(status: int, **fields: object) -> RequestRecord:
        return RequestRecord(
            path=request.path,
            status=status,
            bytes=request.content_length or len(raw),  # on the wire, before gzip is undone
            retry_count=retry_count,
            content_type=request.content_type,
            content_encoding=request.headers.get("Content-Encoding"),
            **fields,  # type: ignore[arg-type]
        )

    def record(status: int, **fields: object) -> None:
        store.log_request(request_record(status, **fields))

    try:
        check_size(raw)
        parsed = parse_request(endpoint, raw, request.headers.get("Authorization"))
        write_key = parsed.write_key
        retry_count = retry_count if retry_count is not None else parsed.retry_count
        allowed = request.app[WRITE_KEYS_KEY]
        if allowed and write_key not in allowed:
            raise PayloadError(f"write key {write_key!r} is not allowed here", status=401)
    except PayloadError as error:
        fault = request.app[FAULTS_KEY].take(write_key)
        if fault is not None:
            return await _apply_fault(request, fault, record, write_key)
        record(error.status, write_key=write_key, error=str(error))
        return web.json_response({"success": False, "error": str(error)}, status=error.status)

    fault = request.app[FAULTS_KEY].take(write_key)
    if fault is not None and (fault.status is not None or fault.drop):
        return await _apply_fault(request, fault, record, write_key, events=len(parsed.messages))
    if fault is not None:
        await asyncio.sleep(fault.delay)

    store.add_events(
        write_key,
        parsed.messages,
        request_record(200, write_key=write_key, events=len(parsed.messages)),
    )
    return web.json_response({"success": True})


async def _apply_fault(
    request: web.Request,
    fault: Fault,
    record: Callable[..., None],
    write_key: str | None,
    events: int = 0,
) -> web.StreamResponse:
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.drop:
        record(0, write_key=write_key, events=events, error="connection dropped (injected)")
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # nothing more can be said on an aborted connection
    status = fault.status or 500
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    record(status, write_key=write_key, events=events, error=f"injected {status}")
    return web.json_response(
        {"success": False, "error": f"injected fault: {status}"}, status=status, headers=headers
    )


async def list_events(request: web.Request) -> web.Response:
    query = request.query
    events = request.app[STORE_KEY].events(
        write_key=query.get("writeKey"),
        type=query.get("type"),
        user=query.get("user"),
        since=query.get("since"),
        after_id=_int_or_none(query.get("after")),
        limit=_int_or_none(query.get("limit")) or 1000,
        newest_first=query.get("order") == "desc",
    )
    return web.json_response({"events": events})


async def stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STORE_KEY].stats(write_key=request.query.get("writeKey")))


async def list_requests(request: web.Request) -> web.Response:
    return web.json_response(
        {"requests": request.app[STORE_KEY].requests(write_key=request.query.get("writeKey"))}
    )


async def add_fault(request: web.Request) -> web.Response:
    try:
        document = await request.json()
        fault = Fault.from_json(document)
    except (json.JSONDecodeError, ValueError, TypeError) as error:
        return web.json_response({"success": False, "error": str(error)}, status=400)
    request.app[FAULTS_KEY].add(fault)
    return web.json_response({"success": True})


async def clear_faults(request: web.Request) -> web.Response:
    request.app[FAULTS_KEY].clear()
    return web.json_response({"success": True})


def create_app(
    store: EventStore,
    *,
    faults: FaultPlan | None = None,
    write_keys: Iterable[str] = (),
) -> web.Application:
    """The collector as an aiohttp application.

    ``write_keys``, when given, are the only keys accepted; otherwise any key is, as a
    development collector should.
    """
    app = web.Application(middlewares=[cors], client_max_size=MAX_REQUEST_BYTES * 4)
    app[STORE_KEY] = store
    app[FAULTS_KEY] = faults or FaultPlan()
    app[WRITE_KEYS_KEY] = frozenset(write_keys)
    endpoints = "|".join(TRACKING_ENDPOINTS)
    app.router.add_post(f"/v1/{{endpoint:(?:{endpoints})}}", track)
    app.router.add_get("/v1/events", list_events)
    app.router.add_get("/v1/stats", stats)
    app.router.add_get("/v1/requests", list_requests)
    app.router.add_post("/admin/faults", add_fault)
    app.router.add_delete("/admin/faults", clear_faults)
    # Preflights for the API's paths only: a catch-all would answer 405 to any other GET.
    app.router.add_route("OPTIONS", "/v1/{tail:.*}", _preflight)
    app.router.add_route("OPTIONS", "/admin/{tail:.*}", _preflight)
    return app


async def _preflight(request: web.Request) -> web.Response:
    return web.Response(status=204)  # the cors middleware adds the headers


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None

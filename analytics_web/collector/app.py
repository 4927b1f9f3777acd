"""The collector's HTTP surface: Segment's Tracking API plus endpoints for tests and the debugger.

The Tracking API is open to pages on any origin (CORS), as Segment's is. Reading events back
and injecting faults is not: see :mod:`analytics_web.tracking_api.access`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable

from aiohttp import web

from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.store import EventStore, RequestRecord
from analytics_web.tracking_api import (
    ACCESS_KEY,
    BODY_TIMEOUT_KEY,
    BODY_TIMEOUT_S,
    LONE_SURROGATE,
    MAX_STORED_INTEGER,
    TRACKING_PATH,
    Access,
    PayloadError,
    TrackingCall,
    close_after_timeout,
    error_response,
    guarded,
    json_response,
    open_to_pages,
    parse_json,
    read_body,
    tracking_preflight,
)

STORE_KEY = web.AppKey("store", EventStore)
FAULTS_KEY = web.AppKey("faults", FaultPlan)
WRITE_KEYS_KEY = web.AppKey("write_keys", frozenset)

MAX_ADMIN_BYTES = 16 * 1024
MAX_EVENTS_PAGE = 10_000


async def track(request: web.Request) -> web.StreamResponse:
    return open_to_pages(request, await _track(request))


def not_allowed(allowed: frozenset[str]) -> Callable[[str], str | None]:
    """Why a write key is refused: only when the collector was given a list without it."""

    def refusal(write_key: str) -> str | None:
        if allowed and write_key not in allowed:
            return f"write key {write_key!r} is not allowed here"
        return None

    return refusal


async def _track(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE_KEY]
    call = TrackingCall(request)

    def request_record(status: int, **fields: object) -> RequestRecord:
        return RequestRecord(
            path=request.path,
            status=status,
            bytes=request.content_length or len(call.raw),  # on the wire, before gzip is undone
            retry_count=call.retry_count,
            content_type=request.content_type,
            content_encoding=request.headers.get("Content-Encoding"),
            **fields,  # type: ignore[arg-type]
        )

    def record(status: int, **fields: object) -> None:
        store.log_request(request_record(status, **fields))

    try:
        parsed = await call.read(not_allowed(request.app[WRITE_KEYS_KEY]))
    except PayloadError as error:
        fault = request.app[FAULTS_KEY].take(call.write_key)
        if fault is not None:
            return await _apply_fault(request, fault, record, call.write_key)
        record(error.status, write_key=call.write_key, error=str(error))
        return error_response(error)
    write_key = parsed.write_key

    fault = request.app[FAULTS_KEY].take(write_key)
    if fault is not None and (fault.status is not None or fault.drop):
        return await _apply_fault(request, fault, record, write_key, events=len(parsed.messages))
    if fault is not None:
        await asyncio.sleep(fault.delay)

    store.add_events(
        write_key,
        parsed.messages,
        request_record(200, write_key=write_key, events=len(parsed.messages)),
        batch_sent_at=parsed.sent_at,
    )
    return json_response({"success": True})


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
    response = json_response(
        {"success": False, "error": f"injected fault: {status}"}, status=status
    )
    if fault.retry_after is not None:
        response.headers["Retry-After"] = f"{fault.retry_after:g}"
    record(status, write_key=write_key, events=events, error=f"injected {status}")
    return response


# -- reading back and fault injection: the collector's own pages, local tools, the token ---------


def _query_text(request: web.Request, name: str) -> str | None:
    value = request.query.get(name)
    if value is not None and LONE_SURROGATE.search(value):
        raise PayloadError(f"?{name}= is not valid Unicode text")
    return value


def _query_int(request: web.Request, name: str, low: int, high: int) -> int | None:
    value = request.query.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
        raise PayloadError(f"?{name}= must be an integer from {low} to {high}, got {value!r:.40}")
    return int(value)


async def list_events(request: web.Request) -> web.Response:
    limit = _query_int(request, "limit", 1, MAX_EVENTS_PAGE)
    events = request.app[STORE_KEY].events(
        write_key=_query_text(request, "writeKey"),
        type=_query_text(request, "type"),
        user=_query_text(request, "user"),
        session=_query_text(request, "session"),
        since=_query_text(request, "since"),
        after_id=_query_int(request, "after", 0, MAX_STORED_INTEGER),
        limit=limit if limit is not None else 1000,
        newest_first=request.query.get("order") == "desc",
    )
    return json_response({"events": events})


async def stats(request: web.Request) -> web.Response:
    return json_response(request.app[STORE_KEY].stats(write_key=_query_text(request, "writeKey")))


async def list_requests(request: web.Request) -> web.Response:
    requests = request.app[STORE_KEY].requests(write_key=_query_text(request, "writeKey"))
    return json_response({"requests": requests})


async def add_fault(request: web.Request) -> web.Response:
    document = parse_json(await read_body(request, MAX_ADMIN_BYTES))
    try:
        fault = Fault.from_json(document)
    except ValueError as error:
        raise PayloadError(str(error)) from None
    request.app[FAULTS_KEY].add(fault)
    return json_response({"success": True})


async def clear_faults(request: web.Request) -> web.Response:
    request.app[FAULTS_KEY].clear()
    return json_response({"success": True})


def create_app(
    store: EventStore,
    *,
    faults: FaultPlan | None = None,
    write_keys: Iterable[str] = (),
    access: Access | None = None,
    body_timeout: float = BODY_TIMEOUT_S,
) -> web.Application:
    """The collector as an aiohttp application.

    Serve it with ``auto_decompress=False`` (``analytics_web.serving`` does): the collector
    undoes Content-Encoding itself, bounded. ``write_keys``, when given, are the only keys
    accepted; otherwise any key is, as a development collector should.
    """
    app = web.Application(middlewares=[close_after_timeout])
    app[STORE_KEY] = store
    app[FAULTS_KEY] = faults or FaultPlan()
    app[WRITE_KEYS_KEY] = frozenset(write_keys)
    app[ACCESS_KEY] = access or Access()
    app[BODY_TIMEOUT_KEY] = body_timeout
    app.router.add_post(TRACKING_PATH, track)
    app.router.add_route("OPTIONS", TRACKING_PATH, tracking_preflight)
    app.router.add_get("/v1/events", guarded(list_events))
    app.router.add_get("/v1/stats", guarded(stats))
    app.router.add_get("/v1/requests", guarded(list_requests))
    app.router.add_post("/admin/faults", guarded(add_fault))
    app.router.add_delete("/admin/faults", guarded(clear_faults))
    return app

"""The collector's HTTP surface: Segment's Tracking API plus endpoints for tests and the debugger.

The Tracking API is open to pages on any origin (CORS), as Segment's is. Reading events back
and injecting faults is not: see :mod:`analytics_web.collector.access`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from analytics_web.collector.access import Access
from analytics_web.collector.body import (
    LONE_SURROGATE,
    MAX_REQUEST_BYTES,
    PayloadError,
    decode_body,
    dumps,
    parse_json,
    too_large,
)
from analytics_web.collector.faults import Fault, FaultPlan
from analytics_web.collector.store import EventStore, RequestRecord
from analytics_web.collector.validation import (
    BATCH_PATHS,
    MAX_COUNT,
    SINGLE_MESSAGE_PATHS,
    parse_request,
    retry_count_of,
    write_key_from_authorization,
)

STORE_KEY = web.AppKey("store", EventStore)
FAULTS_KEY = web.AppKey("faults", FaultPlan)
WRITE_KEYS_KEY = web.AppKey("write_keys", frozenset)
ACCESS_KEY = web.AppKey("access", Access)
BODY_TIMEOUT_KEY = web.AppKey("body_timeout", float)

# A body that has not fully arrived by then (a Content-Length larger than what is sent) never
# will: answer 408 and free the connection.
BODY_TIMEOUT_S = 10.0
# Gzip can make a body a little larger than its content; anything larger than this on the wire
# cannot decode to an acceptable request.
MAX_WIRE_BYTES = MAX_REQUEST_BYTES + 16 * 1024
MAX_ADMIN_BYTES = 16 * 1024
MAX_EVENTS_PAGE = 10_000

TRACKING_CORS = {
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "86400",
    "Vary": "Origin",
}
TRACKING_ENDPOINTS = sorted(BATCH_PATHS | set(SINGLE_MESSAGE_PATHS))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def json_response(document: object, status: int = 200) -> web.Response:
    return web.json_response(document, status=status, dumps=dumps)


def error_response(error: PayloadError) -> web.Response:
    response = json_response({"success": False, "error": str(error)}, status=error.status)
    if error.status == 413:
        response.force_close()  # the rest of the body is not worth reading
    return response


@web.middleware
async def close_after_timeout(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A body that timed out will not come: answer, then close, rather than let the server
    wait for the rest of it."""
    response = await handler(request)
    if response.status == 408 and not response.prepared:
        await response.prepare(request)
        await response.write_eof()
        if request.transport is not None:
            request.transport.close()
    return response


def open_to_pages(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    """Pages on any origin may post events, with or without a preflight."""
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response.headers.update(TRACKING_CORS)
    return response


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes, within the app's body timeout."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(f"{request.content_length} bytes on the wire")
    body = bytearray()
    try:
        async with asyncio.timeout(request.app[BODY_TIMEOUT_KEY]):
            while chunk := await request.content.read(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise too_large(f"over {limit} bytes on the wire")
    except TimeoutError:
        raise PayloadError(
            f"the body did not arrive within {request.app[BODY_TIMEOUT_KEY]:g} s", status=408
        ) from None
    return bytes(body)


async def track(request: web.Request) -> web.StreamResponse:
    return open_to_pages(request, await _track(request))


async def _track(request: web.Request) -> web.StreamResponse:
    endpoint = request.match_info["endpoint"]
    store = request.app[STORE_KEY]
    raw = b""
    write_key = write_key_from_authorization(request.headers.get("Authorization"))
    retry_count: int | None = None

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
        raw = await read_body(request, MAX_WIRE_BYTES)
        # Retries say so in an X-Retry-Count header or, to stay CORS-simple, as "retryCount".
        retry_count = retry_count_of(request.headers.get("X-Retry-Count"), "X-Retry-Count")
        body = decode_body(raw, request.headers.get("Content-Encoding"))
        parsed = parse_request(endpoint, body, request.headers.get("Authorization"))
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
        return error_response(error)

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


async def tracking_preflight(request: web.Request) -> web.StreamResponse:
    return open_to_pages(request, web.Response(status=204))


# -- reading back and fault injection: the collector's own pages, local tools, the token ---------


def guarded(handler: Handler) -> Handler:
    async def check(request: web.Request) -> web.StreamResponse:
        if not request.app[ACCESS_KEY].allows(request):
            return json_response(
                {
                    "success": False,
                    "error": "only the collector's own pages and local tools may use this;"
                    " others send the token the collector printed at start"
                    " (Authorization: Bearer TOKEN, or ?token=TOKEN)",
                },
                status=403,
            )
        try:
            return await handler(request)
        except PayloadError as error:
            return error_response(error)

    return check


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
        since=_query_text(request, "since"),
        after_id=_query_int(request, "after", 0, MAX_COUNT),
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
    endpoints = "|".join(TRACKING_ENDPOINTS)
    tracking = f"/v1/{{endpoint:(?:{endpoints})}}"
    app.router.add_post(tracking, track)
    app.router.add_route("OPTIONS", tracking, tracking_preflight)
    app.router.add_get("/v1/events", guarded(list_events))
    app.router.add_get("/v1/stats", guarded(stats))
    app.router.add_get("/v1/requests", guarded(list_requests))
    app.router.add_post("/admin/faults", guarded(add_fault))
    app.router.add_delete("/admin/faults", guarded(clear_faults))
    return app

"""The Tracking API over HTTP: its routes and CORS, bounded body reading, JSON answers, the
guard on endpoints that are not for any page, and :class:`TrackingCall`, one request read from
its bytes to its checked messages."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from analytics_web.tracking_api.access import Access
from analytics_web.tracking_api.body import (
    MAX_REQUEST_BYTES,
    PayloadError,
    decode_body,
    dumps,
    too_large,
)
from analytics_web.tracking_api.validation import (
    BATCH_PATHS,
    SINGLE_MESSAGE_PATHS,
    ParsedRequest,
    parse_request,
    retry_count_of,
    write_key_from_authorization,
)

ACCESS_KEY = web.AppKey("access", Access)
BODY_TIMEOUT_KEY = web.AppKey("body_timeout", float)

# A body that has not fully arrived by then (a Content-Length larger than what is sent) never
# will: answer 408 and free the connection.
BODY_TIMEOUT_S = 10.0
# Gzip can make a body a little larger than its content; anything larger than this on the wire
# cannot decode to an acceptable request.
MAX_WIRE_BYTES = MAX_REQUEST_BYTES + 16 * 1024

TRACKING_CORS = {
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Content-Encoding, X-Retry-Count",
    "Access-Control-Expose-Headers": "Retry-After",
    "Access-Control-Max-Age": "86400",
    "Vary": "Origin",
}
TRACKING_PATH = f"/v1/{{endpoint:(?:{'|'.join(sorted(BATCH_PATHS | set(SINGLE_MESSAGE_PATHS)))})}}"

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
    """Pages on any origin may post events, with or without a preflight, and with headers of
    their own (deliveryStrategy.config.headers: a proxy in front may need one)."""
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response.headers.update(TRACKING_CORS)
    asked = request.headers.get("Access-Control-Request-Headers")
    if asked:
        response.headers["Access-Control-Allow-Headers"] += ", " + asked
    return response


async def tracking_preflight(request: web.Request) -> web.StreamResponse:
    return open_to_pages(request, web.Response(status=204))


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, at most ``limit`` bytes, within the app's body timeout."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(f"{request.content_length} bytes on the wire")
    timeout = request.app.get(BODY_TIMEOUT_KEY, BODY_TIMEOUT_S)
    body = bytearray()
    try:
        async with asyncio.timeout(timeout):
            while chunk := await request.content.read(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise too_large(f"over {limit} bytes on the wire")
    except TimeoutError:
        raise PayloadError(f"the body did not arrive within {timeout:g} s", status=408) from None
    return bytes(body)


def guarded(handler: Handler) -> Handler:
    """Only the server's own pages, tools on this machine, or a holder of its token."""

    async def check(request: web.Request) -> web.StreamResponse:
        if not request.app[ACCESS_KEY].allows(request):
            return json_response(
                {
                    "success": False,
                    "error": "only this server's own pages and local tools may use this;"
                    " others send the token it printed at start"
                    " (Authorization: Bearer TOKEN, or ?token=TOKEN)",
                },
                status=403,
            )
        try:
            return await handler(request)
        except PayloadError as error:
            return error_response(error)

    return check


class TrackingCall:
    """One POST to the Tracking API (``/v1/batch``, ``/v1/t`` ...), read step by step in this
    order, the first refusal winning: the body within its bounds, the ``X-Retry-Count``
    header (when ``retry_header``), the body's encoding undone, the JSON and every message
    checked, the write key accepted. What is known when a step refuses it (the bytes, the
    write key, the retry count) stays readable, for a request log."""

    def __init__(self, request: web.Request, *, retry_header: bool = True) -> None:
        self.request = request
        self.retry_header = retry_header
        self.raw = b""
        self.write_key = write_key_from_authorization(request.headers.get("Authorization"))
        self.retry_count: int | None = None

    async def read(self, refusal: Callable[[str], str | None]) -> ParsedRequest:
        """The request's write key and messages; ``refusal(write_key)`` says why a key is not
        taken here (answered 401), or None. Raises PayloadError."""
        headers = self.request.headers
        self.raw = await read_body(self.request, MAX_WIRE_BYTES)
        if self.retry_header:
            # Retries say so in this header or, to stay CORS-simple, as "retryCount".
            self.retry_count = retry_count_of(headers.get("X-Retry-Count"), "X-Retry-Count")
        body = decode_body(self.raw, headers.get("Content-Encoding"))
        parsed = parse_request(
            self.request.match_info["endpoint"], body, headers.get("Authorization")
        )
        self.write_key = parsed.write_key
        if self.retry_count is None:
            self.retry_count = parsed.retry_count
        refused = refusal(parsed.write_key)
        if refused:
            raise PayloadError(refused, status=401)
        return parsed

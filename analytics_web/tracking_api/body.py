"""From a request's bytes to a JSON document, refusing whatever would hurt the server or
could not be stored and served back as JSON.

The collector and the proxy decode bodies themselves (their servers run with
``auto_decompress=False``), so every refusal is theirs: a clear 4xx with a message, logged like
any other, never a 500.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from typing import Any

MAX_REQUEST_BYTES = 500 * 1024  # the Tracking API's limit, on the decoded body
# A gzip stream may hold many members; thousands of empty ones cost time for nothing.
MAX_GZIP_MEMBERS = 1024
# Real events nest a few levels; a bound keeps every later walk (storage, the debugger) cheap.
MAX_JSON_DEPTH = 64
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class PayloadError(Exception):
    """The request cannot be accepted; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def too_large(size: str) -> PayloadError:
    return PayloadError(
        f"request body is {size}; the limit is {MAX_REQUEST_BYTES} bytes (500 KB)", status=413
    )


def decode_body(raw: bytes, content_encoding: str | None) -> bytes:
    """The body with its Content-Encoding undone, at most MAX_REQUEST_BYTES of it."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding == "identity":
        body = raw
    elif encoding in ("gzip", "x-gzip"):
        body = _gunzip(raw)
    else:
        raise PayloadError(
            f"Content-Encoding {content_encoding!r} is not supported: send gzip or no encoding",
            status=415,
        )
    if len(body) > MAX_REQUEST_BYTES:
        raise too_large(f"{len(body)} bytes")
    return body


def _gunzip(raw: bytes) -> bytes:
    """Inflate every gzip member, never holding more than the limit plus one byte."""
    out = bytearray()
    rest = raw
    members = 0
    while rest:
        members += 1
        if members > MAX_GZIP_MEMBERS:
            raise PayloadError(f"gzip body has more than {MAX_GZIP_MEMBERS} members")
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, MAX_REQUEST_BYTES + 1 - len(out))
        except zlib.error as error:
            raise PayloadError(f"body is not valid gzip ({error})") from None
        if len(out) > MAX_REQUEST_BYTES:
            raise too_large(f"over {MAX_REQUEST_BYTES} bytes once decompressed")
        if not inflater.eof:
            raise PayloadError("gzip body is cut short")
        rest = inflater.unused_data
    return bytes(out)


def parse_json(body: bytes) -> Any:
    """The document in ``body``: UTF-8 JSON with finite numbers, valid Unicode text and at
    most MAX_JSON_DEPTH levels, or a PayloadError saying which rule it breaks."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(
            f"body is not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise PayloadError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise PayloadError(f"body is not valid JSON: {error}") from None
    except ValueError as error:  # int() past its digit limit, or a number refused below
        raise PayloadError(f"body has a number that cannot be stored: {error}") from None
    _check_shape(document)
    return document


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _check_shape(document: Any) -> None:
    """Depth and text, walked without recursion so a deep document cannot exhaust the stack."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise PayloadError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    pending.append((item, depth + 1))
            else:
                pending.extend((item, depth + 1) for item in value)


def _check_text(text: str) -> None:
    found = LONE_SURROGATE.search(text)
    if found:
        raise PayloadError(
            f"text holds a lone surrogate (\\u{ord(found.group()):04x}), which is not valid"
            " Unicode: a string was cut inside a character"
        )


def dumps(value: Any) -> str:
    """JSON for responses: never NaN or Infinity, which JSON.parse refuses."""
    return json.dumps(value, allow_nan=False, separators=(",", ":"))

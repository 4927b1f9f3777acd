"""What the Tracking API accepts: parsing request bodies and checking each message.

The rules follow Segment's HTTP Tracking API, so a payload the local collector accepts is one
Segment would accept too, and a payload it rejects says why in words a developer can act on.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from analytics_web.tracking_api.body import PayloadError, parse_json

MAX_EVENT_BYTES = 32 * 1024
# A count from the wire (a retry count, an id to page after) must fit an SQLite INTEGER column:
# signed 64 bits.
MAX_STORED_INTEGER = 2**63 - 1

# Long and one-letter paths (the latter are what Analytics.js itself posts to) per message type.
SINGLE_MESSAGE_PATHS: dict[str, str] = {
    "track": "track",
    "t": "track",
    "identify": "identify",
    "i": "identify",
    "page": "page",
    "p": "page",
    "screen": "screen",
    "s": "screen",
    "group": "group",
    "g": "group",
    "alias": "alias",
    "a": "alias",
}
BATCH_PATHS = frozenset({"batch", "b"})
MESSAGE_TYPES = frozenset(SINGLE_MESSAGE_PATHS.values())


@dataclass(frozen=True)
class ParsedRequest:
    write_key: str
    messages: list[dict[str, Any]]
    retry_count: int | None = None
    sent_at: object = None  # a batch's own sentAt, for messages that carry none


def retry_count_of(value: object, where: str) -> int | None:
    """A retry count as sent (a header's text or a body's number): a non-negative integer
    that fits the store, or None when absent."""
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_STORED_INTEGER
    ):
        raise PayloadError(
            f"{where} must be an integer from 0 to {MAX_STORED_INTEGER}, got {value!r:.40}"
        )
    return value


def write_key_from_authorization(header: str | None) -> str | None:
    """The write key of a ``Basic base64(writeKey:)`` header, or None."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


def parse_request(endpoint: str, body: bytes, authorization: str | None) -> ParsedRequest:
    """Parse one POST to ``/v1/<endpoint>`` into its write key and validated messages.

    Raises PayloadError (400, or 401 for a missing write key) when anything is wrong; a batch
    with one bad message is rejected whole, as the Tracking API does, so a client never has
    to guess which part of a request was stored.
    """
    document = parse_json(body)
    if not isinstance(document, dict):
        raise PayloadError("body must be a JSON object")

    if endpoint in BATCH_PATHS:
        batch = document.get("batch")
        if not isinstance(batch, list) or not batch:
            raise PayloadError('a batch body needs a non-empty "batch" array')
        messages = batch
    else:
        expected_type = SINGLE_MESSAGE_PATHS[endpoint]
        message = dict(document)
        declared = message.setdefault("type", expected_type)
        if declared != expected_type:
            raise PayloadError(f'a message of type "{declared}" was sent to /v1/{endpoint}')
        messages = [message]

    write_key = write_key_from_authorization(authorization) or document.get("writeKey")
    if not write_key and messages and isinstance(messages[0], dict):
        write_key = messages[0].get("writeKey")
    if not isinstance(write_key, str) or not write_key:
        raise PayloadError(
            "missing write key: send it as Basic auth (base64 of 'KEY:') or as \"writeKey\"",
            status=401,
        )

    for index, message in enumerate(messages):
        problem = message_problem(message)
        if problem:
            where = f"batch[{index}]" if endpoint in BATCH_PATHS else "message"
            raise PayloadError(f"{where}: {problem}")
    return ParsedRequest(
        write_key=write_key,
        messages=messages,
        retry_count=retry_count_of(document.get("retryCount"), '"retryCount"'),
        sent_at=document.get("sentAt") if endpoint in BATCH_PATHS else None,
    )


def message_problem(message: Any) -> str | None:
    """Why the Tracking API would refuse this message, or None when it is acceptable."""
    if not isinstance(message, dict):
        return "each message must be a JSON object"
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        return f'"type" must be one of {sorted(MESSAGE_TYPES)}, got {kind!r:.40}'
    return next(_field_problems(kind, message), None)


def _field_problems(kind: str, message: dict[str, Any]) -> Iterator[str]:
    """The message's problems, first found first (the size, the costliest check, last)."""
    message_id = message.get("messageId")
    if message_id is not None and (not isinstance(message_id, str) or not message_id):
        yield f'"messageId" must be a non-empty string, got {message_id!r:.40}'
    if kind == "alias":
        if not _non_empty(message.get("userId")) or not _non_empty(message.get("previousId")):
            yield 'an alias needs "userId" and "previousId"'
    elif not _non_empty(message.get("userId")) and not _non_empty(message.get("anonymousId")):
        yield 'a message needs "userId" or "anonymousId"'
    if kind == "track" and not _non_empty(message.get("event")):
        yield 'a track message needs a non-empty "event" name'
    if kind == "group" and not _non_empty(message.get("groupId")):
        yield 'a group message needs "groupId"'
    size = len(json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > MAX_EVENT_BYTES:
        yield f"message is {size} bytes; the limit is {MAX_EVENT_BYTES} bytes (32 KB)"


def _non_empty(value: Any) -> bool:
    return (isinstance(value, str) and value != "") or (
        isinstance(value, (int, float)) and not isinstance(value, bool)
    )

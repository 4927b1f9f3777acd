"""Segment's HTTP Tracking API as this project's servers read it: the collector and the proxy
take requests through here, so both accept and refuse exactly the same things.

- :mod:`.body`: a request's bytes to a JSON document (gzip bounded, JSON that can be served
  back), :class:`PayloadError` for every refusal;
- :mod:`.validation`: the document to a write key and checked messages;
- :mod:`.times`: when each event happened, corrected for the sender's clock;
- :mod:`.http`: routes, CORS, bounded reading, answers, and :class:`TrackingCall`, one request
  read in order;
- :mod:`.access`: who may use a server's own endpoints.

Needs the ``collector`` extra (aiohttp).
"""

from analytics_web.tracking_api.access import Access
from analytics_web.tracking_api.body import LONE_SURROGATE, PayloadError, parse_json
from analytics_web.tracking_api.http import (
    ACCESS_KEY,
    BODY_TIMEOUT_KEY,
    BODY_TIMEOUT_S,
    TRACKING_PATH,
    TrackingCall,
    close_after_timeout,
    error_response,
    guarded,
    json_response,
    open_to_pages,
    read_body,
    tracking_preflight,
)
from analytics_web.tracking_api.times import event_times, format_time, parse_time, utc_now
from analytics_web.tracking_api.validation import (
    MAX_EVENT_BYTES,
    MAX_STORED_INTEGER,
    ParsedRequest,
    parse_request,
)

__all__ = [
    "ACCESS_KEY",
    "BODY_TIMEOUT_KEY",
    "BODY_TIMEOUT_S",
    "LONE_SURROGATE",
    "MAX_EVENT_BYTES",
    "MAX_STORED_INTEGER",
    "TRACKING_PATH",
    "Access",
    "ParsedRequest",
    "PayloadError",
    "TrackingCall",
    "close_after_timeout",
    "error_response",
    "event_times",
    "format_time",
    "guarded",
    "json_response",
    "open_to_pages",
    "parse_json",
    "parse_request",
    "parse_time",
    "read_body",
    "tracking_preflight",
    "utc_now",
]

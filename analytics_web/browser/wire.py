__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The Tracking API's wire format as the browser writes it: where to POST, an event's JSON and its
# size in bytes (measured once per event), the API's limits, and request bodies.

from analytics_web.browser.util import now_iso

DEFAULT_API_HOST = "api.segment.io/v1"
MAX_EVENT_BYTES = 32 * 1024
MAX_REQUEST_BYTES = 500 * 1024
BODY_OVERHEAD = 200  # {"batch":[...],"sentAt":"...","writeKey":"...","retryCount":n}


def api_url(api_host, protocol, path):
    """Where to POST: ``apiHost`` is host+path without a scheme (Analytics.js), or a full URL,
    or a same-origin path such as ``/t/v1`` for sites that proxy the API past ad blockers."""
    host = (api_host or DEFAULT_API_HOST).replace(__new__(RegExp("/+$")), "")
    if host.indexOf("://") > 0 or host.indexOf("/") == 0:
        return host + path
    return (protocol or "https") + "://" + host + path


NON_ASCII = __new__(RegExp("[^\\x00-\\x7f]"))


def utf8_bytes(text):
    """UTF-8 size of a string: its length when it is ASCII (most events), else encoded."""
    if not NON_ASCII.test(text):
        return len(text)
    return __new__(TextEncoder()).encode(text).length


def serialized(event):
    """{text, bytes} of an event the API can take, or {problem} saying why it cannot."""
    try:
        text = JSON.stringify(event)
    except:
        return {
            "problem": "the event cannot be turned into JSON (a circular reference or a BigInt in it?)"
        }
    size = utf8_bytes(text)
    if size > MAX_EVENT_BYTES:
        return {
            "problem": "the event is "
            + size
            + " bytes; the API takes at most "
            + MAX_EVENT_BYTES
            + " (32 KB)"
        }
    return {"text": text, "bytes": size}


def event_json(item):
    """An item's event as JSON: the text its call measured (so no event is serialised twice,
    and objects the caller changes after the call change nothing), or, for an item from
    storage, made now."""
    return item["text"] or JSON.stringify(item["event"])


def total_bytes(items):
    return items.reduce(lambda total, item: total + item["bytes"] + 1, BODY_OVERHEAD)


def chunks(items, limit):
    """Items grouped in arrival order so each request body stays under ``limit`` bytes."""
    groups = []
    current = []

    def place(item):
        nonlocal current
        if len(current) and total_bytes(current) + item["bytes"] + 1 > limit:
            groups.push(current)
            current = []
        current.push(item)

    items.forEach(place)
    if len(current):  # an empty array is true in JavaScript
        groups.push(current)
    return groups


def body_end(items, write_key):
    """What closes a body after its batch array: sentAt, the write key, the retry count."""
    retries = Math.max.apply(None, items.map(lambda item: item["attempts"]))
    end = ',"sentAt":' + JSON.stringify(now_iso()) + ',"writeKey":' + JSON.stringify(write_key)
    return end + (',"retryCount":' + retries if retries > 0 else "") + "}"


def body_text(items, write_key):
    return '{"batch":[' + items.map(event_json).join(",") + "]" + body_end(items, write_key)

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Sending one body to the Tracking API and reporting its answer: fetch (keepalive while the
# browser's budget allows, so the request outlives the page), or a beacon. Nothing here knows
# about queues or retries.

# Browsers cap the bodies of all keepalive requests in flight from a document at 64 KB (Chromium
# counts beacons against the same budget); stay a little under it.
KEEPALIVE_BUDGET = 64 * 1024 - 1024

in_flight = {"keepalive": 0}  # per document, like the browser's own count
# A Tracking API answers within a second. One silent for this long has stalled (a proxy or a
# captive portal holding the connection): the attempt is abandoned as failed, so the calls
# waiting on it settle and its events are retried, rather than all waiting on for as long as
# the connection lasts. A slow uplink gets time to send the body on top (8 bytes a
# millisecond, 64 kbit/s: 2G), so a big batch is never cut off at every attempt.
STALLED_AFTER_MS = 10000
SLOWEST_UPLINK_BYTES_PER_MS = 8


def fits_keepalive(size):
    return in_flight["keepalive"] + size <= KEEPALIVE_BUDGET


def as_blob(parts):
    """A body from strings and byte arrays. text/plain keeps it a CORS-simple request (no
    preflight); gzip needs Content-Encoding, which costs one (cached) preflight."""
    return __new__(Blob(parts, {"type": "text/plain"}))


def request_headers(gzip, extra):
    """text/plain (a CORS-simple request, no preflight), gzip's Content-Encoding, and the
    site's own headers (deliveryStrategy.config.headers: an object, or a function of none
    called for each request, as in analytics-next), which may replace them."""
    headers = {"Content-Type": "text/plain"}
    if gzip:
        headers["Content-Encoding"] = "gzip"
    try:
        return Object.assign(headers, extra() if typeof(extra) == "function" else extra)
    except:
        console.warn("analytics-web: deliveryStrategy.config.headers() threw; sent without them")
        return headers


def post(url, body, headers, keepalive):
    """POST a Blob: a promise of {status, retryAfter, text} (status 0 for a network error) that
    never rejects, or None when the browser refused the request outright (keepalive in an old
    browser, say). ``keepalive`` asks the browser to finish it even if the page goes."""
    stop = __new__(AbortController())
    stalled = setTimeout(
        lambda: stop.abort(), STALLED_AFTER_MS + body.size / SLOWEST_UPLINK_BYTES_PER_MS
    )
    try:
        request = fetch(
            url,
            {
                "method": "POST",
                "headers": headers,
                "body": body,
                "keepalive": keepalive,
                "signal": stop.signal,
            },
        )
    except:
        clearTimeout(stalled)
        return None
    size = body.size if keepalive else 0
    in_flight["keepalive"] += size

    def release(result):
        in_flight["keepalive"] -= size
        return result

    def answer(response):
        clearTimeout(stalled)
        # Read to its end: only then does Chromium give the request's share of the keepalive
        # budget back when the answer is marked no-store, as gateways often mark them. Unread,
        # every request after 64 KB would be refused. The status decides at once all the same.
        text = response.text().then(release, lambda error: release(""))
        return {
            "status": response.status,
            "retryAfter": response.headers["get"]("Retry-After"),
            "text": lambda: text,
        }

    def failed(error):
        clearTimeout(stalled)
        release(None)
        return {"status": 0}

    return request.then(answer, failed)


def beacon(url, body):
    """Hand a body to the browser to send after the page is gone; False when it refuses."""
    try:
        return bool(navigator.sendBeacon) and navigator.sendBeacon(url, body)
    except:
        return False

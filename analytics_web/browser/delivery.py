__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# Getting every accepted event to the API exactly once in the end: batches by size and time,
# requests split under the API's limits, retries with backoff, Retry-After, offline waits,
# and a keepalive flush when the page goes away. The outbox keeps what is not acknowledged.

from analytics_web.browser.outbox import Outbox
from analytics_web.browser.util import make_error, now_iso

DEFAULT_API_HOST = 'api.segment.io/v1'
MAX_REQUEST_BYTES = 500 * 1024
# Browsers cap the bodies of all keepalive requests in flight at 64 KB; stay under it.
KEEPALIVE_BUDGET = 64 * 1024 - 1024
MAX_ATTEMPTS = 10
# The outbox bounds: past them new events are refused, so those already waiting are kept.
MAX_QUEUED_EVENTS = 10000
MAX_QUEUED_BYTES = 4 * 1024 * 1024
MAX_BACKOFF_MS = 60000
MAX_RETRY_AFTER_MS = 300000
BODY_OVERHEAD = 200  # {"batch":[...],"sentAt":"...","writeKey":"...","retryCount":n}


def api_url(api_host, protocol, path):
    """Where to POST: ``apiHost`` is host+path without a scheme (Analytics.js), or a full URL,
    or a same-origin path such as ``/t/v1`` for sites that proxy the API past ad blockers."""
    host = (api_host or DEFAULT_API_HOST).replace(__new__(RegExp('/+$')), '')
    if host.indexOf('://') > 0 or host.indexOf('/') == 0:
        return host + path
    return (protocol or 'https') + '://' + host + path


def is_retryable(status):
    """analytics-next's policy: network errors (0), 5xx but 501/505/511, and 408/410/429/460."""
    if status == 0 or status == 408 or status == 410 or status == 429 or status == 460:
        return True
    return status >= 500 and status != 501 and status != 505 and status != 511


def backoff_ms(attempts):
    """0.5 s x 2^(n-1), at most 60 s, +-10% jitter."""
    base = Math.min(500 * Math.pow(2, attempts - 1), MAX_BACKOFF_MS)
    return base * (0.9 + Math.random() * 0.2)


def retry_after_ms(response):
    header = response.headers['get']('Retry-After') if response else None
    if not header:
        return None
    seconds = Number(header)
    wait = seconds * 1000 if not isNaN(seconds) else Date.parse(header) - Date.now()
    return None if isNaN(wait) else Math.max(0, Math.min(wait, MAX_RETRY_AFTER_MS))


def gzipped(text):
    """``text`` gzipped by the browser's CompressionStream, or None where it has none or it
    fails: then the body goes uncompressed."""
    if not window.CompressionStream:
        return Promise.resolve(None)
    try:
        stream = __new__(Blob([text])).stream().pipeThrough(__new__(CompressionStream('gzip')))
        return __new__(Response(stream)).arrayBuffer().catch(lambda error: None)
    except:
        return Promise.resolve(None)


def chunks(items, limit):
    """Items grouped in arrival order so each request body stays under ``limit`` bytes."""
    groups = []
    current = []
    size = BODY_OVERHEAD

    def place(item):
        nonlocal current, size
        if len(current) and size + item['bytes'] + 1 > limit:
            groups.push(current)
            current = []
            size = BODY_OVERHEAD
        current.push(item)
        size += item['bytes'] + 1

    items.forEach(place)
    if len(current):
        groups.push(current)
    return groups


class Delivery:
    """Owns the path from an accepted event to the API's acknowledgement.

    ``batch_size`` 1 sends one request per event, Analytics.js's default; otherwise a batch
    goes when it is full or ``batch_timeout`` ms after its first event. ``report(error,
    events)`` hears about every event the API refused or that must wait for a later page,
    ``warn(message, details)`` about trouble that loses nothing (for the debug console).
    """

    def __init__(self, write_key, url, batch_size, batch_timeout, compress, limits, report, warn):
        self.write_key = write_key
        self.url = url
        self.batch_size = batch_size
        self.batch_timeout = batch_timeout
        self.compress = compress
        self.max_events = limits['maxEvents'] or MAX_QUEUED_EVENTS
        self.max_bytes = limits['maxBytes'] or MAX_QUEUED_BYTES
        self.report = report
        self.warn = warn
        self.waiting = []  # accepted, not yet handed to a request
        self.waiters = {}  # messageId -> {resolve, reject} of calls made on this page
        self.timer = None
        self.in_flight = 0  # requests sent by send(), not yet answered
        self.batch_due = False  # a batch filled up or timed out while a request was in flight
        self.keepalive_in_flight = 0
        self.leaving = False
        self.outbox = Outbox(write_key, self.resend, self.unsaved)
        self.listen()
        self.resend(self.outbox.restore())

    def listen(self):
        window.addEventListener('pagehide', self.on_pagehide)
        document.addEventListener('visibilitychange', self.on_visibility)
        window.addEventListener('pageshow', self.on_pageshow)
        window.addEventListener('online', lambda: self.flush())
        window.addEventListener('storage', self.on_storage)

    def enqueue(self, event, bytes):
        """Accept one event (``bytes``: its JSON size); the promise settles on delivery."""
        if len(self.outbox.items) >= self.max_events or self.outbox.bytes + bytes > self.max_bytes:
            error = make_error('the outbox is full (' + len(self.outbox.items) + ' events waiting for the API); this event was not accepted')
            self.report(error, [event])
            return Promise.reject(error)
        item = {'event': event, 'attempts': 0, 'bytes': bytes}

        def hold(resolve, reject):
            self.waiters[event['messageId']] = {'resolve': resolve, 'reject': reject}

        promise = __new__(Promise(hold))
        self.outbox.add(item)
        self.waiting.push(item)
        if self.leaving:
            self.send_on_exit([item])
        elif len(self.waiting) >= self.batch_size:
            self.batch_ready()
        elif self.timer is None:
            self.timer = setTimeout(self.batch_ready, self.batch_timeout)
        return promise

    def batch_ready(self):
        """A batch is full or its time is up. When batching, one request is in flight at a
        time, as in analytics-next: what arrives meanwhile goes together once it is answered,
        so a burst of calls costs a few large requests rather than many small ones."""
        if self.batch_size > 1 and self.in_flight:
            self.batch_due = True
        else:
            self.flush()

    def answered(self):
        self.in_flight -= 1
        if self.batch_size > 1 and not self.in_flight and (self.batch_due or len(self.waiting) >= self.batch_size):
            self.batch_due = False
            self.flush()

    def resend(self, items):
        """Items from an earlier page or an adopted tab: they go out with the next request."""
        if len(items):
            self.waiting = self.waiting.concat(items)
            self.flush()

    def flush(self):
        """Send everything waiting now; resolves once those requests have been answered."""
        if self.timer is not None:
            clearTimeout(self.timer)
            self.timer = None
        if not len(self.waiting):
            return Promise.resolve()
        if not navigator.onLine:
            return Promise.resolve()  # the 'online' event flushes again
        items = self.waiting
        self.waiting = []
        return Promise.all(chunks(items, MAX_REQUEST_BYTES).map(self.send))

    def body(self, items):
        retries = Math.max.apply(None, items.map(lambda item: item['attempts']))
        payload = {'batch': items.map(lambda item: item['event']), 'sentAt': now_iso(), 'writeKey': self.write_key}
        if retries > 0:
            payload['retryCount'] = retries
        return JSON.stringify(payload)

    def post(self, body, keepalive, gzip=None):
        # text/plain with the write key in the body is a CORS-simple request: no preflight.
        # Content-Encoding is not a simple header: a gzipped body costs one (cached) preflight.
        headers = {'Content-Type': 'text/plain'}
        if gzip:
            headers['Content-Encoding'] = 'gzip'
        return fetch(self.url, {
            'method': 'POST',
            'headers': headers,
            'body': gzip or body,
            'keepalive': keepalive,
        })

    async def send(self, items):
        body = self.body(items)
        self.in_flight += 1
        try:
            # Only here, never on the way out (send_on_exit): it takes a task the page may not get.
            gzip = await gzipped(body) if self.compress else None
            response = await self.post(body, False, gzip).catch(lambda error: None)
            await self.settle(items, response)
        finally:
            self.answered()

    async def settle(self, items, response):
        status = response.status if response else 0
        if 200 <= status < 300:
            self.done(items)
            items.forEach(lambda item: self.resolve(item, None))
            return
        if not is_retryable(status):
            answer = await response.text().catch(lambda error: '')
            error = make_error('the API rejected ' + len(items) + ' event(s) with ' + status + ': ' + answer)
            self.done(items)
            items.forEach(lambda item: self.resolve(item, error))
            self.report(error, items.map(lambda item: item['event']))
            return
        self.count_attempt(items)
        if items[0]['attempts'] >= MAX_ATTEMPTS:
            error = make_error('not delivered after ' + MAX_ATTEMPTS + ' attempts (last: ' + (status or 'network error') + '); kept for a later page load')
            items.forEach(lambda item: self.resolve(item, error))
            self.report(error, items.map(lambda item: item['event']))
            return
        wait = retry_after_ms(response) if status == 429 else None
        setTimeout(lambda: self.resend(items), wait if wait is not None else backoff_ms(items[0]['attempts']))

    def unsaved(self, count):
        self.warn('localStorage refused the outbox; ' + count + ' waiting events are kept in memory only', None)

    def count_attempt(self, items):
        def count(item):
            item['attempts'] += 1
        items.forEach(count)
        self.outbox.persist_soon()

    def done(self, items):
        self.outbox.remove(items)

    def resolve(self, item, error):
        waiter = self.waiters[item['event']['messageId']]
        if not waiter:
            return
        del self.waiters[item['event']['messageId']]
        if error:
            waiter['reject'](error)
        else:
            waiter['resolve']({'event': item['event']})

    def on_pagehide(self, event):
        self.leaving = True
        self.exit_flush()
        self.outbox.persist(True)

    def on_visibility(self):
        if document.visibilityState == 'hidden':
            self.exit_flush()
            self.outbox.persist()

    def on_pageshow(self, event):
        if event.persisted:  # back from the back/forward cache: business as usual
            self.leaving = False
            self.outbox.reopen()
            self.flush()

    def on_storage(self, event):
        self.outbox.noticed(event.key, event.newValue)

    def exit_flush(self):
        """Everything waiting goes now, with requests that outlive the page."""
        if self.timer is not None:
            clearTimeout(self.timer)
            self.timer = None
        items = self.waiting
        self.waiting = []
        if len(items) and navigator.onLine:
            self.send_on_exit(items)
        else:
            self.waiting = items

    def send_on_exit(self, items):
        """keepalive fetch while the 64 KB budget lasts, then sendBeacon; what neither takes
        stays in the outbox for the next page."""
        def launch(group):
            body = self.body(group)
            if self.keepalive_in_flight + len(body) <= KEEPALIVE_BUDGET:
                self.keepalive_in_flight += len(body)

                def answered(response):
                    self.keepalive_in_flight -= len(body)
                    return self.settle(group, response)

                try:
                    self.post(body, True).then(answered, lambda error: answered(None))
                    return
                except:
                    self.keepalive_in_flight -= len(body)  # refused outright: try a beacon
            if not navigator.sendBeacon or not navigator.sendBeacon(self.url, body):
                self.waiting = self.waiting.concat(group)

        chunks(items, KEEPALIVE_BUDGET).forEach(launch)

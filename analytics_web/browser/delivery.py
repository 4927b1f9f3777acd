__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

from analytics_web.browser.util import make_error, now_iso

DEFAULT_API_HOST = 'api.segment.io/v1'


def api_url(api_host, protocol, path):
    """Where to POST: ``apiHost`` is host+path without a scheme (Analytics.js), or a full URL,
    or a same-origin path such as ``/t/v1`` for sites that proxy the API past ad blockers."""
    host = (api_host or DEFAULT_API_HOST).replace(__new__(RegExp('/+$')), '')
    if host.indexOf('://') > 0 or host.indexOf('/') == 0:
        return host + path
    return (protocol or 'https') + '://' + host + path


class Delivery:
    """Sends events to the Tracking API in batches and settles each event's promise.

    ``batch_size`` 1 means one request per event, Analytics.js's default; otherwise a batch goes
    when it is full or ``batch_timeout`` ms after its first event was queued.
    """

    def __init__(self, write_key, url, batch_size, batch_timeout):
        self.write_key = write_key
        self.url = url
        self.batch_size = batch_size
        self.batch_timeout = batch_timeout
        self.waiting = []
        self.timer = None

    def enqueue(self, event):
        """Queue one event; the promise resolves when the API has accepted it."""
        def hold(resolve, reject):
            self.waiting.push({'event': event, 'resolve': resolve, 'reject': reject})

        promise = __new__(Promise(hold))
        if len(self.waiting) >= self.batch_size:
            self.flush()
        elif self.timer is None:
            self.timer = setTimeout(self.flush, self.batch_timeout)
        return promise

    def flush(self):
        if self.timer is not None:
            clearTimeout(self.timer)
            self.timer = None
        items = self.waiting
        self.waiting = []
        if len(items):
            return self.send(items)
        return Promise.resolve()

    async def send(self, items):
        body = JSON.stringify({
            'batch': items.map(lambda item: item['event']),
            'sentAt': now_iso(),
            'writeKey': self.write_key,
        })
        # text/plain with the write key in the body: a CORS-simple request, so no preflight
        # (the same choice Analytics.js makes).
        response = await fetch(self.url, {
            'method': 'POST',
            'headers': {'Content-Type': 'text/plain'},
            'body': body,
            'keepalive': len(body) < 60000,
        }).catch(lambda error: None)
        if response is None:
            failure = make_error('could not reach the API at ' + self.url)
        elif not response.ok:
            failure = make_error('the API answered ' + response.status + ' at ' + self.url)
        else:
            failure = None
        items.forEach(lambda item: item['reject'](failure) if failure else item['resolve']({'event': item['event']}))

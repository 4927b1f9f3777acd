__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The script bundles' start (standalone.py, full.py): window.analytics, taking over the calls a
# snippet stub recorded before the bundle arrived, in order, each with the page and time it was
# made at.

from analytics_web.browser.analytics import Analytics
from analytics_web.browser.features import script_fetcher, source
from analytics_web.browser.page_context import page_info
from analytics_web.browser.settings import segment_options
from analytics_web.browser.util import is_object

# Where Segment's snippet asks for analytics.js, on whatever host the site gave it.
SEGMENT_SNIPPET_PATH = __new__(RegExp("^(.*)/analytics\\.js/v1/[^/]+/analytics\\.min\\.js([?#]|$)"))


def recorded_moment(args):
    """The buffered page context a stub appended to an event call ({__t: 'bpc', ...}, plus our
    snippet's call time ``at``), taken off the arguments."""
    last = args[len(args) - 1] if len(args) else None
    if not is_object(last) or last["__t"] != "bpc":
        return None
    args.pop()
    at = __new__(Date(last["at"])) if last["at"] else __new__(Date())
    return {"page": page_info(last), "time": at.toISOString(), "recorded": last}


def take_over(analytics, call):
    """A call the stub recorded, made as a call before load() with its page and time."""
    args = call.slice(1)
    moment = recorded_moment(args)
    analytics.defer(call[0], args, moment)


def global_key(script):
    """The window property of the stub and the instance: 'analytics', or the snippet's
    globalAnalyticsKey, which ours and Segment's put on the bundle's <script>."""
    if not script:
        return "analytics"
    return (
        script.getAttribute("data-global-analytics-key")
        or script.getAttribute("data-global-segment-analytics-key")
        or "analytics"
    )


# What analytics-web's proxy puts on the bundle's <script> as it serves it at Segment's path
# (analytics_web/proxy/bundles.py): "this host is a Tracking API too".
PROXY_MARK = "data-analytics-web-proxy"


def load_options(script, options):
    """Segment's snippet with its host changed to analytics-web's proxy loads the bundle from
    <proxy>/analytics.js/v1/<key>/analytics.min.js, and the proxy marks the script as it serves
    it: events go back through <proxy>/v1, unless the load options name an apiHost. Copied to
    any other host at that path (a static CDN), the bundle sends to Segment's API, as
    analytics-next does."""
    served = SEGMENT_SNIPPET_PATH.exec(script.src) if script else None
    options = options if is_object(options) else {}
    if not served or not script.hasAttribute(PROXY_MARK) or segment_options(options)["apiHost"]:
        return options
    return Object.assign({}, options, {"apiHost": served[1] + "/v1"})


def install():
    """The bundle takes the snippet's stub over. Features it has not built in come from
    beside its own <script>, with its nonce."""
    script = document.currentScript
    key = global_key(script)
    stub = window[key]
    if not Array.isArray(stub):
        if stub and stub.window != stub and stub.initialize:
            return  # a second copy of the bundle on the page: the first one stays in charge
        # Not a stub: nothing, or what the page's markup names so when the bundle's <script>
        # comes after it (an element with id="analytics", a frame's window, whose properties
        # cannot even be read when it is another origin's).
        stub = None
    source["fetch"] = script_fetcher(script)
    analytics = Analytics()
    window[key] = analytics
    if not stub:
        return
    stub.forEach(lambda call: take_over(analytics, call))
    if stub._writeKey:
        analytics.load(stub._writeKey, load_options(script, stub._loadOptions))

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# load(): where events go, what the page asked for, and the calls kept until then. Calls made
# before load() (on a snippet's stub, or on an instance not loaded yet) or while a feature's
# file loads are kept, with the page and the time of the call, and made in order once it is
# here.

from analytics_web.browser.bots import this_browser
from analytics_web.browser.context import Context
from analytics_web.browser.enrichment import page_enrichment
from analytics_web.browser.identity import Group, User
from analytics_web.browser.page_context import landing_query, page_info, snapshot
from analytics_web.browser.routing import RouteTracker
from analytics_web.browser.segmentio import SegmentDestination
from analytics_web.browser.sessions import Sessions, uses_amplitude
from analytics_web.browser.settings import (
    cdn_settings,
    delivery_settings,
    integration_flags,
    loads_segment,
    unsupported_options,
)
from analytics_web.browser.settling import call_back, refuse
from analytics_web.browser.util import (
    CALL_TYPES,
    handled,
    is_function,
    is_object,
    is_string,
    is_thenable,
    make_error,
    now_iso,
)

# The instance loaded with each write key on this page. A second load() with the same key (a
# hot reload, React's strict mode running an effect twice) retires the first, so a route change
# is not counted twice and two queues do not write over each other.
live = {}
# Listeners made on a stub are attached before anything else, as analytics-next does, so they
# hear 'initialize' and every call replayed after them.
LISTENER_METHODS = ["on", "once", "off"]
# Calls that set things up rather than make events. Made before load() (on a snippet's stub, or
# on an instance not loaded yet), they are applied first, as analytics-next does, so a plugin
# or middleware registered after the snippet's page() still sees that first page view.
SETUP_METHODS = [
    "consent",
    "register",
    "deregister",
    "addSourceMiddleware",
    "addDestinationMiddleware",
    "setAnonymousId",
    "debug",
    "timeout",
]
# The calls made by a feature's file (features.py), and which: a page fetches it the first
# time it makes one, and its calls wait, in order, while it loads.
FEATURE_OF = {
    "register": "plugins",
    "deregister": "plugins",
    "addSourceMiddleware": "plugins",
    "addDestinationMiddleware": "plugins",
    "trackLink": "autotrack",
    "trackClick": "autotrack",
    "trackForm": "autotrack",
    "trackSubmit": "autotrack",
    "queryString": "querystring",
}
# Features without which no event may go: a consent gate or a plugin (a PII scrubber) that
# could not be loaded stops every event the page makes after asking for it.
GUARDS = ["consent", "plugins"]


def load(analytics, write_key, options):
    """Start sending for this write key. ``options.disable`` (true, or a function of the
    settings that may answer with a promise) makes an instance that sends and stores nothing;
    calls made while such a function decides wait for its answer."""
    if analytics.initialized or analytics.settings:
        return analytics  # a second load (a snippet pasted twice) must not double anything
    if not is_string(write_key) or write_key == "":
        console.error("analytics-web: load() needs a write key (a non-empty string)")
        return analytics
    options = options if is_object(options) else {}
    analytics.options = options
    unknown = unsupported_options(options)
    if len(unknown):
        console.warn("analytics-web: load options without effect here: " + unknown.join(", "))
    destinations = destinations_known(analytics, options)
    cdn = cdn_settings(write_key, options, destinations)
    analytics.settings = {
        "writeKey": write_key,
        "cdnSettings": cdn,
        "timeout": analytics.timeout_ms,
    }
    listed = cdn["integrations"] if is_object(cdn["integrations"]) else {}
    analytics.pipeline.left_out = destinations.filter(lambda name: not listed[name])
    disable = options["disable"]
    off = disable(cdn) if is_function(disable) else disable
    wanted = features_wanted(analytics, options)
    if is_thenable(off) or len(wanted):
        answered = Promise.resolve(off).then(lambda answer: answer == True, lambda error: False)
        fetched = wanted.map(lambda name: fetch_feature(analytics, name))
        Promise.all([answered].concat(fetched)).then(
            lambda got: start(analytics, write_key, options, got[0])
        )
    else:
        start(analytics, write_key, options, off == True)
    return analytics


def features_wanted(analytics, options):
    """The features this page asks for before it starts: by its load options, its landing URL,
    the tab's debug flag and the calls made before load()."""
    wanted = analytics.deferred.map(
        lambda call: (
            FEATURE_OF[call["method"]]
            or (call["method"] == "debug" and call["args"][0] != False and "debug")
        )
    )
    if is_object(options["consent"]):
        wanted.push("consent")
    if Array.isArray(options["plugins"]) and len(options["plugins"]):
        wanted.push("plugins")
    if analytics.debugger.enabled:
        wanted.push("debug")
    if options["useQueryString"] != False and landing_query().indexOf("ajs_") >= 0:
        wanted.push("querystring")
    return wanted.filter(lambda name, at: name and wanted.indexOf(name) == at)


def fetch_feature(analytics, name):
    """Fetch a feature's file; the calls made meanwhile wait and are made once it is here (or
    has failed: a guard's failure blocks every event after it)."""
    analytics.fetching += 1

    def settled():
        analytics.fetching -= 1
        error = analytics.features.failed[name]
        if error:
            console.error(error.message)
            if GUARDS.indexOf(name) >= 0:
                analytics.blocked = error
        if not analytics.fetching and analytics.initialized:
            replay(analytics, take_kept(analytics))

    return analytics.features.need(name).then(settled)


def waits(analytics, feature):
    """Whether a call must wait (it is kept, in order, and made later): before load(), while a
    feature loads, or for its own ``feature`` not here yet (fetched now)."""
    features = analytics.features
    if (
        feature
        and analytics.initialized
        and not features.ready[feature]
        and not features.failed[feature]
    ):
        fetch_feature(analytics, feature)
    return not analytics.initialized or analytics.fetching > 0


def feature_calls(analytics):
    """analytics.trackLink(...) and the others of FEATURE_OF: made by their feature's file once
    that is here."""

    def by_feature(method):
        feature = FEATURE_OF[method]

        def call(*args):
            if waits(analytics, feature):
                return defer(analytics, method, args)
            error = analytics.features.failed[feature]
            if error:
                return refuse(analytics, method, error, args, None)
            return analytics.features.ready[feature][method].apply(None, [analytics].concat(args))

        analytics[method] = call

    Object.keys(FEATURE_OF).forEach(by_feature)


def destinations_known(analytics, options):
    """Names of the destination plugins given before load (settings.plugins, register() on a
    stub or an instance not loaded yet)."""
    plugins = (options["plugins"] if Array.isArray(options["plugins"]) else []).concat(
        *analytics.deferred.filter(lambda call: call["method"] == "register").map(
            lambda call: call["args"]
        )
    )
    return plugins.filter(lambda plugin: is_object(plugin) and plugin.type == "destination").map(
        lambda plugin: plugin.name
    )


def start(analytics, write_key, options, disabled):
    """Loaded: listeners first, then the stores, the gates and the route tracker, the calls
    that set things up, the landing URL's ajs_ calls, and the page's own calls in order."""
    if disabled:  # nothing stored, nothing sent: no Segment.io, no route views
        options = Object.assign({}, options, {"disableClientPersistence": True})
    elif live[write_key]:
        retire(live[write_key])
    analytics.write_key = write_key
    analytics.options = options
    kept = take_kept(analytics)
    replay(analytics, kept.filter(lambda call: LISTENER_METHODS.indexOf(call["method"]) >= 0))
    asks_consent = is_object(options["consent"])
    consent = analytics.features.ready["consent"]
    if asks_consent and consent:
        analytics.consent_state = consent.Consent(
            options["consent"], not options["disableClientPersistence"]
        )
        analytics.pipeline.gate = analytics.consent_state.allows
    analytics.integrations = integration_flags(options["integrations"])
    bot_filter = options["botFilter"]
    if bot_filter != False:
        analytics.bot = this_browser(bot_filter and bot_filter["patterns"])
        analytics.drops_bot_events = bool(analytics.bot) and not (bot_filter and bot_filter["mark"])
    hints = options["highEntropyValuesClientHints"]
    asked = hints if Array.isArray(hints) and len(hints) else None
    enrichment = page_enrichment(asked)
    analytics.pipeline.add(enrichment)
    if asked:  # events wait for the browser's answer
        analytics.pipeline.wait_for(enrichment, enrichment.load(None, analytics))
    if asks_consent and not (
        analytics.consent_state and analytics.consent_state.preferences
    ):  # undecided (or no consent file): memory only, sent nowhere
        remember(analytics, Object.assign({}, options, {"disableClientPersistence": True}))
    elif not disabled:
        start_delivering(analytics)
    else:
        remember(analytics, options)
    if not disabled:
        live[write_key] = analytics
        routes = options["trackRouteChanges"]
        if routes != False:
            analytics.routes = RouteTracker(
                lambda moment: analytics.dispatch("page", [], moment), routes
            )
    analytics.initialized = True
    analytics.emit("initialize", analytics.settings, options)
    if Array.isArray(options["plugins"]) and len(options["plugins"]):
        analytics.register.apply(analytics, options["plugins"])
    replay(analytics, kept.filter(lambda call: SETUP_METHODS.indexOf(call["method"]) >= 0))
    # The landing URL's ajs_ calls before the page's own, as in analytics-next: the landing
    # view and the calls made before load belong to the visitor the link named.
    query = analytics.features.ready["querystring"]
    if query and options["useQueryString"] != False and not disabled:
        query.apply_query(analytics, landing_query(), options["useQueryString"])
    if options["initialPageview"] == True:
        if analytics.routes:
            analytics.routes.land()  # settled as route views are: redirects, the title
        else:
            analytics.page()
    made_first = SETUP_METHODS.concat(LISTENER_METHODS)
    replay(analytics, kept.filter(lambda call: made_first.indexOf(call["method"]) < 0))
    # Not for a destination's load, as in analytics-next: one whose SDK an ad blocker stopped
    # may never finish, and the page's ready() code would never run for that visitor.
    Promise.all(analytics.pipeline.holding().map(lambda entry: entry["loaded"])).then(
        lambda: analytics.mark_ready(analytics)
    )
    if options["webVitals"] and not disabled:
        measure_vitals(analytics, options["webVitals"])


def measure_vitals(analytics, metrics):
    """Load option webVitals: its file is fetched now, and no call waits for it (it only ever
    adds one event, when the page goes)."""

    def loaded():
        error = analytics.features.failed["webvitals"]
        if error:
            console.error(error.message)
            analytics.emit("error", error)
        else:
            analytics.features.ready["webvitals"].watch(analytics, metrics)

    analytics.features.need("webvitals").then(loaded)


def start_delivering(analytics):
    """Identity kept in the browser's stores and events sent to the Tracking API: from load,
    or once the visitor consents (consent.py carries over what was kept in memory)."""
    analytics.delivering = True
    options = analytics.options
    remember(analytics, options)
    if not loads_segment(options["integrations"]):
        return
    analytics.segment = SegmentDestination(
        analytics.write_key,
        delivery_settings(options, analytics.settings["cdnSettings"]),
        analytics.undelivered,
        analytics.debugger.problem,
    )
    analytics.pipeline.add(analytics.segment.plugin())


def remember(analytics, options):
    """Who the visitor is and which visit this is, kept where ``options`` say."""
    analytics.users = User(options)
    analytics.groups = Group(options)
    if options["sessions"] != False:
        amplitude = uses_amplitude(options, analytics.settings["cdnSettings"])
        analytics.sessions = Sessions(options, amplitude)


def retire(analytics):
    """Another instance took this write key over: stop tracking routes and delivering."""
    if analytics.routes:
        analytics.routes.unload()
    if analytics.segment:
        analytics.segment.unload()


def defer(analytics, method, args, moment):
    """A call made while the instance waits (or recorded by a snippet, with its
    ``moment``): kept with the page and time of the call."""
    if not moment:
        recorded = snapshot()
        moment = {"page": page_info(recorded), "time": now_iso(), "recorded": recorded}

    def hold(resolve):
        analytics.deferred.push(
            {"method": method, "args": args, "moment": moment, "settle": resolve}
        )

    promise = handled(__new__(Promise(hold)))
    at = args.findIndex(is_function)
    if analytics.initialized and at >= 0 and CALL_TYPES.indexOf(method) >= 0:
        # Waiting for a feature file: the callback's timeout runs from the call, not from when
        # the file comes (the call made then has no callback of its own).
        callback = args[at]
        args[at] = lambda ctx: None
        ctx = Context({"type": method})
        ctx.setFailedDelivery({"reason": make_error("waiting for a feature file")})
        call_back(analytics, promise, ctx, callback)
    return promise


def take_kept(analytics):
    """The calls kept so far, taken out to be made: any kept while they are made wait after."""
    kept = analytics.deferred
    analytics.deferred = []
    return kept


def replay(analytics, calls):
    """Kept calls, made now in the order they came."""
    calls.forEach(lambda call: replay_call(analytics, call))


def replay_call(analytics, call):
    """A kept call, made now (event calls with their own page and time)."""
    method = call["method"]
    if CALL_TYPES.indexOf(method) >= 0:
        result = analytics.dispatch(method, call["args"], call["moment"])
    elif is_function(analytics[method]):
        result = analytics[method].apply(analytics, call["args"])
    else:
        console.warn(
            "analytics-web: "
            + method
            + "() is not a method of analytics-web; the call was not made"
        )
        result = None
    call["settle"](result)

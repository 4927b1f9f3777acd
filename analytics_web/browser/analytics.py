__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

from analytics_web.browser.arguments import resolve_call
from analytics_web.browser.bots import this_browser
from analytics_web.browser.context import Context
from analytics_web.browser.debug import Debug
from analytics_web.browser.emitter import Emitter
from analytics_web.browser.enrichment import page_enrichment
from analytics_web.browser.events import build_event
from analytics_web.browser.features import Features
from analytics_web.browser.identity import Group, User
from analytics_web.browser.page_context import landing_query, page_info, snapshot
from analytics_web.browser.pipeline import Pipeline
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
from analytics_web.browser.util import (
    CALL_TYPES,
    handled,
    is_function,
    is_object,
    is_string,
    is_thenable,
    label,
    make_error,
    now_iso,
    rejected,
)
from analytics_web.browser.wire import serialized

# The instance loaded with each write key on this page. A second load() with the same key (a
# hot reload, React's strict mode running an effect twice) retires the first, so a route change
# is not counted twice and two queues do not write over each other.
live = {}
DEFAULT_TIMEOUT_MS = 300  # Analytics.js: a callback runs at the latest this long after its call
# Calls that set things up rather than make events. Made before load() (on a snippet's stub, or
# on an instance not loaded yet), they are applied first, as analytics-next does, so a plugin
# or middleware registered after the snippet's page() still sees that first page view.
# Analytics.js 1 leftovers that analytics-next keeps as no-ops: here too, so code written for
# either never throws; each says once on the console that it did nothing.
LEGACY_NO_OPS = [
    "log", "addIntegrationMiddleware", "listeners", "addEventListener", "removeAllListeners",
    "removeListener", "removeEventListener", "hasListeners", "add", "addIntegration",
]  # fmt: skip
# What each call's listeners hear of its event (analytics.on('page', (category, name,
# properties, options) => ...)).
PAGE_HEARD = "category name properties"
HEARD = {
    "track": "event properties",
    "page": PAGE_HEARD,
    "screen": PAGE_HEARD,
    "identify": "userId traits",
    "group": "groupId traits",
    "alias": "userId previousId",
}
# Listeners made on a stub are attached before anything else, as analytics-next does, so they
# hear 'initialize' and every call replayed after them.
LISTENER_METHODS = ["on", "once", "off"]
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


class Analytics(Emitter):
    """window.analytics: the Analytics.js API. Calls made before load() are kept, with the page
    and the time of the call, and made once load() has said where events go."""

    def __init__(self):
        Emitter.__init__(self)
        self.initialized = False
        self.users = None
        self.groups = None
        self.sessions = None  # None with load option sessions: false
        self.bot = None  # what marks this browser as not a person (bots.py), if anything
        self.drops_bot_events = False  # such a browser's events are dropped, not marked
        self.consent_state = None  # load(..., {consent: {...}}): the visitor's decision
        self.held = []  # calls made before the visitor decided on consent
        self.delivering = False  # identity in the browser's stores, events to the destinations
        self.segment = None
        self.routes = None
        self.integrations = {}
        self.deferred = []
        self.features = Features()
        self.fetching = 0  # features on their way: calls wait meanwhile
        self.blocked = None  # the error of a guarding feature that could not be loaded
        self.debugger = Debug(self.features)
        self.pipeline = Pipeline(self, self.debugger)
        self.failedInitializations = self.pipeline.failed  # destinations that failed to load
        self.timeout_ms = DEFAULT_TIMEOUT_MS
        self.settings = None  # analytics-next's analytics.settings: writeKey, cdnSettings, timeout
        self.options = {}
        self.VERSION = ANALYTICS_WEB_VERSION
        # Analytics.js 1 members that analytics-next still has, with their harmless meaning:
        # Segment's snippet returns at once when it finds `initialize` (a tag manager pasting
        # it a second time must not put a stub back over the library).
        self.Integrations = {}
        self.init = self.initialize
        LEGACY_NO_OPS.forEach(self.no_op)
        Object.keys(FEATURE_OF).forEach(self.by_feature)

        def keep(resolve):
            self.mark_ready = resolve

        self.readiness = __new__(Promise(keep))

    def load(self, write_key, options):
        """Start sending for this write key. ``options.disable`` (true, or a function of the
        settings that may answer with a promise) makes an instance that sends and stores
        nothing; calls made while such a function decides wait for its answer."""
        if self.initialized or self.settings:
            return self  # a second load (a snippet pasted twice) must not double anything
        if not is_string(write_key) or write_key == "":
            console.error("analytics-web: load() needs a write key (a non-empty string)")
            return self
        options = options if is_object(options) else {}
        self.options = options
        unknown = unsupported_options(options)
        if len(unknown):
            console.warn("analytics-web: load options without effect here: " + unknown.join(", "))
        destinations = self.destinations_known(options)
        cdn = cdn_settings(write_key, options, destinations)
        self.settings = {"writeKey": write_key, "cdnSettings": cdn, "timeout": self.timeout_ms}
        listed = cdn["integrations"] if is_object(cdn["integrations"]) else {}
        self.pipeline.left_out = destinations.filter(lambda name: not listed[name])
        disable = options["disable"]
        off = disable(cdn) if is_function(disable) else disable
        wanted = self.features_wanted(options)
        if is_thenable(off) or len(wanted):
            answered = Promise.resolve(off).then(lambda answer: answer == True, lambda error: False)
            Promise.all([answered].concat(wanted.map(self.fetch_feature))).then(
                lambda got: self.start(write_key, options, got[0])
            )
        else:
            self.start(write_key, options, off == True)
        return self

    def features_wanted(self, options):
        """The features this page asks for before it starts: by its load options, its landing
        URL, the tab's debug flag and the calls made before load()."""
        wanted = self.deferred.map(
            lambda call: (
                FEATURE_OF[call["method"]]
                or (call["method"] == "debug" and call["args"][0] != False and "debug")
            )
        )
        if is_object(options["consent"]):
            wanted.push("consent")
        if Array.isArray(options["plugins"]) and len(options["plugins"]):
            wanted.push("plugins")
        if self.debugger.enabled:
            wanted.push("debug")
        if options["useQueryString"] != False and landing_query().indexOf("ajs_") >= 0:
            wanted.push("querystring")
        return wanted.filter(lambda name, at: name and wanted.indexOf(name) == at)

    def fetch_feature(self, name):
        """Fetch a feature's file; the calls made meanwhile wait and are made once it is here
        (or has failed: see through())."""
        self.fetching += 1

        def settled():
            self.fetching -= 1
            error = self.features.failed[name]
            if error:
                console.error(error.message)
                if GUARDS.indexOf(name) >= 0:
                    self.blocked = error
            if not self.fetching and self.initialized:
                waiting = self.deferred
                self.deferred = []
                waiting.forEach(self.replay)

        return self.features.need(name).then(settled)

    def waits(self, feature):
        """Whether a call must wait (it is kept, in order, and made later): before load(),
        while a feature loads, or for its own ``feature`` not here yet (fetched now)."""
        if (
            feature
            and self.initialized
            and not self.features.ready[feature]
            and not self.features.failed[feature]
        ):
            self.fetch_feature(feature)
        return not self.initialized or self.fetching > 0

    def by_feature(self, method):
        """analytics[method](...), made by its feature's file once that is here."""

        def call(*args):
            feature = FEATURE_OF[method]
            if self.waits(feature):
                return self.defer(method, args)
            error = self.features.failed[feature]
            if error:
                return self.refuse(method, error, args, None)
            return self.features.ready[feature][method].apply(None, [self].concat(args))

        self[method] = call

    def destinations_known(self, options):
        """Names of the destination plugins given before load (settings.plugins, register() on
        a stub or an instance not loaded yet)."""
        plugins = (options["plugins"] if Array.isArray(options["plugins"]) else []).concat(
            *self.deferred.filter(lambda call: call["method"] == "register").map(
                lambda call: call["args"]
            )
        )
        return plugins.filter(
            lambda plugin: is_object(plugin) and plugin.type == "destination"
        ).map(lambda plugin: plugin.name)

    def start(self, write_key, options, disabled):
        if disabled:  # nothing stored, nothing sent: no Segment.io, no route views
            options = Object.assign({}, options, {"disableClientPersistence": True})
        elif live[write_key]:
            live[write_key].retire()
        self.write_key = write_key
        self.options = options
        waiting = self.deferred
        self.deferred = []
        waiting.filter(lambda call: LISTENER_METHODS.indexOf(call["method"]) >= 0).forEach(
            self.replay
        )
        asks_consent = is_object(options["consent"])
        consent = self.features.ready["consent"]
        if asks_consent and consent:
            self.consent_state = consent.Consent(
                options["consent"], not options["disableClientPersistence"]
            )
            self.pipeline.gate = self.consent_state.allows
        self.integrations = integration_flags(options["integrations"])
        bot_filter = options["botFilter"]
        if bot_filter != False:
            self.bot = this_browser(bot_filter and bot_filter["patterns"])
            self.drops_bot_events = bool(self.bot) and not (bot_filter and bot_filter["mark"])
        hints = options["highEntropyValuesClientHints"]
        asked = hints if Array.isArray(hints) and len(hints) else None
        enrichment = page_enrichment(asked)
        self.pipeline.add(enrichment)
        if asked:  # events wait for the browser's answer
            self.pipeline.wait_for(enrichment, enrichment.load(None, self))
        if asks_consent and not (
            self.consent_state and self.consent_state.preferences
        ):  # undecided (or no consent file): memory only, sent nowhere
            self.remember(Object.assign({}, options, {"disableClientPersistence": True}))
        elif not disabled:
            self.start_delivering()
        else:
            self.remember(options)
        if not disabled:
            live[write_key] = self
            routes = options["trackRouteChanges"]
            if routes != False:
                self.routes = RouteTracker(lambda moment: self.dispatch("page", [], moment), routes)
        self.initialized = True
        self.emit("initialize", self.settings, options)
        if Array.isArray(options["plugins"]) and len(options["plugins"]):
            self.register.apply(self, options["plugins"])
        waiting.filter(lambda call: SETUP_METHODS.indexOf(call["method"]) >= 0).forEach(self.replay)
        # The landing URL's ajs_ calls before the page's own, as in analytics-next: the landing
        # view and the calls made before load belong to the visitor the link named.
        query = self.features.ready["querystring"]
        if query and options["useQueryString"] != False and not disabled:
            query.apply_query(self, landing_query(), options["useQueryString"])
        if options["initialPageview"] == True:
            if self.routes:
                self.routes.land()  # settled as route views are: redirects, the title
            else:
                self.page()
        waiting.filter(
            lambda call: SETUP_METHODS.concat(LISTENER_METHODS).indexOf(call["method"]) < 0
        ).forEach(self.replay)
        Promise.all(self.pipeline.loading.map(lambda entry: entry["loaded"])).then(
            lambda: self.mark_ready(self)
        )
        if options["webVitals"] and not disabled:
            self.measure_vitals(options["webVitals"])

    def measure_vitals(self, metrics):
        """Load option webVitals: its file is fetched now, and no call waits for it (it only
        ever adds one event, when the page goes)."""

        def loaded():
            error = self.features.failed["webvitals"]
            if error:
                console.error(error.message)
                self.emit("error", error)
            else:
                self.features.ready["webvitals"].watch(self, metrics)

        self.features.need("webvitals").then(loaded)

    def start_delivering(self):
        """Identity kept in the browser's stores and events sent to the Tracking API: from load,
        or once the visitor consents (consent.py carries over what was kept in memory)."""
        self.delivering = True
        self.remember(self.options)
        if not loads_segment(self.options["integrations"]):
            return
        self.segment = SegmentDestination(
            self.write_key,
            delivery_settings(self.options, self.settings["cdnSettings"]),
            self.undelivered,
            self.debugger.problem,
        )
        self.pipeline.add(self.segment.plugin())

    def remember(self, options):
        """Who the visitor is and which visit this is, kept where ``options`` say."""
        self.users = User(options)
        self.groups = Group(options)
        if options["sessions"] != False:
            amplitude = uses_amplitude(options, self.settings["cdnSettings"])
            self.sessions = Sessions(options, amplitude)

    def retire(self):
        """Another instance took this write key over: stop tracking routes and delivering."""
        if self.routes:
            self.routes.unload()
        if self.segment:
            self.segment.unload()

    def consent(self, choice):
        """The visitor's decision (consent.py); without a choice, the current preferences."""
        if self.waits(None):
            return self.defer("consent", [choice])
        if not self.consent_state:
            console.warn(
                "analytics-web: consent() needs load(writeKey, {consent: {categories: [...]}})"
                if not self.features.failed["consent"]
                else self.features.failed["consent"].message
            )
            return None
        return self.consent_state.choose(self, choice)

    def replay(self, call):
        """A call made before load(), made now (event calls with their own page and time)."""
        method = call["method"]
        if CALL_TYPES.indexOf(method) >= 0:
            result = self.dispatch(method, call["args"], call["moment"])
        elif is_function(self[method]):
            result = self[method].apply(self, call["args"])
        else:
            console.warn(
                "analytics-web: "
                + method
                + "() is not a method of analytics-web; the call was not made"
            )
            result = None
        call["settle"](result)

    # -- the calls: every argument after the first may be left out (JavaScript passes undefined,
    # which the argument resolvers read as absent) --------------------------------------------

    def track(self, event, properties, options, callback):
        return self.dispatch("track", [event, properties, options, callback])

    def page(self, category, name, properties, options, callback):
        return self.dispatch("page", [category, name, properties, options, callback])

    def screen(self, category, name, properties, options, callback):
        return self.dispatch("screen", [category, name, properties, options, callback])

    def identify(self, user_id, traits, options, callback):
        return self.dispatch("identify", [user_id, traits, options, callback])

    def group(self, group_id, traits, options, callback):
        if group_id is js_undefined and self.initialized:
            return self.groups  # group() with no arguments reads the current group
        return self.dispatch("group", [group_id, traits, options, callback])

    def alias(self, user_id, previous_id, options, callback):
        return self.dispatch("alias", [user_id, previous_id, options, callback])

    def initialize(self, settings, options):
        """Analytics.js 1's entry point, a no-op in analytics-next too: load() initializes."""
        console.warn("analytics-web: initialize() is an Analytics.js 1 method; load() initializes")
        return Promise.resolve(self)

    def noConflict(self):
        """Analytics.js 1's way to hand the global back; there is no earlier one to hand back."""
        return self

    def normalize(self, message):
        """Analytics.js 1's message normaliser: ``message`` ({type, ..., options}) as this
        instance would send it, with ids, messageId, page and integrations filled in."""
        fields = Object.assign({}, message)
        if not self.users:
            return fields  # not loaded: no ids yet
        options = fields["options"] or {}
        del fields["options"]
        ids = {"userId": self.users.id(), "anonymousId": self.users.anonymousId()}
        return build_event(fields["type"], fields, options, ids, self.integrations, page_info())

    def no_op(self, name):
        def warn(*args):
            console.warn(
                "analytics-web: " + name + "() is an Analytics.js 1 method; it does nothing"
            )
            return self

        self[name] = warn

    def push(self, call):
        """analytics.push(['track', 'Clicked']), as a snippet's stub takes calls."""
        try:
            return self[call[0]].apply(self, call.slice(1))
        except:
            return self.refuse("push", "needs [method, ...arguments]", [call], None)

    def use(self, factory):
        """Analytics.js 1's plugin factories, as analytics-next runs them: factory(analytics)."""
        try:
            factory(self)
        except:
            self.refuse("use", "needs a function of analytics that does not throw", [factory], None)
        return self

    def pageview(self, url):
        """Analytics.js 1's pageview(url), as analytics-next keeps it: a page call for that path."""
        return self.page({"path": url}).then(lambda ctx: self)

    def timeout(self, ms):
        """How long a callback may wait for its call to settle (default 300 ms)."""
        if typeof(ms) == "number" and ms >= 0:
            self.timeout_ms = ms
            if self.settings:
                self.settings["timeout"] = ms
        return self

    # -- state -------------------------------------------------------------------------------

    def user(self):
        return self.users

    def reset(self):
        if self.waits(None):
            return self.defer("reset", [])
        self.users.reset()
        self.groups.reset()
        if self.sessions:
            self.sessions.start(None)  # the next visitor's visit
        self.emit("reset")

    def setAnonymousId(self, anonymous_id):
        if self.waits(None):
            return self.defer("setAnonymousId", [anonymous_id])
        return self.users.anonymousId(anonymous_id)

    def getSessionId(self):
        """The current session's id (milliseconds since 1970 when it started), or None when
        it ended, sessions are off, or nothing is loaded yet."""
        return self.sessions.current() if self.sessions else None

    def startSession(self, session_id):
        """A new session from now, with ``session_id`` (a number) or the time as its id."""
        if self.waits(None):
            return self.defer("startSession", [session_id])
        return self.sessions.start(session_id) if self.sessions else None

    def endSession(self):
        """The current session ends; the next event starts another."""
        if self.waits(None):
            return self.defer("endSession", [])
        if self.sessions:
            self.sessions.end()

    def ready(self, callback):
        """Once loaded, and once each plugin's own ready() (a destination waiting for its SDK,
        say) has settled, as in analytics-next; one that fails holds nothing up."""

        def plugins_ready(analytics):
            return Promise.all(
                self.pipeline.plugins.map(
                    lambda plugin: (
                        Promise.resolve()
                        .then(lambda: is_function(plugin.ready) and plugin.ready())
                        .catch(lambda error: None)
                    )
                )
            )

        def run(answers):
            if is_function(callback):
                callback()
            return self

        return self.readiness.then(plugins_ready).then(run)

    def debug(self, on):
        """Every call in the console from now on (the debug console's file is fetched first:
        calls made meanwhile wait for it), or no longer (false)."""
        self.debugger.toggle(on)
        if self.debugger.enabled:
            self.waits("debug")
        return self

    def flush(self):
        """Send everything queued now; resolves once the API has acknowledged it. A route's
        view still settling goes now, with the events behind it."""
        if self.routes:
            self.routes.record_view(None)
        return self.segment.flush() if self.segment else Promise.resolve()

    # -- making and sending events -----------------------------------------------------------

    def dispatch(self, method, args, moment):
        """One call: resolve its arguments, build its event, check it, commit what it changes
        (identity), then run it through the plugins. A refused call changes nothing."""
        if self.waits(None):
            return self.defer(method, args, moment)
        try:
            call = resolve_call(method, args, self.users, self.groups)
        except:
            call = {"problem": "the arguments could not be read", "callback": None}
        problem = call["problem"] or self.blocked
        if problem:
            return self.refuse(method, problem, args, call["callback"])
        if self.sessions and not self.drops_bot_events:
            # Taken at the call, in call order: a landing view made later is still of the
            # session it was called in, not of one a startSession() after it began.
            call["visit"] = self.sessions.visit()
        if method == "page" and self.routes and not (moment and moment["route"]):
            if self.routes.landing():
                return self.land(call, args, moment)
            self.routes.page_counted()
        return self.make(method, call, args, moment, None)

    def land(self, call, args, moment):
        """The page's first page() is its landing view, made once it settles as a route's view
        does: a redirect moves it to where it led and the route may still set its title. Its
        callback keeps the timeout from the call, with the event as it stands then (built
        now only for a callback to hear)."""
        settling = call["callback"]
        call["callback"] = None
        ctx = Context(self.build("page", call, moment)) if is_function(settling) else None

        def held(resolve):
            self.routes.hold_landing(
                lambda settled: resolve(self.make("page", call, args, settled, ctx)), moment
            )

        promise = handled(__new__(Promise(held)))
        if ctx:
            self.call_back(promise, ctx, settling)
        return promise

    def build(self, method, call, moment):
        """The call's event, made at the moment of the call (its page and time) when given."""
        options = call["options"]
        if moment and options["timestamp"] is js_undefined:
            options = Object.assign({"timestamp": moment["time"]}, options)
        page = moment["page"] if moment else page_info()
        return build_event(method, call["fields"], options, call["ids"], self.integrations, page)

    def make(self, method, call, args, moment, landing):
        """Build the event (into the ``landing`` context made at the call, when given), check
        it, commit what it changes (identity), then run it through the plugins."""
        event = self.build(method, call, moment)
        if landing:
            event["messageId"] = landing.event["messageId"]
            landing.event = event
        ctx = landing or Context(event)
        options = call["options"]
        if self.bot and not self.drops_bot_events:
            ctx.event["context"]["bot"] = True  # botFilter: {mark: true}
        if call["visit"]:
            self.sessions.stamp(ctx.event, call["visit"])
        direct = self.pipeline.direct_route(ctx)
        checked = serialized(ctx.event)
        if checked["problem"]:
            return self.refuse(method, checked["problem"], args, call["callback"])
        if call["commit"]:
            call["commit"]()
        if options["anonymousId"]:  # the visitor's id from now on, as in analytics-next
            self.users.anonymousId(String(options["anonymousId"]))
        if self.drops_bot_events:
            return self.not_a_person(ctx, call["callback"])
        if not direct:
            # Plugins get an event of their own: what the caller changes later never reaches it.
            # (On the direct route the text just measured is what is sent and stored.)
            ctx.event = JSON.parse(checked["text"])
        self.debugger.show("call", ctx.event)
        if self.event_listeners[method]:
            self.emit.apply(self, [method].concat(self.heard(method, ctx.event)))
        if self.consent_state:
            stopped = self.consent_state.gate(self, ctx, method, args, call["callback"])
            if stopped:
                return stopped
        if self.routes and self.routes.pending and not (moment and moment["route"]):
            return self.answer_call(ctx, call["callback"], self.behind_view(ctx, direct, checked))
        return self.answer_call(ctx, call["callback"], self.send_event(ctx, direct, checked))

    def not_a_person(self, ctx, callback):
        """An event from a crawler, monitor or automated browser (botFilter): not sent, and no
        error either (nothing failed); the debug console says why."""
        self.debugger.show(
            "note",
            label(ctx.event)
            + " not sent: this browser is not a person ("
            + self.bot
            + "); load option botFilter: false sends it",
        )
        promise = Promise.resolve(ctx)
        if is_function(callback):
            self.call_back(promise, ctx, callback)
        return promise

    def heard(self, method, event):
        """What 'track', 'page' ... listeners get, as analytics-next gives it: the event's own
        fields (a page call's properties with the page's), then its options, which an event
        there no longer has once made (undefined)."""
        fields = HEARD[method].split(" ").map(lambda key: event[key] or None)
        return fields.concat([js_undefined])

    def send_event(self, ctx, direct, checked):
        """The event through the plugins, or straight to Segment.io (``direct``) when it took
        the direct route; the answer's rejection marked handled (Segment.io marks its own)."""
        return (
            direct[ctx.event["type"]](ctx, checked) if direct else handled(self.pipeline.run(ctx))
        )

    def behind_view(self, ctx, direct, checked):
        """A call made while a route's view settles goes behind that view, so the API gets the
        view first. The call settles now, pending: a page awaiting it before it navigates must
        not wait for the route's title, and leaving the page sends the view and it at once."""

        def send():
            ctx.setFailedDelivery(js_undefined)
            self.send_event(ctx, direct, checked).catch(
                lambda error: self.undelivered(error, [ctx.event])
            )

        self.routes.after_view(send)
        ctx.setFailedDelivery({"reason": make_error("sent behind the page view of its route")})
        return Promise.resolve(ctx)

    def answer_call(self, ctx, callback, promise):
        """The call's promise: what send_event() answered, or what behind_view() did."""
        if self.debugger.enabled or is_function(callback):  # else: one promise less per call
            promise = handled(promise.then(*self.reporting(ctx)))
        if is_function(callback):
            self.call_back(promise, ctx, callback)
        return promise

    def reporting(self, ctx):
        """What a call's settling tells the debug console (and the failure its context keeps)."""
        event = ctx.event

        def settled(result):
            self.debugger.show("outcome", event, result, None)
            return result

        def failed(error):
            self.debugger.show("outcome", event, None, error)
            ctx.setFailedDelivery({"reason": error})
            raise error

        return [settled, failed]

    def call_back(self, promise, ctx, callback):
        """The callback runs once the call settles, and never later than timeout ms after the
        call: the contract pages rely on to navigate after a track."""
        state = {"done": False, "timer": None}

        def once(settled):
            if state["done"]:
                return
            state["done"] = True
            clearTimeout(state["timer"])
            try:
                callback(settled if is_object(settled) and settled.event else ctx)
            except:
                console.error("analytics-web: the callback of " + ctx.event["type"] + "() threw")

        state["timer"] = setTimeout(once, self.timeout_ms)
        promise.then(once, once)

    def defer(self, method, args, moment):
        """A call made before load() (or recorded by a snippet, with its ``moment``): kept
        with the page and time of the call."""
        if not moment:
            recorded = snapshot()
            moment = {"page": page_info(recorded), "time": now_iso(), "recorded": recorded}

        def hold(resolve):
            self.deferred.push(
                {"method": method, "args": args, "moment": moment, "settle": resolve}
            )

        promise = handled(__new__(Promise(hold)))
        at = args.findIndex(is_function)
        if self.initialized and at >= 0 and CALL_TYPES.indexOf(method) >= 0:
            # Waiting for a feature file: the callback's timeout runs from the call, not from
            # when the file comes (the call made then has no callback of its own).
            callback = args[at]
            args[at] = lambda ctx: None
            ctx = Context({"type": method})
            ctx.setFailedDelivery({"reason": make_error("waiting for a feature file")})
            self.call_back(promise, ctx, callback)
        return promise

    def refuse(self, method, problem, args, callback, kind):
        """A call that will never be sent: its promise rejects (with an Error, or ``kind``; or
        with ``problem`` itself when that is an error), its callback hears it, and so do
        'error' listeners and the debug console."""
        error = make_error(method + "(): " + problem, kind) if is_string(problem) else problem
        self.debugger.problem(error.message, args)
        self.emit("error", error)
        promise = rejected(error)
        if is_function(callback):
            ctx = Context({"type": method})
            ctx.setFailedDelivery({"reason": error})
            self.call_back(promise, ctx, callback)
        return promise

    def undelivered(self, error, events):
        self.debugger.problem(error.message, events)
        self.emit("error", error, events)

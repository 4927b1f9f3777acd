__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

from analytics_web.browser.arguments import resolve_call
from analytics_web.browser.autotrack import track_forms, track_links
from analytics_web.browser.consent import Consent
from analytics_web.browser.context import Context
from analytics_web.browser.debug import Debug, label
from analytics_web.browser.emitter import Emitter
from analytics_web.browser.enrichment import page_enrichment
from analytics_web.browser.events import build_event
from analytics_web.browser.identity import Group, User
from analytics_web.browser.middleware import source_middleware
from analytics_web.browser.page_context import page_info, snapshot
from analytics_web.browser.pipeline import Pipeline
from analytics_web.browser.querystring import apply_query, landing_query
from analytics_web.browser.routing import RouteTracker
from analytics_web.browser.segmentio import SegmentDestination
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


class Analytics(Emitter):
    """window.analytics: the Analytics.js API. Calls made before load() are kept, with the page
    and the time of the call, and made once load() has said where events go."""

    def __init__(self):
        Emitter.__init__(self)
        self.initialized = False
        self.users = None
        self.groups = None
        self.consent_state = None  # load(..., {consent: {...}}): the visitor's decision
        self.held = []  # calls made before the visitor decided on consent
        self.delivering = False  # identity in the browser's stores, events to the destinations
        self.segment = None
        self.routes = None
        self.integrations = {}
        self.deferred = []
        self.debugger = Debug()
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
        if is_thenable(off):
            off.then(
                lambda answer: self.start(write_key, options, answer == True),
                lambda error: self.start(write_key, options, False),
            )
        else:
            self.start(write_key, options, off == True)
        return self

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
        if is_object(options["consent"]):
            self.consent_state = Consent(
                options["consent"], not options["disableClientPersistence"]
            )
            self.pipeline.gate = self.consent_state.allows
        self.integrations = integration_flags(options["integrations"])
        hints = options["highEntropyValuesClientHints"]
        if Array.isArray(hints) and len(hints):
            self.pipeline.register(page_enrichment(hints))  # events wait for the hints
        else:
            self.pipeline.add(page_enrichment(None))
        if (
            self.consent_state and not self.consent_state.preferences
        ):  # undecided: memory only, sent nowhere
            self.users = User(Object.assign({}, options, {"disableClientPersistence": True}))
            self.groups = Group(Object.assign({}, options, {"disableClientPersistence": True}))
        elif not disabled:
            self.start_delivering()
        else:
            self.users = User(options)
            self.groups = Group(options)
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
        if options["useQueryString"] != False and not disabled:
            apply_query(self, landing_query(), options["useQueryString"])
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

    def start_delivering(self):
        """Identity kept in the browser's stores and events sent to the Tracking API: from load,
        or once the visitor consents. What an undecided page kept in memory is carried over."""
        self.delivering = True
        before_users, before_groups = self.users, self.groups
        self.users = User(self.options)
        self.groups = Group(self.options)
        if before_users:
            if self.users.read_id("ajs_anonymous_id") is None:
                self.users.anonymousId(before_users.anonymousId())
            if before_users.id() is not None and self.users.id() is None:
                self.users.store(before_users.id(), before_users.traits(), self.users.anonymousId())
            if before_groups.id() is not None and self.groups.id() is None:
                self.groups.store(before_groups.id(), before_groups.traits())
        if not loads_segment(self.options["integrations"]):
            return
        self.segment = SegmentDestination(
            self.write_key,
            delivery_settings(self.options, self.settings["cdnSettings"]),
            self.undelivered,
            self.debugger.problem,
        )
        self.pipeline.add(self.segment.plugin())

    def retire(self):
        """Another instance took this write key over: stop tracking routes and delivering."""
        if self.routes:
            self.routes.unload()
        if self.segment:
            self.segment.unload()

    def consent(self, choice):
        """The visitor's decision: true (every category), false (none) or {category: bool}.
        Events kept while undecided go out stamped with it, or are discarded; the decision is
        remembered for the next pages. Without a choice: the current preferences (None while
        undecided)."""
        if not self.initialized:
            return self.defer("consent", [choice])
        if not self.consent_state:
            console.warn(
                "analytics-web: consent() needs load(writeKey, {consent: {categories: [...]}})"
            )
            return None
        if choice is js_undefined:
            return self.consent_state.preferences
        before = self.consent_state.preferences
        preferences = self.consent_state.decide(choice)
        held = self.held
        self.held = []
        if self.consent_state.refused_all():
            self.debugger.note(
                len(held) + " event(s) kept until consent were discarded: consent refused"
            )
        else:
            if not self.delivering:
                self.start_delivering()
            anonymous_id = self.users.anonymousId()
            held.forEach(lambda ctx: self.send_consented(ctx, anonymous_id))
        if before and JSON.stringify(before) != JSON.stringify(preferences):
            self.track(
                "Segment Consent Preference Updated",
                {},
                {"consent": {"categoryPreferences": preferences}},
            )
        return preferences

    def send_consented(self, ctx, anonymous_id):
        """A call kept until consent, now sent: with the visitor's stored id if they had one."""
        ctx.event["anonymousId"] = (
            anonymous_id if ctx.event["anonymousId"] == ctx.memory_id else ctx.event["anonymousId"]
        )
        self.consent_state.stamp(ctx.event)
        self.debugger.note(label(ctx.event) + ": sent now that the visitor consented")
        self.pipeline.run(ctx).catch(lambda error: self.undelivered(error, [ctx.event]))

    def hold(self, ctx, callback):
        """Before the visitor decides: kept in memory only; the call settles now, pending."""
        ctx.memory_id = self.users.anonymousId()
        self.held.push(ctx)
        self.debugger.note(label(ctx.event) + ": held until the visitor decides on consent")
        ctx.setFailedDelivery({"reason": make_error("held until the visitor decides on consent")})
        promise = Promise.resolve(ctx)
        if is_function(callback):
            self.call_back(promise, ctx, callback)
        return promise

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

    def queryString(self, query):
        """The calls a query string asks for (?ajs_event=...), as on a landing URL."""
        return Promise.all(apply_query(self, query, self.options["useQueryString"]))

    def pageview(self, url):
        """Analytics.js 1's pageview(url), as analytics-next keeps it: a page call for that path."""
        return self.page({"path": url}).then(lambda ctx: self)

    def trackLink(self, links, event, properties, options):
        """Track clicks on links (one, an array or a jQuery-like list); the page navigates once
        the event is safe, or after timeout ms. event and properties may be functions of
        the link."""
        return track_links(self, "trackLink", links, event, properties, options)

    def trackClick(self, links, event, properties, options):
        return track_links(self, "trackClick", links, event, properties, options)

    def trackForm(self, forms, event, properties, options):
        """Track form submits; the form submits once the event is safe, or after timeout ms,
        and submits even when tracking fails."""
        return track_forms(self, "trackForm", forms, event, properties, options)

    def trackSubmit(self, forms, event, properties, options):
        return track_forms(self, "trackSubmit", forms, event, properties, options)

    # -- plugins and middleware --------------------------------------------------------------

    def register(self, *plugins):
        """Load plugins; resolves once they are loaded. Events made meanwhile wait for them,
        but for destinations (see Pipeline.register)."""
        if not self.initialized:
            return self.defer("register", plugins)

        def registered(results):
            self.emit("register", plugins.map(lambda plugin: plugin.name))
            return Context({"type": "register"})

        return handled(
            Promise.all(plugins.map(lambda plugin: self.pipeline.register(plugin))).then(registered)
        )

    def deregister(self, *names):
        if not self.initialized:
            return self.defer("deregister", names)
        return handled(Promise.all(names.map(lambda name: self.pipeline.deregister(name))))

    def addSourceMiddleware(self, fn):
        """fn({payload, next, integrations}) for every event, before enrichment, in the order
        added; an event it does not pass to next() is dropped."""
        if not self.initialized:
            return self.defer("addSourceMiddleware", [fn])
        if not is_function(fn):
            return rejected(make_error("addSourceMiddleware() needs a function"))
        return handled(
            self.pipeline.register(source_middleware(fn, self.integrations)).then(lambda: self)
        )

    def addDestinationMiddleware(self, name, *fns):
        """fn({payload, next, integration}) on one destination's copy of each event ('*': every
        destination but Segment.io, as in analytics-next; name it to reach it too)."""
        if not self.initialized:
            return self.defer("addDestinationMiddleware", [name].concat(fns))
        if not is_string(name) or not fns.every(is_function):
            return rejected(
                make_error(
                    'addDestinationMiddleware() needs a destination name (or "*") and functions'
                )
            )
        fns.forEach(lambda fn: self.pipeline.middleware.push({"name": name, "fn": fn}))
        return Promise.resolve(self)

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
        if not self.initialized:
            return self.defer("reset", [])
        self.users.reset()
        self.groups.reset()
        self.emit("reset")

    def setAnonymousId(self, anonymous_id):
        if not self.initialized:
            return self.defer("setAnonymousId", [anonymous_id])
        return self.users.anonymousId(anonymous_id)

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
        self.debugger.toggle(on)
        return self

    def flush(self):
        """Send everything queued now; resolves once the API has acknowledged it. A route's
        view still settling goes now, with the events behind it."""
        if self.routes:
            self.routes.settle(None)
        return self.segment.flush() if self.segment else Promise.resolve()

    # -- making and sending events -----------------------------------------------------------

    def dispatch(self, method, args, moment):
        """One call: resolve its arguments, build its event, check it, commit what it changes
        (identity), then run it through the plugins. A refused call changes nothing."""
        if not self.initialized:
            return self.defer(method, args)
        try:
            call = resolve_call(method, args, self.users, self.groups)
        except:
            call = {"problem": "the arguments could not be read", "callback": None}
        if call["problem"]:
            return self.refuse(method, call["problem"], args, call["callback"])
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
        direct = self.pipeline.direct_route(ctx)
        checked = serialized(ctx.event)
        if checked["problem"]:
            return self.refuse(method, checked["problem"], args, call["callback"])
        if call["commit"]:
            call["commit"]()
        if options["anonymousId"]:  # the visitor's id from now on, as in analytics-next
            self.users.anonymousId(String(options["anonymousId"]))
        if not direct:
            # Plugins get an event of their own: what the caller changes later never reaches it.
            # (On the direct route the text just measured is what is sent and stored.)
            ctx.event = JSON.parse(checked["text"])
        self.debugger.call(ctx.event)
        if self.event_listeners[method]:
            self.emit.apply(self, [method].concat(self.heard(method, ctx.event)))
        if self.consent_state:
            if not self.consent_state.preferences:
                return self.hold(ctx, call["callback"])
            if self.consent_state.refused_all():
                return self.refuse(
                    method, "not sent: the visitor refused consent", args, call["callback"]
                )
            self.consent_state.stamp(ctx.event)
        if self.routes and self.routes.pending and not (moment and moment["route"]):
            return self.answer_call(ctx, call["callback"], self.behind_view(ctx, direct, checked))
        return self.answer_call(ctx, call["callback"], self.send_event(ctx, direct, checked))

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
            self.debugger.outcome(event, result, None)
            return result

        def failed(error):
            self.debugger.outcome(event, None, error)
            ctx.setFailedDelivery({"reason": error})
            raise error

        return [settled, failed]

    def call_back(self, promise, ctx, callback):
        """The callback runs once the call settles, and never later than timeout ms after the
        call: the contract pages rely on to navigate after a track."""
        state = {"done": False, "timer": None}

        def once():
            if state["done"]:
                return
            state["done"] = True
            clearTimeout(state["timer"])
            try:
                callback(ctx)
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

        return handled(__new__(Promise(hold)))

    def refuse(self, method, problem, args, callback, kind):
        """A call that will never be sent: its promise rejects (with an Error, or ``kind``), its
        callback hears it, and so do 'error' listeners and the debug console."""
        error = make_error(method + "(): " + problem, kind)
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

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

from analytics_web.browser.calls import dispatch
from analytics_web.browser.debug import Debug
from analytics_web.browser.emitter import Emitter
from analytics_web.browser.events import build_event
from analytics_web.browser.features import Features
from analytics_web.browser.loading import defer, feature_calls, load, start_delivering, waits
from analytics_web.browser.page_context import page_info
from analytics_web.browser.pipeline import Pipeline
from analytics_web.browser.settling import call_back, refuse, undelivered
from analytics_web.browser.util import is_function

DEFAULT_TIMEOUT_MS = 300  # Analytics.js: a callback runs at the latest this long after its call
# Analytics.js 1 leftovers that analytics-next keeps as no-ops: here too, so code written for
# either never throws; each says on the console that it did nothing.
LEGACY_NO_OPS = [
    "log", "addIntegrationMiddleware", "listeners", "addEventListener", "removeAllListeners",
    "removeListener", "removeEventListener", "hasListeners", "add", "addIntegration",
]  # fmt: skip


class Analytics(Emitter):
    """window.analytics: the Analytics.js API, a thin facade. loading.py keeps the calls made
    before load() (and while a feature's file loads) and makes them once it is ready;
    calls.py makes each call, from its arguments to its event on the way; settling.py settles
    it (promise, callback, timeout, errors)."""

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
        feature_calls(self)

        def keep(resolve):
            self.mark_ready = resolve

        self.readiness = __new__(Promise(keep))

    def consent(self, choice):
        """The visitor's decision (consent.py); without a choice, the current preferences."""
        if waits(self, None):
            return defer(self, "consent", [choice])
        if not self.consent_state:
            console.warn(
                "analytics-web: consent() needs load(writeKey, {consent: {categories: [...]}})"
                if not self.features.failed["consent"]
                else self.features.failed["consent"].message
            )
            return None
        return self.consent_state.choose(self, choice)

    def track(self, event, properties, options, callback):
        return dispatch(self, "track", [event, properties, options, callback])

    def page(self, category, name, properties, options, callback):
        return dispatch(self, "page", [category, name, properties, options, callback])

    def screen(self, category, name, properties, options, callback):
        return dispatch(self, "screen", [category, name, properties, options, callback])

    def identify(self, user_id, traits, options, callback):
        return dispatch(self, "identify", [user_id, traits, options, callback])

    def group(self, group_id, traits, options, callback):
        if group_id is js_undefined and self.initialized:
            return self.groups  # group() with no arguments reads the current group
        return dispatch(self, "group", [group_id, traits, options, callback])

    def alias(self, user_id, previous_id, options, callback):
        return dispatch(self, "alias", [user_id, previous_id, options, callback])

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
        def warn():
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
            return refuse(self, "push", "needs [method, ...arguments]", [call], None)

    def use(self, factory):
        """Analytics.js 1's plugin factories, as analytics-next runs them: factory(analytics)."""
        try:
            factory(self)
        except:
            refuse(
                self, "use", "needs a function of analytics that does not throw", [factory], None
            )
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
        if waits(self, None):
            return defer(self, "reset", [])
        self.users.reset()
        self.groups.reset()
        if self.sessions:
            self.sessions.start(None)  # the next visitor's visit
        self.emit("reset")

    def setAnonymousId(self, anonymous_id):
        if waits(self, None):
            return defer(self, "setAnonymousId", [anonymous_id])
        return self.users.anonymousId(anonymous_id)

    def getSessionId(self):
        """The current session's id (milliseconds since 1970 when it started), or None when
        it ended, sessions are off, or nothing is loaded yet."""
        return self.sessions.current() if self.sessions else None

    def startSession(self, session_id):
        """A new session from now, with ``session_id`` (a number) or the time as its id."""
        if waits(self, None):
            return defer(self, "startSession", [session_id])
        return self.sessions.start(session_id) if self.sessions else None

    def endSession(self):
        """The current session ends; the next event starts another."""
        if waits(self, None):
            return defer(self, "endSession", [])
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
            waits(self, "debug")
        return self

    def flush(self):
        """Send everything queued now; resolves once the API has acknowledged it. A route's
        view still settling goes now, with the events behind it."""
        if self.routes:
            self.routes.record_view(None)
        return self.segment.flush() if self.segment else Promise.resolve()

    # -- made in their own modules: load() in loading.py; the rest is what the route tracker,
    # the snippet's take-over and the feature files call on the instance ----------------------

    load = load
    dispatch = dispatch
    defer = defer
    start_delivering = start_delivering
    refuse = refuse
    call_back = call_back
    undelivered = undelivered

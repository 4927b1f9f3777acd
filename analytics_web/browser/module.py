__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Entry point of dist/analytics.esm.js, the npm-style module, shaped as analytics-next's:
#     import { AnalyticsBrowser } from 'analytics-web'
#     export const analytics = AnalyticsBrowser.load({ writeKey: 'KEY' })
#     analytics.track('Clicked')                        // taken at once, sent once loaded
#     const [instance, ctx] = await analytics            // a thenable of [Analytics, Context]
#     const later = new AnalyticsBrowser(); later.load({ writeKey: 'KEY' })  // e.g. after consent

from analytics_web.browser.analytics import Analytics
from analytics_web.browser.context import Context
from analytics_web.browser.features import feature_file, source
from analytics_web.browser.util import handled, is_object, is_string, make_error, rejected

# Calls on the object load() returns, as analytics-next has them: made on the instance (which
# keeps them until it is loaded), answering with a promise; these answer with the object itself,
# so they chain.
CHAINED = ["debug", "on", "once", "off"]
PROMISED = [
    "track", "page", "screen", "identify", "alias", "reset", "ready", "setAnonymousId",
    "register", "deregister", "addSourceMiddleware", "addDestinationMiddleware", "flush",
    "trackLink", "trackClick", "trackForm", "trackSubmit", "pageview", "consent",
    "getSessionId", "startSession", "endSession",
]  # fmt: skip


def on_a_server():
    """Server-side rendering (Next.js, Nuxt, SvelteKit) runs an app's modules in Node too, where
    there is no page: there load() and every call settle with this error, handled, so a
    module-level AnalyticsBrowser.load() never breaks the render (as analytics-next's load)."""
    if typeof(window) == "undefined":
        # Not make_error(): its error classes are the window's.
        return __new__(
            globalThis.Error(
                "analytics-web: no page here (server-side rendering?): make calls in the browser"
            )
        )


def import_feature(name):
    """A feature's ES module (features.py), beside this one. Each import() is written out, so an
    app's bundler sees it and makes it a chunk of its own, fetched only when the app needs it
    (the build keeps these paths external)."""
    imports = __pragma__(
        "js",
        "{}",
        """({
            autotrack: () => import('./analytics.autotrack.esm.js'),
            consent: () => import('./analytics.consent.esm.js'),
            debug: () => import('./analytics.debug.esm.js'),
            plugins: () => import('./analytics.plugins.esm.js'),
            querystring: () => import('./analytics.querystring.esm.js'),
            webvitals: () => import('./analytics.webvitals.esm.js'),
        })""",
    )

    def failed(error):
        raise make_error(
            feature_file(name).replace(".min.js", ".esm.js")
            + " could not be imported ("
            + error
            + "): ship it beside analytics.esm.js"
        )

    return imports[name]().then(lambda module: module.feature, failed)


source["fetch"] = import_feature


class AnalyticsBrowser:
    """`AnalyticsBrowser.load(settings)`, or `new AnalyticsBrowser()` then `.load(settings)`: an
    object that takes every call now and is a promise of [analytics, context] once loaded, as
    analytics-next's AnalyticsBrowser (an instance of it, as its chained calls are)."""

    def __init__(self):
        self.analytics = Analytics()
        self.instance = js_undefined  # the Analytics instance, once loaded
        self.ctx = js_undefined
        self.VERSION = ANALYTICS_WEB_VERSION

        def keep(resolve, reject):
            self.outcome = {"resolve": resolve, "reject": reject}

        self.loaded = handled(__new__(Promise(keep)))
        CHAINED.forEach(lambda name: self.forward(name, True))
        PROMISED.forEach(lambda name: self.forward(name, False))
        self.pageView = self.pageview  # analytics-next's buffered name for it
        self["finally"] = lambda settled: self.loaded["finally"](settled)

    def forward(self, name, chained):
        """self[name](...) makes the call on the instance."""

        def call(*args):
            answer = self.forwarded(name, args)
            return self if chained else answer

        self[name] = call

    def forwarded(self, name, args):
        """A promise of the instance's answer to the call."""
        problem = on_a_server()
        if problem:
            return rejected(problem)
        return Promise.resolve(self.analytics[name].apply(self.analytics, args))

    def load(self, settings, options):
        """settings: {writeKey, plugins, cdnSettings} (and, for analytics-web, any load option);
        options: the load options."""
        settings = settings if is_object(settings) else {}
        problem = on_a_server()
        if not problem and (not is_string(settings["writeKey"]) or settings["writeKey"] == ""):
            problem = make_error("load() needs settings.writeKey (a non-empty string)")
        if problem:
            self.outcome["reject"](problem)
            return self
        self.analytics.load(settings["writeKey"], Object.assign({}, settings, options or {}))

        def ready(analytics):
            self.instance = analytics
            self.ctx = Context({"type": "track", "event": "Analytics Loaded"})
            self.outcome["resolve"]([analytics, self.ctx])

        self.analytics.ready().then(ready)
        return self

    def then(self, fulfilled, rejected):
        return self.loaded.then(fulfilled, rejected)

    def catch(self, rejected):
        return self.loaded.catch(rejected)

    def user(self):
        return handled(self.loaded.then(lambda loaded: loaded[0].user()))

    def group(self, *args):
        """group() with no arguments answers with the current group, once loaded."""
        if not len(args):
            return handled(self.loaded.then(lambda loaded: loaded[0].group()))
        return self.forwarded("group", args)


def load_now(settings, options):
    return AnalyticsBrowser().load(settings, options)


def standalone(write_key, options):
    """A promise of the loaded Analytics instance itself."""
    return load_now({"writeKey": write_key}, options).then(lambda loaded: loaded[0])


# The class's own load() is the instance's; these are the class's (static, as there).
Object.defineProperty(AnalyticsBrowser, "load", {"value": load_now})
AnalyticsBrowser.standalone = standalone

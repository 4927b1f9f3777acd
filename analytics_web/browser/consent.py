__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Consent, a feature file of its own (features.py): load(writeKey, {consent: {categories, destinations, gpc}}). Until the
# visitor decides, the library keeps its calls in memory (each with its own time and page),
# writes no id to a cookie or localStorage and sends nothing. consent(preferences) then releases
# them, stamped with context.consent, or discards them. The decision itself is remembered for
# the next pages under one key (it holds no personal data: strictly necessary storage).

from analytics_web.browser.publish import publish
from analytics_web.browser.util import is_function, label, make_error
from analytics_web.browser.webstorage import read_json, write_json

DECISION_KEY = "aw_consent"


def read_decision():
    stored = read_json("localStorage", DECISION_KEY)
    return stored["preferences"] if stored and typeof(stored["preferences"]) == "object" else None


def remember(preferences):
    # Refused by the storage: not remembered, the banner asks again on the next page.
    write_json("localStorage", DECISION_KEY, {"preferences": preferences, "at": Date.now()})


def store_and_deliver(analytics):
    """The visitor consented: identity goes to the browser's stores and events to the API,
    with what the page kept in memory meanwhile (the anonymous id, a user or group it
    identified, the session) unless the stores hold their own already."""
    users, groups, sessions = analytics.users, analytics.groups, analytics.sessions
    analytics.start_delivering()
    if sessions:
        analytics.sessions.carry(sessions)
    stored = analytics.users
    if stored.read_id("ajs_anonymous_id") is None:
        stored.anonymousId(users.anonymousId())
    if users.id() is not None and stored.id() is None:
        stored.store(users.id(), users.traits(), stored.anonymousId())
    if groups.id() is not None and analytics.groups.id() is None:
        analytics.groups.store(groups.id(), groups.traits())


class Consent:
    """``categories``: the categories the site asks about; ``destinations``: destination name ->
    the categories it needs (Segment.io included); ``gpc``: the categories refused when the
    browser sends Global Privacy Control, whatever the visitor chose. ``remembered``: the
    decision is kept for the next pages (not under disableClientPersistence)."""

    def __init__(self, options, remembered):
        self.categories = options["categories"] if Array.isArray(options["categories"]) else []
        self.destinations = options["destinations"] or {}
        refused_by_gpc = options["gpc"] if Array.isArray(options["gpc"]) else []
        self.gpc = refused_by_gpc if navigator.globalPrivacyControl == True else []
        self.remembered = remembered
        self.preferences = read_decision() if remembered else None
        if self.preferences:
            self.preferences = self.with_gpc(self.preferences)

    def decide(self, choice):
        """true (all), false (none) or {category: bool}, as category preferences."""
        preferences = {}

        def put(category):
            preferences[category] = (
                choice == True if typeof(choice) == "boolean" else choice[category] == True
            )

        self.categories.forEach(put)
        if typeof(choice) == "object" and choice is not None:
            Object.assign(preferences, choice)
        self.preferences = self.with_gpc(preferences)
        if self.remembered:
            remember(self.preferences)
        return self.preferences

    def with_gpc(self, preferences):
        preferences = Object.assign({}, preferences)

        def refuse(category):
            preferences[category] = False

        self.gpc.forEach(refuse)
        return preferences

    def stamp(self, event):
        """context.consent: the preferences the event was sent under (and GPC, when it refused)."""
        stamp = {"categoryPreferences": self.preferences}
        if len(self.gpc):
            stamp["globalPrivacyControl"] = True
        event["context"]["consent"] = Object.assign({}, event["context"]["consent"], stamp)

    def allows(self, destination):
        """A destination gets events when every category it needs is consented to."""
        needs = self.destinations[destination]
        if not Array.isArray(needs):
            return True
        return needs.every(lambda category: self.preferences and self.preferences[category] == True)

    def refused_all(self):
        return not Object.keys(self.preferences or {}).some(
            lambda key: self.preferences[key] == True
        )

    # -- what the library does with it (analytics: the Analytics instance) ----------------------

    def choose(self, analytics, choice):
        """analytics.consent(choice): the visitor's decision, true (every category), false
        (none) or {category: bool}. Events kept while undecided go out stamped with it, or are
        discarded; the decision is remembered for the next pages. Without a choice: the current
        preferences (None while undecided)."""
        if choice is js_undefined:
            return self.preferences
        before = self.preferences
        preferences = self.decide(choice)
        held = analytics.held
        analytics.held = []
        if self.refused_all():
            analytics.debugger.show(
                "note", len(held) + " event(s) kept until consent were discarded: consent refused"
            )
        else:
            if not analytics.delivering:
                store_and_deliver(analytics)
            anonymous_id = analytics.users.anonymousId()
            held.forEach(lambda ctx: self.send_held(analytics, ctx, anonymous_id))
        if before and JSON.stringify(before) != JSON.stringify(preferences):
            analytics.track(
                "Segment Consent Preference Updated",
                {},
                {"consent": {"categoryPreferences": preferences}},
            )
        return preferences

    def send_held(self, analytics, ctx, anonymous_id):
        """A call kept until consent, now sent: with the visitor's stored id if they had one."""
        ctx.event["anonymousId"] = (
            anonymous_id if ctx.event["anonymousId"] == ctx.memory_id else ctx.event["anonymousId"]
        )
        self.stamp(ctx.event)
        analytics.debugger.show("note", label(ctx.event) + ": sent now that the visitor consented")
        analytics.pipeline.run(ctx).catch(lambda error: analytics.undelivered(error, [ctx.event]))

    def gate(self, analytics, ctx, method, args, callback):
        """A call's event at the consent gate: kept in memory until the visitor decides,
        refused when they refused everything (a promise then), or stamped and let through
        (None)."""
        if not self.preferences:
            return self.hold(analytics, ctx, callback)
        if self.refused_all():
            return analytics.refuse(method, "not sent: the visitor refused consent", args, callback)
        self.stamp(ctx.event)
        return None

    def hold(self, analytics, ctx, callback):
        """Before the visitor decides: kept in memory only; the call settles now, pending."""
        ctx.memory_id = analytics.users.anonymousId()
        analytics.held.push(ctx)
        analytics.debugger.show(
            "note", label(ctx.event) + ": held until the visitor decides on consent"
        )
        ctx.setFailedDelivery({"reason": make_error("held until the visitor decides on consent")})
        promise = Promise.resolve(ctx)
        if is_function(callback):
            analytics.call_back(promise, ctx, callback)
        return promise


feature = publish({"Consent": Consent})

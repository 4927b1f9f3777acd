__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Consent, built in: load(writeKey, {consent: {categories, destinations, gpc}}). Until the
# visitor decides, the library keeps its calls in memory (each with its own time and page),
# writes no id to a cookie or localStorage and sends nothing. consent(preferences) then releases
# them, stamped with context.consent, or discards them. The decision itself is remembered for
# the next pages under one key (it holds no personal data: strictly necessary storage).

from analytics_web.browser.webstorage import read_json, write_json

DECISION_KEY = "aw_consent"


def read_decision():
    stored = read_json("localStorage", DECISION_KEY)
    return stored["preferences"] if stored and typeof(stored["preferences"]) == "object" else None


def remember(preferences):
    # Refused by the storage: not remembered, the banner asks again on the next page.
    write_json("localStorage", DECISION_KEY, {"preferences": preferences, "at": Date.now()})


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

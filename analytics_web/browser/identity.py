__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

from analytics_web.browser.storage import CookieStore, LayeredStore, LocalStore, MemoryStore
from analytics_web.browser.util import is_object, make_uuid

# The keys Analytics.js uses, so identities survive a switch in either direction; the user's and
# group's can be changed with the load options user / group: {cookie: {key, oldKey},
# localStorage: {key}}, as in analytics-next.
ANONYMOUS_ID = "ajs_anonymous_id"
USER_KEYS = {"id": "ajs_user_id", "old": "ajs_user", "traits": "ajs_user_traits"}
GROUP_KEYS = {"id": "ajs_group_id", "old": "ajs_group", "traits": "ajs_group_properties"}
DEFAULT_ORDER = ["cookie", "localStorage", "memory"]


def make_stores(options, entity_options):
    """Id and trait stores as the load options ask. Ids go to the cookie and localStorage,
    cookie first (it is the copy shared across subdomains); traits to localStorage only.
    ``storage: {stores: [...]}`` reorders or leaves stores out; ``disableClientPersistence``
    (or the entity's own ``persist: false``) keeps everything in memory."""
    if options["disableClientPersistence"] or entity_options["persist"] == False:
        return LayeredStore([]), LayeredStore([])
    storage = options["storage"] or {}
    order = storage["stores"] or DEFAULT_ORDER
    made = {
        "cookie": CookieStore(options["cookie"]),
        "localStorage": LocalStore(),
        "memory": MemoryStore(),
    }
    chosen = order.map(lambda kind: made[kind]).filter(lambda store: store)
    return LayeredStore(chosen), LayeredStore(chosen.filter(lambda store: store.kind != "cookie"))


def keys_of(entity_options, defaults):
    cookie = entity_options["cookie"] or {}
    local = entity_options["localStorage"] or {}
    return {
        "id": cookie["key"] or defaults["id"],
        "old": cookie["oldKey"] or defaults["old"],
        "traits": local["key"] or defaults["traits"],
    }


class Entity:
    """An id with traits, persisted: the user (also anonymous) or the group."""

    def __init__(self, options, entity_options, defaults):
        entity_options = entity_options if is_object(entity_options) else {}
        self.id_store, self.trait_store = make_stores(options, entity_options)
        keys = keys_of(entity_options, defaults)
        self.id_key = keys["id"]
        self.traits_key = keys["traits"]
        self.adopt_old_id(keys["old"])

    def adopt_old_id(self, old_key):
        """Analytics.js 1 kept ids under other keys (ajs_user, as JSON): take one left there."""
        if old_key == self.id_key or self.read_id(self.id_key) is not None:
            return
        old = self.id_store.read(old_key)
        found = old["id"] if is_object(old) else old
        if found is not None and found is not js_undefined and typeof(found) != "object":
            self.write_id(self.id_key, found)
            self.id_store.remove(old_key)

    def id(self, value):
        if value is not js_undefined:
            self.write_id(self.id_key, value)
        return self.read_id(self.id_key)

    def read_id(self, key):
        """Ids are strings, however they were stored (a bare 42 in a cookie parses as a number)."""
        value = self.id_store.read(key)
        return None if value is None else String(value)

    def traits(self, value):
        if value is not js_undefined:
            self.trait_store.write(self.traits_key, value or {})
        stored = self.trait_store.read(self.traits_key)
        return stored if stored is not None and typeof(stored) == "object" else {}

    def store(self, entity_id, traits):
        """An id and its traits, stored together once an identify or group call is accepted."""
        self.write_id(self.id_key, entity_id)
        self.trait_store.write(self.traits_key, traits)

    def reset(self):
        self.write_id(self.id_key, None)
        self.trait_store.remove(self.traits_key)

    # What analytics-next's User and Group also answer, for plugins and pages written for it.
    # None of them sends an event: that is analytics.identify() and analytics.reset().

    def identify(self, entity_id, traits):
        """Take an id and traits: they merge into those known, unless the id is another's."""
        current = self.id()
        given = entity_id is not None and entity_id is not js_undefined
        if current is None or not given or String(entity_id) == current:
            traits = Object.assign({}, self.traits(), traits)
        if given:
            self.id(entity_id)
        self.traits(traits or {})

    def logout(self):
        self.reset()

    def load(self):
        """The stores read again: they are read at every call here, so this is the entity."""
        return self

    def save(self):
        return True

    def write_id(self, key, value):
        if value is None:
            self.id_store.remove(key)
        else:
            self.id_store.write(key, String(value))


class User(Entity):
    def __init__(self, options):
        Entity.__init__(self, options, options["user"], USER_KEYS)

    def id(self, value):
        """Switching from one known user to another starts a new anonymous id, as in
        analytics-next, so two people on one browser are not stitched together."""
        previous = self.read_id(self.id_key)
        if value is not js_undefined:
            self.write_id(self.id_key, value)
            if previous is not None and value is not None and String(value) != previous:
                self.write_id(ANONYMOUS_ID, None)
            return self.read_id(self.id_key)
        return previous

    def store(self, user_id, traits, anonymous_id):
        Entity.store(self, user_id, traits)
        if anonymous_id != self.read_id(ANONYMOUS_ID):
            self.write_id(ANONYMOUS_ID, anonymous_id)

    def reset(self):
        Entity.reset(self)
        self.write_id(ANONYMOUS_ID, None)

    def anonymousId(self, value):
        if value is not js_undefined:
            self.write_id(ANONYMOUS_ID, value)
        current = self.read_id(ANONYMOUS_ID)
        if current is None:
            current = make_uuid()
            self.write_id(ANONYMOUS_ID, current)
        return current


class Group(Entity):
    def __init__(self, options):
        Entity.__init__(self, options, options["group"], GROUP_KEYS)

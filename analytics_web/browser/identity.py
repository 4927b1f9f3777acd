__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

from analytics_web.browser.storage import CookieStore, LayeredStore, LocalStore
from analytics_web.browser.util import make_uuid

# The keys Analytics.js uses, so identities survive a switch in either direction.
ANONYMOUS_ID = 'ajs_anonymous_id'
USER_ID = 'ajs_user_id'
USER_TRAITS = 'ajs_user_traits'
GROUP_ID = 'ajs_group_id'
GROUP_TRAITS = 'ajs_group_properties'


def make_stores(settings):
    """Id and trait stores as the load options ask: ids in cookie + localStorage, traits local."""
    if settings['disableClientPersistence']:
        return LayeredStore([]), LayeredStore([])
    local = LocalStore()
    cookie = CookieStore(settings['cookie'])
    return LayeredStore([cookie, local]), LayeredStore([local])


class Entity:
    """An id with traits, persisted: the user (also anonymous) or the group."""

    def __init__(self, id_store, trait_store, id_key, traits_key):
        self.id_store = id_store
        self.trait_store = trait_store
        self.id_key = id_key
        self.traits_key = traits_key

    def id(self, value=js_undefined):
        if value is not js_undefined:
            self.write_id(self.id_key, value)
        return self.id_store.read(self.id_key)

    def traits(self, value=js_undefined):
        if value is not js_undefined:
            self.trait_store.write(self.traits_key, value or {})
        stored = self.trait_store.read(self.traits_key)
        return stored if stored is not None and typeof(stored) == 'object' else {}

    def write_id(self, key, value):
        if value is None:
            self.id_store.remove(key)
        else:
            self.id_store.write(key, String(value))


class User(Entity):
    def __init__(self, id_store, trait_store):
        Entity.__init__(self, id_store, trait_store, USER_ID, USER_TRAITS)

    def anonymousId(self, value=js_undefined):
        if value is not js_undefined:
            self.write_id(ANONYMOUS_ID, value)
        current = self.id_store.read(ANONYMOUS_ID)
        if current is None:
            current = make_uuid()
            self.write_id(ANONYMOUS_ID, current)
        return String(current)

__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

from analytics_web.browser.arguments import (
    is_function, is_string, resolve_alias, resolve_identity, resolve_page, resolve_track,
)
from analytics_web.browser.debug import Debug
from analytics_web.browser.delivery import Delivery, api_url
from analytics_web.browser.emitter import Emitter
from analytics_web.browser.events import build_event
from analytics_web.browser.identity import Group, User, make_stores
from analytics_web.browser.page_context import page_info
from analytics_web.browser.querystring import apply_query
from analytics_web.browser.routing import RouteTracker
from analytics_web.browser.util import is_object, make_error, now_iso

MAX_EVENT_BYTES = 32 * 1024


def integration_flags(integrations):
    """Load-time integration settings as the booleans events carry ({'Mixpanel': {...}} is on).
    Settings for Segment.io itself only say where and how to deliver: no flag for them."""
    flags = {}
    for key in integrations or {}:
        value = integrations[key]
        if key == 'Segment.io' and is_object(value):
            continue
        flags[key] = value if typeof(value) == 'boolean' else bool(value)
    return flags


def load_settings(options):
    """What load(writeKey, options) decides, read once. Delivery settings are accepted where
    Analytics.js takes them (integrations['Segment.io']) and flat on the options."""
    integrations = options['integrations'] or {}
    segment = integrations['Segment.io'] if is_object(integrations['Segment.io']) else {}
    strategy = segment['deliveryStrategy'] or options['deliveryStrategy'] or {}
    batching = strategy['strategy'] == 'batching'
    config = strategy['config'] or {}
    return {
        'url': api_url(segment['apiHost'] or options['apiHost'], segment['protocol'] or options['protocol'], '/batch'),
        'batchSize': (config['size'] or 10) if batching else 1,
        'batchTimeout': (config['timeout'] or 5000) if batching else 0,
        'compress': segment['compress'] == True or options['compress'] == True,
        'integrations': integration_flags(integrations),
    }


def utf8_bytes(text):
    """UTF-8 size of a string, computed only where it could matter (up to 3 bytes a char)."""
    if len(text) * 3 <= MAX_EVENT_BYTES:
        return len(text)
    return __new__(TextEncoder()).encode(text).length


class Analytics(Emitter):
    """window.analytics: the Analytics.js API. Calls made before load() are kept, with the page
    and the time of the call, and sent once load() has said where to."""

    def __init__(self):
        Emitter.__init__(self)
        self.initialized = False
        self.delivery = None
        self.users = None
        self.groups = None
        self.integrations = {}
        self.deferred = []
        self.debugger = Debug()

        def keep(resolve):
            self.mark_ready = resolve
        self.readiness = __new__(Promise(keep))

    def load(self, write_key, options=None):
        if self.initialized:
            return self  # a second load (a snippet pasted twice) must not double anything
        if not is_string(write_key) or write_key == '':
            console.error('analytics-web: load() needs a write key (a non-empty string)')
            return self
        options = options if is_object(options) else {}
        settings = load_settings(options)
        id_store, trait_store = make_stores(options)
        self.users = User(id_store, trait_store)
        self.groups = Group(id_store, trait_store)
        self.integrations = settings['integrations']
        self.delivery = Delivery(
            write_key, settings['url'], settings['batchSize'], settings['batchTimeout'],
            settings['compress'], options['queue'] or {}, self.undelivered, self.debugger.problem,
        )
        self.initialized = True
        routes = options['trackRouteChanges']
        if routes != False:
            RouteTracker(lambda moment: self.dispatch('page', [], moment), routes if is_function(routes) else None)
        waiting = self.deferred
        self.deferred = []
        waiting.forEach(lambda call: call['settle'](self.dispatch(call['method'], call['args'], call['moment'])))
        if options['useQueryString'] != False:
            apply_query(self, location.search)
        self.mark_ready(self)
        return self

    # -- the calls ---------------------------------------------------------------------------

    def track(self, event, properties=None, options=None, callback=None):
        return self.dispatch('track', [event, properties, options, callback])

    def page(self, category=None, name=None, properties=None, options=None, callback=None):
        return self.dispatch('page', [category, name, properties, options, callback])

    def screen(self, category=None, name=None, properties=None, options=None, callback=None):
        return self.dispatch('screen', [category, name, properties, options, callback])

    def identify(self, user_id=None, traits=None, options=None, callback=None):
        return self.dispatch('identify', [user_id, traits, options, callback])

    def group(self, group_id=js_undefined, traits=None, options=None, callback=None):
        if group_id is js_undefined and self.initialized:
            return self.groups  # group() with no arguments reads the current group
        return self.dispatch('group', [group_id, traits, options, callback])

    def alias(self, user_id=None, previous_id=None, options=None, callback=None):
        return self.dispatch('alias', [user_id, previous_id, options, callback])

    # -- state -------------------------------------------------------------------------------

    def user(self):
        return self.users

    def reset(self):
        if self.initialized:
            self.users.reset()
            self.groups.reset()
            self.emit('reset')
        else:
            self.deferred.push({'method': 'reset', 'args': [], 'moment': None, 'settle': lambda result: None})

    def setAnonymousId(self, anonymous_id=js_undefined):
        if not self.initialized:
            return self.defer('setAnonymousId', [anonymous_id])
        return self.users.anonymousId(anonymous_id)

    def ready(self, callback=None):
        def run(analytics):
            if is_function(callback):
                callback()
            return analytics
        return self.readiness.then(run)

    def debug(self, on=True):
        self.debugger.toggle(on)
        return self

    def flush(self):
        """Send everything queued now (for SPA teardown); resolves once the API has answered."""
        return self.delivery.flush() if self.delivery else Promise.resolve()

    # -- making and sending events -----------------------------------------------------------

    def dispatch(self, method, args, moment=None):
        """Make and send one call's event; the promise settles with its delivery."""
        if not self.initialized:
            return self.defer(method, args)
        if method == 'reset':
            return self.reset()
        if method == 'setAnonymousId':
            return self.setAnonymousId(args[0])
        try:
            call = self.resolve(method, args, moment)
        except:
            call = {'problem': 'the arguments could not be read'}
        if call['problem']:
            return self.refuse(method, call['problem'], args)
        options = call['options']
        if moment is not None and options['timestamp'] is js_undefined:
            options = Object.assign({'timestamp': moment['time']}, options)
        event = build_event(method, call['fields'], options, self.users, self.integrations, moment['page'] if moment else None)
        try:
            text = JSON.stringify(event)
        except:
            return self.refuse(method, 'the event cannot be turned into JSON (a circular reference or a BigInt in it?)', args)
        size = utf8_bytes(text)
        if size > MAX_EVENT_BYTES:
            return self.refuse(method, 'the event is ' + size + ' bytes; the API takes at most ' + MAX_EVENT_BYTES + ' (32 KB)', args)
        event = JSON.parse(text)  # what is sent, frozen now: later changes by the caller do not leak in
        self.debugger.call(method, event)
        self.emit.apply(self, [method].concat(call['emitted']))
        callback = call['callback']

        def delivered(context):
            self.debugger.result(event, None)
            if callback:
                try:
                    callback(context)
                except:
                    console.error('analytics-web: the callback of ' + method + '() threw')
            return context

        def failed(error):
            self.debugger.result(event, error)
            raise error

        return self.settle(self.delivery.enqueue(event, size).then(delivered, failed))

    def resolve(self, method, args, moment):
        """{fields, options, callback, emitted, problem} of one call, its overloads resolved."""
        if method == 'track':
            call = resolve_track(args[0], args[1], args[2], args[3])
            call['emitted'] = [args[0], call['fields']['properties'], call['options']]
            return call
        if method == 'page' or method == 'screen':
            call = resolve_page(args[0], args[1], args[2], args[3], args[4])
            fields = call['fields']
            if method == 'page':
                page = moment['page'] if moment else page_info()
                fields['properties'] = Object.assign({}, page, fields['properties'])
                if fields['name'] is not js_undefined:
                    fields['properties']['name'] = fields['name']
            call['emitted'] = [fields['category'] or None, fields['name'] or None, fields['properties'], call['options']]
            return call
        if method == 'alias':
            call = resolve_alias(args[0], args[1], args[2], args[3], self.users)
            call['emitted'] = [call['fields']['userId'], call['fields']['previousId'], call['options']]
            return call
        entity = self.users if method == 'identify' else self.groups
        found = resolve_identity(entity, args)
        if method == 'group' and not found['problem'] and (found['id'] is None or found['id'] is js_undefined):
            found['problem'] = 'group() needs a group id (a string or number)'
        if found['problem']:
            return found
        current = entity.id()
        entity.id(found['id'])
        merged = found['traits'] if current is not None and String(current) != String(found['id']) else Object.assign({}, entity.traits(), found['traits'])
        entity.traits(merged)
        fields = {'traits': entity.traits()}
        if method == 'group':
            fields['groupId'] = String(found['id'])
        found['fields'] = fields
        found['emitted'] = [found['id'], fields['traits'], found['options']]
        return found

    def defer(self, method, args):
        """A call made before load(): kept with the page and time of the call."""
        moment = {'page': page_info(), 'time': now_iso()}

        def hold(resolve):
            self.deferred.push({'method': method, 'args': args, 'moment': moment, 'settle': resolve})
        return self.settle(__new__(Promise(hold)))

    def refuse(self, method, problem, args):
        error = make_error(method + '(): ' + problem)
        self.debugger.problem(error.message, args)
        self.emit('error', error)
        return self.settle(Promise.reject(error))

    def undelivered(self, error, events):
        self.debugger.problem(error.message, events)
        self.emit('error', error, events)

    def settle(self, promise):
        """Mark the promise handled, so a caller that ignores it never sees an unhandled
        rejection in the page; a caller that awaits it still gets the rejection."""
        promise.catch(lambda error: None)
        return promise

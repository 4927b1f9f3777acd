__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

from analytics_web.browser.arguments import is_string, resolve_identity, resolve_page, resolve_track
from analytics_web.browser.delivery import Delivery, api_url
from analytics_web.browser.emitter import Emitter
from analytics_web.browser.events import build_event
from analytics_web.browser.identity import User, make_stores
from analytics_web.browser.page_context import page_info
from analytics_web.browser.util import is_object, make_error, now_iso


def integration_flags(integrations):
    """Load-time integration settings as the booleans events carry ({'Segment.io': {...}} is on)."""
    flags = {}
    for key in integrations or {}:
        value = integrations[key]
        flags[key] = value if typeof(value) == 'boolean' else bool(value)
    return flags


def load_settings(write_key, options):
    """Everything load(writeKey, options) decides, read once."""
    options = options or {}
    integrations = options['integrations'] or {}
    segment = integrations['Segment.io'] if is_object(integrations['Segment.io']) else {}
    strategy = segment['deliveryStrategy'] or options['deliveryStrategy'] or {}
    batching = strategy['strategy'] == 'batching'
    config = strategy['config'] or {}
    return {
        'url': api_url(segment['apiHost'] or options['apiHost'], segment['protocol'] or options['protocol'], '/batch'),
        'batchSize': (config['size'] or 10) if batching else 1,
        'batchTimeout': (config['timeout'] or 5000) if batching else 0,
        'integrations': integration_flags(integrations),
        'options': options,
    }


class Analytics(Emitter):
    """window.analytics: the Analytics.js API. Calls made before load() are kept, with the page
    and the time of the call, and sent once load() has said where to."""

    def __init__(self):
        Emitter.__init__(self)
        self.settings = None
        self.delivery = None
        self.users = None
        self.deferred = []

        def keep(resolve):
            self.mark_ready = resolve
        self.readiness = __new__(Promise(keep))

    def load(self, write_key, options=None):
        if self.settings is not None:
            return self  # a second load (a snippet pasted twice) must not double anything
        if not is_string(write_key) or write_key == '':
            console.error('analytics-web: load() needs a write key (a non-empty string)')
            return self
        self.settings = load_settings(write_key, options)
        id_store, trait_store = make_stores(self.settings['options'])
        self.users = User(id_store, trait_store)
        self.delivery = Delivery(write_key, self.settings['url'], self.settings['batchSize'], self.settings['batchTimeout'])
        waiting = self.deferred
        self.deferred = []
        waiting.forEach(lambda call: call['settle'](self.dispatch(call['method'], call['args'], call['moment'])))
        self.mark_ready(self)
        return self

    def ready(self, callback=None):
        def run(analytics):
            if typeof(callback) == 'function':
                callback()
            return analytics
        return self.readiness.then(run)

    def user(self):
        return self.users

    def track(self, event, properties=None, options=None, callback=None):
        return self.dispatch('track', [event, properties, options, callback])

    def page(self, category=None, name=None, properties=None, options=None, callback=None):
        return self.dispatch('page', [category, name, properties, options, callback])

    def identify(self, user_id=None, traits=None, options=None, callback=None):
        return self.dispatch('identify', [user_id, traits, options, callback])

    def dispatch(self, method, args, moment=None):
        """Make and send one call's event; the promise settles with its delivery."""
        if self.delivery is None:
            return self.defer(method, args)
        call = self.resolve(method, args, moment)
        if call['problem']:
            return self.refuse(method, call['problem'])
        options = call['options']
        if moment is not None and options['timestamp'] is js_undefined:
            options = Object.assign({'timestamp': moment['time']}, options)
        page = moment['page'] if moment is not None else None
        event = build_event(method, call['fields'], options, self.users, self.settings['integrations'], page)
        callback = call['callback']

        def delivered(context):
            if callback:
                callback(context)
            return context

        return self.settle(self.delivery.enqueue(event).then(delivered))

    def resolve(self, method, args, moment):
        if method == 'track':
            return resolve_track(args[0], args[1], args[2], args[3])
        if method == 'page':
            call = resolve_page(args[0], args[1], args[2], args[3], args[4])
            page = moment['page'] if moment is not None else page_info()
            call['fields']['properties'] = Object.assign({}, page, call['fields']['properties'])
            return call
        found = resolve_identity(self.users, args)
        if not found['problem']:
            self.users.id(found['id'])
            self.users.traits(Object.assign({}, self.users.traits(), found['traits']))
        return {
            'fields': {'traits': self.users.traits()},
            'options': found['options'],
            'callback': found['callback'],
            'problem': found['problem'],
        }

    def defer(self, method, args):
        moment = {'page': page_info(), 'time': now_iso()}

        def hold(resolve):
            self.deferred.push({'method': method, 'args': args, 'moment': moment, 'settle': resolve})
        return self.settle(__new__(Promise(hold)))

    def refuse(self, method, problem):
        error = make_error(method + '(): ' + problem)
        self.emit('error', error)
        return self.settle(Promise.reject(error))

    def settle(self, promise):
        """Mark the promise handled, so a caller that ignores it never sees an unhandled
        rejection in the page; a caller that awaits it still gets the rejection."""
        promise.catch(lambda error: None)
        return promise

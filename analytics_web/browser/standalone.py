__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# Entry point of dist/analytics.js and analytics.min.js: becomes window.analytics, taking over
# the calls a snippet stub recorded before the bundle arrived, in order, each with the page and
# time it was made at.

from analytics_web.browser.analytics import Analytics
from analytics_web.browser.page_context import page_info
from analytics_web.browser.util import is_object

EVENT_METHODS = ['track', 'page', 'screen', 'identify', 'group', 'alias']


def recorded_moment(args):
    """The buffered page context a stub appended to an event call ({__t: 'bpc', ...}, plus our
    snippet's call time ``at``), taken off the arguments."""
    last = args[len(args) - 1] if len(args) else None
    if not is_object(last) or last['__t'] != 'bpc':
        return None
    args.pop()
    at = __new__(Date(last['at'])) if last['at'] else __new__(Date())
    return {'page': page_info(last), 'time': at.toISOString()}


def replay(analytics, call):
    method = call[0]
    args = call.slice(1)
    if EVENT_METHODS.indexOf(method) >= 0:
        analytics.dispatch(method, args, recorded_moment(args))
    elif typeof(analytics[method]) == 'function':
        analytics[method].apply(analytics, args)


def install():
    stub = window.analytics
    if stub and not Array.isArray(stub):
        return  # a second copy of the bundle on the page: the first one stays in charge
    analytics = Analytics()
    window.analytics = analytics
    if not stub:
        return
    if stub._writeKey:
        analytics.load(stub._writeKey, stub._loadOptions)
    stub.forEach(lambda call: replay(analytics, call))


install()

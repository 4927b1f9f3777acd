__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

from analytics_web.browser.page_context import campaign, page_info
from analytics_web.browser.util import is_object, make_uuid, merge, now_iso

LIBRARY_NAME = 'analytics-web'


def browser_facts():
    """What describes the browser, the same for every event of the page; read once, because
    Intl's time zone lookup alone costs more than the rest of a track call."""
    facts = {'userAgent': navigator.userAgent, 'locale': navigator.language}
    if navigator.userAgentData:
        facts['userAgentData'] = navigator.userAgentData.toJSON()  # brands, mobile, platform
    try:
        facts['timezone'] = Intl.DateTimeFormat().resolvedOptions().timeZone
    except:
        pass
    return facts


known = {'browser': None, 'search': None, 'campaign': None}


def browser_context(page):
    """The part of context that describes the browser and the page, filled at call time.
    Every event gets objects of its own: options.context is deep-merged into them."""
    if known['browser'] is None:
        known['browser'] = browser_facts()
    if page['search'] != known['search']:
        known['search'] = page['search']
        known['campaign'] = campaign(page['search']) or {}
    context = Object.assign({
        'library': {'name': LIBRARY_NAME, 'version': ANALYTICS_WEB_VERSION},
        'page': page,
    }, known['browser'])
    if context['userAgentData']:
        context['userAgentData'] = Object.assign({}, context['userAgentData'])
    context['campaign'] = Object.assign({}, known['campaign'])
    return context


def build_event(kind, fields, options, user, defaults, page=None):
    """A Segment message of type ``kind``: ``fields`` hold the type's own keys (event,
    properties, traits ...), ``options`` the caller's (context, integrations, timestamp,
    anonymousId, traits), ``defaults`` the load-time integrations, ``page`` the page as it
    was when the call was made (the live page when not given). ``options`` is an object whose
    timestamp, if any, arguments.options_problem has already checked.
    """
    event = {
        'type': kind,
        'messageId': 'aw-' + make_uuid(),
        'timestamp': timestamp_of(options['timestamp']),
        'anonymousId': options['anonymousId'] or user.anonymousId(),
        'context': merge(browser_context(page or page_info()), options['context']),
        'integrations': merge(merge({}, defaults), options['integrations']),
    }
    user_id = user.id()
    if user_id is not None:
        event['userId'] = user_id
    if is_object(options['traits']):
        event['context']['traits'] = options['traits']
    return Object.assign(event, fields)


def timestamp_of(value):
    if value is None or value is js_undefined:
        return now_iso()
    return __new__(Date(value)).toISOString()

__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# SPA route changes as page views: history.pushState, replaceState that changes the URL,
# popstate (back/forward), and hashchange to a hash router's route (#/...). Analytics.js
# leaves this to the app; we do it unless told not to.

from analytics_web.browser.page_context import page_info, route_url, snapshot
from analytics_web.browser.util import now_iso


class RouteTracker:
    """``record(moment)`` is called once per new URL, a task after the change so the framework
    has rendered the route and set its title; the previous URL is the view's referrer.
    ``allow(url, previous)``, when given, decides which changes count."""

    def __init__(self, record, allow):
        self.record = record
        self.allow = allow
        self.last_url = route_url(location.href)
        self.wrap('pushState')
        self.wrap('replaceState')
        window.addEventListener('popstate', self.changed)
        window.addEventListener('hashchange', self.changed)

    def wrap(self, method):
        original = history[method]
        tracker = self

        def wrapped(*args):
            result = original.apply(this, args)
            tracker.changed()
            return result
        history[method] = wrapped

    def changed(self):
        setTimeout(self.check, 0)

    def check(self):
        url = route_url(location.href)
        previous = self.last_url
        if url == previous:
            return
        self.last_url = url
        if self.allow and not self.allow(url, previous):
            return
        page = snapshot()
        page['r'] = previous
        self.record({'page': page_info(page), 'time': now_iso()})

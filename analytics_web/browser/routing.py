__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# SPA route changes as page views: history.pushState, replaceState that changes the URL,
# popstate (back/forward), and hashchange to a hash router's route (#/...). Analytics.js
# leaves this to the app; we do it unless told not to. history is wrapped once per page, for
# every instance that tracks routes, and given back when the last one stops.

from analytics_web.browser.listeners import Listeners
from analytics_web.browser.page_context import page_info, route_url, snapshot
from analytics_web.browser.util import now_iso

HISTORY_METHODS = ["pushState", "replaceState"]
trackers = []  # the route trackers of this page
originals = {}  # history's own methods, while wrapped
wrappers = {}


def wrap(method):
    original = history[method]

    def wrapped(*args):
        result = original.apply(this, args)
        trackers.forEach(lambda tracker: tracker.changed())
        return result

    originals[method] = original
    wrappers[method] = wrapped
    history[method] = wrapped


def unwrap(method):
    if history[method] == wrappers[method]:  # not wrapped again by someone else since
        history[method] = originals[method]


class RouteTracker:
    """``record(moment)`` is called once per new URL, a task after the change so the framework
    has rendered the route and set its title; the previous URL is the view's referrer.
    ``allow(url, previous)``, when given, decides which changes count."""

    def __init__(self, record, allow):
        self.record = record
        self.allow = allow
        self.last_url = route_url(location.href)
        self.listeners = Listeners()
        self.listeners.listen(window, "popstate", self.changed)
        self.listeners.listen(window, "hashchange", self.changed)
        if not len(trackers):
            HISTORY_METHODS.forEach(wrap)
        trackers.push(self)

    def unload(self):
        self.listeners.unload()
        if trackers.indexOf(self) >= 0:
            trackers.splice(trackers.indexOf(self), 1)
        if not len(trackers):
            HISTORY_METHODS.forEach(unwrap)

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
        page["r"] = previous
        self.record({"page": page_info(page), "time": now_iso()})

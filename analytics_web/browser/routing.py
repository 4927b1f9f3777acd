__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# SPA route changes as page views: history.pushState, replaceState, popstate (back/forward) and
# hashchange to a hash router's route (#/...). Analytics.js leaves this to the app; we do it
# unless told not to. history is wrapped once per page, for every instance that tracks routes,
# and given back when the last one stops.

from analytics_web.browser.listeners import Listeners
from analytics_web.browser.page_context import page_info, route_parts, route_url, snapshot
from analytics_web.browser.util import is_function, is_object, now_iso

# The longest a view waits for its route to set the page's title. Routers render a new route
# after the URL changes (React Router in a transition, 5-16 ms later; a lazily loaded route
# once its code has arrived, a few hundred ms later); a title change ends the wait sooner.
ROUTE_SETTLE_MS = 500
# A view made before the page has run its own deferred and module scripts (the async bundle
# often runs first) settles ROUTE_SETTLE_MS after they have (DOMContentLoaded) instead: an app's
# code, and its router's first redirect, may come seconds after the bundle on a busy device or
# a slow network. Images, iframes and third-party scripts are not waited for. A page whose
# parsing never ends has its view sent after this long all the same.
SCRIPTS_WAIT_MS = 10000

trackers = []  # the route trackers of this page
originals = {}  # history's own methods, while wrapped
wrappers = {}


def wrap(method):
    original = history[method]
    replacing = method == "replaceState"

    def wrapped(*args):
        result = original.apply(this, args)
        trackers.forEach(lambda tracker: tracker.changed(replacing))
        return result

    originals[method] = original
    wrappers[method] = wrapped
    history[method] = wrapped


def unwrap(method):
    if history[method] == wrappers[method]:  # not wrapped again by someone else since
        history[method] = originals[method]


def scripts_pending():
    """Is the page still to run its own deferred and module scripts? They run after parsing,
    before DOMContentLoaded, whose end the navigation's timing records."""
    if document.readyState == "loading":
        return True
    timing = performance.getEntriesByType and performance.getEntriesByType("navigation")[0]
    return bool(timing) and not timing.domContentLoadedEventEnd


def listed_params(search, names):
    """Only the named query parameters, in a fixed order: the part of a search that counts."""
    params = __new__(URLSearchParams(search))
    return names.map(lambda name: name + "=" + params.getAll(name).join(",")).join("&")


def route_key(href, search_counts):
    """What makes two URLs the same route: the page, its route, and as much of the query
    string as the site counts (``search_counts``: true, false, or the parameters that do)."""
    parts = route_parts(href)
    search = parts["search"]
    if Array.isArray(search_counts):
        search = listed_params(search, search_counts)
    elif not search_counts:
        search = ""
    return href.split("#")[0].split("?")[0] + " " + parts["path"] + " " + search


def query_pairs(search):
    pairs = []
    __new__(URLSearchParams(search)).forEach(lambda value, name: pairs.push(name + "=" + value))
    return pairs


def tidied(url, previous):
    """The same route with query parameters only taken away: a page tidying its URL (dropping
    utm_* or an OAuth code once read), not the visitor going anywhere."""
    if route_key(url, False) != route_key(previous, False):
        return False
    before = query_pairs(route_parts(previous)["search"])
    return query_pairs(route_parts(url)["search"]).every(lambda pair: before.indexOf(pair) >= 0)


class RouteTracker:
    """Each new route is one page view, passed to ``record(moment)`` once the route has settled:
    one task after the app sets a new title, or ROUTE_SETTLE_MS after the change (or after the
    page's own scripts have run, while they are still to), and at once when the next change
    comes or the page is hidden or left. The previous URL is its referrer.

    The page's own first page() is its landing view (``hold_landing``), settled the same way:
    an app or a snippet calls it as it starts, before its router has redirected.

    A replaceState while a view settles is a redirect and moves that view; before the page has
    counted any view, a replaceState only corrects the landing URL, and one that only takes
    query parameters away is the page tidying its URL, never a view. The page's other events made
    while a view settles wait behind it (``after_view``), so the API gets them in the order they
    were made, the view first, as a page() call of analytics-next would have them. ``choice`` is the
    trackRouteChanges option: a function ``(url, previous)`` deciding which changes count, or
    ``{search: true | false | [names]}``, whether a change of the query string alone counts.
    """

    def __init__(self, record, choice):
        self.record = record
        self.allow = choice if is_function(choice) else None
        self.search = True
        if is_object(choice) and choice["search"] is not js_undefined:
            self.search = choice["search"]
        self.last_url = location.href
        self.pending = None  # {page, time, title}: the view settling
        self.behind = []  # sends of the events made while it settles
        self.counted = False  # has the page counted a view yet (its own page(), or ours)
        self.timer = None
        self.titles = __new__(MutationObserver(self.title_changed))
        self.listeners = Listeners()
        self.listeners.listen(window, "popstate", lambda event: self.changed(False))
        self.listeners.listen(window, "hashchange", lambda event: self.changed(False))
        self.listeners.listen(window, "pagehide", lambda event: self.record_view(None))
        # Kept, not asked again: while DOMContentLoaded's own listeners run, the navigation's
        # timing has no end for it yet.
        self.awaiting_scripts = scripts_pending()
        if self.awaiting_scripts:
            self.listeners.listen(document, "DOMContentLoaded", self.scripts_ran)
        self.listeners.listen(document, "visibilitychange", self.on_visibility)
        if not len(trackers):
            ["pushState", "replaceState"].forEach(wrap)
        trackers.push(self)

    def unload(self):
        if self.pending and self.pending["send"]:
            self.record_view(None)  # the app's own page(): made, not dropped
        self.drop()
        self.send_behind()
        self.listeners.unload()
        if trackers.indexOf(self) >= 0:
            trackers.splice(trackers.indexOf(self), 1)
        if not len(trackers):
            ["pushState", "replaceState"].forEach(unwrap)

    def changed(self, replacing):
        url = location.href
        previous = self.last_url
        self.last_url = url
        if replacing and tidied(url, previous):
            return
        if replacing and self.pending:  # a redirect while the view settles
            if url != previous:
                self.move()
            return
        if route_key(url, self.search) == route_key(previous, self.search):
            return
        self.record_view(None)  # the view before goes as it is: its route has rendered
        if replacing and not self.counted:  # the landing URL corrected, before any view
            return
        if self.allow and not self.allow(route_url(url), route_url(previous)):
            return
        page = snapshot()
        page["c"] = None  # the landing page's canonical link names it, not this route
        page["r"] = route_url(previous)
        self.start(page, now_iso())

    def land(self):
        """The landing page view (initialPageview), settled like a route's: a redirect may move
        it and the app may still set the title. Its referrer is the page's own."""
        self.start(snapshot(), now_iso())

    def landing(self):
        """Is the page's first view still to come (none counted, none settling)?"""
        return not self.counted and not self.pending

    def hold_landing(self, send, moment):
        """The app's first page() as the landing view: ``send(moment)`` makes it once settled,
        with the page the visitor ended up on and the time of the call. A call a snippet
        recorded keeps its page unless the app has since redirected (a URL that only lost query
        parameters is the same page: the landing keeps its campaign)."""
        page = snapshot()
        recorded = moment["recorded"] if moment else None
        if recorded and (recorded["u"] == page["u"] or tidied(page["u"], recorded["u"])):
            page = recorded
        self.start(page, moment["time"] if moment else now_iso())
        self.pending["send"] = send

    def page_counted(self):
        """The app counted a view itself (its page()): ours settling is not counted again; the
        app's own landing view goes as it is."""
        if self.pending and self.pending["send"]:
            self.record_view(None)
        self.drop()
        self.counted = True
        self.send_behind()

    def after_view(self, send):
        """send() now, or once the view settling is recorded: the page's events go behind it."""
        if self.pending:
            self.behind.push(send)
        else:
            send()

    def send_behind(self):
        waiting = self.behind
        self.behind = []
        waiting.forEach(lambda send: send())

    def start(self, page, time):
        self.pending = {"page": page, "time": time, "title": document.title, "send": None}
        self.titles.observe(
            document.head or document.documentElement,
            {"subtree": True, "childList": True, "characterData": True},
        )
        self.record_later()

    def scripts_ran(self, event):
        self.awaiting_scripts = False
        if self.pending:
            self.record_later()

    def record_later(self):
        clearTimeout(self.timer)
        wait = SCRIPTS_WAIT_MS if self.awaiting_scripts else ROUTE_SETTLE_MS
        self.timer = setTimeout(lambda: self.record_view(None), wait)

    def move(self):
        """Redirected: the view is of the new URL, at its first time, with its referrer; the
        route it landed on gets its own time to render."""
        page = snapshot()
        if not self.pending["page"]["c"]:  # a route's view, not the landing's
            page["c"] = None
        page["r"] = self.pending["page"]["r"]
        self.pending["page"] = page
        self.record_later()

    def title_changed(self, mutations, observer):
        view = self.pending
        if view and document.title != view["title"]:
            setTimeout(lambda: self.record_view(view), 0)  # that view, not one started meanwhile

    def on_visibility(self, event):
        if document.visibilityState == "hidden":
            self.record_view(None)

    def record_view(self, view):
        """Record the settling view (only ``view``, when given) with the title it has now."""
        pending = self.pending
        if not pending or (view and view != pending):
            return
        self.drop()
        self.counted = True
        pending["page"]["t"] = document.title
        moment = {"page": page_info(pending["page"]), "time": pending["time"], "route": True}
        make = pending["send"] or self.record  # (Transcrypt drops the parentheses of (a or b)())
        make(moment)
        self.send_behind()

    def drop(self):
        self.pending = None
        clearTimeout(self.timer)
        self.titles.disconnect()

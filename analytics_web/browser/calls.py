__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# One call, as analytics-next makes every call: resolve its arguments, build its event, check
# it, commit what it changes (identity), then run it through the plugins (or straight to
# Segment.io on the direct route). A refused call changes nothing.

from analytics_web.browser.arguments import resolve_call
from analytics_web.browser.context import Context
from analytics_web.browser.events import build_event
from analytics_web.browser.loading import defer, waits
from analytics_web.browser.page_context import page_info
from analytics_web.browser.settling import answer, call_back, refuse, undelivered
from analytics_web.browser.util import handled, is_function, label, make_error
from analytics_web.browser.wire import serialized

# What each call's listeners hear of its event (analytics.on('page', (category, name,
# properties, options) => ...)).
PAGE_HEARD = "category name properties"
HEARD = {
    "track": "event properties",
    "page": PAGE_HEARD,
    "screen": PAGE_HEARD,
    "identify": "userId traits",
    "group": "groupId traits",
    "alias": "userId previousId",
}


def dispatch(analytics, method, args, moment):
    """analytics[method](...args): kept while the instance waits (loading.py), refused when
    its arguments are wrong, held as the landing view, or made now."""
    if waits(analytics, None):
        return defer(analytics, method, args, moment)
    try:
        call = resolve_call(method, args, analytics.users, analytics.groups)
    except:
        call = {"problem": "the arguments could not be read", "callback": None}
    problem = call["problem"] or analytics.blocked
    if problem:
        return refuse(analytics, method, problem, args, call["callback"])
    if analytics.sessions and not analytics.drops_bot_events:
        # Taken at the call, in call order: a landing view made later is still of the
        # session it was called in, not of one a startSession() after it began.
        call["visit"] = analytics.sessions.visit()
    routes = analytics.routes
    if method == "page" and routes and not (moment and moment["route"]):
        if routes.landing():
            return land(analytics, call, args, moment)
        routes.page_counted()
    return make(analytics, method, call, args, moment, None)


def land(analytics, call, args, moment):
    """The page's first page() is its landing view, made once it settles as a route's view
    does: a redirect moves it to where it led and the route may still set its title. Its
    callback keeps the timeout from the call, with the event as it stands then (built now only
    for a callback to hear)."""
    settling = call["callback"]
    call["callback"] = None
    ctx = Context(build(analytics, "page", call, moment)) if is_function(settling) else None

    def held(resolve):
        analytics.routes.hold_landing(
            lambda settled: resolve(make(analytics, "page", call, args, settled, ctx)), moment
        )

    promise = handled(__new__(Promise(held)))
    if ctx:
        call_back(analytics, promise, ctx, settling)
    return promise


def build(analytics, method, call, moment):
    """The call's event, made at the moment of the call (its page and time) when given."""
    options = call["options"]
    if moment and options["timestamp"] is js_undefined:
        options = Object.assign({"timestamp": moment["time"]}, options)
    page = moment["page"] if moment else page_info()
    return build_event(method, call["fields"], options, call["ids"], analytics.integrations, page)


def make(analytics, method, call, args, moment, landing):
    """Build the event (into the ``landing`` context made at the call, when given), check it,
    commit what it changes (identity), then send it on."""
    event = build(analytics, method, call, moment)
    if landing:
        event["messageId"] = landing.event["messageId"]
        landing.event = event
    ctx = landing or Context(event)
    options = call["options"]
    if analytics.bot and not analytics.drops_bot_events:
        ctx.event["context"]["bot"] = True  # botFilter: {mark: true}
    if call["visit"]:
        analytics.sessions.stamp(ctx.event, call["visit"])
    direct = analytics.pipeline.direct_route(ctx.event)
    if direct:
        analytics.pipeline.prepare(ctx)
    checked = serialized(ctx.event)
    if checked["problem"]:
        return refuse(analytics, method, checked["problem"], args, call["callback"])
    if call["commit"]:
        call["commit"]()
    if options["anonymousId"]:  # the visitor's id from now on, as in analytics-next
        analytics.users.anonymousId(String(options["anonymousId"]))
    if analytics.drops_bot_events:
        return not_a_person(analytics, ctx, call["callback"])
    if direct:  # the text just measured is what is sent and stored

        def send():
            return direct[ctx.event["type"]](ctx, checked)

    else:
        # Plugins get an event of their own: what the caller changes later never reaches it.
        ctx.event = JSON.parse(checked["text"])

        def send():
            return handled(analytics.pipeline.run(ctx))  # Segment.io marks its own handled

    analytics.debugger.show("call", ctx.event)
    if analytics.event_listeners[method]:
        analytics.emit.apply(analytics, [method].concat(heard(method, ctx.event)))
    if analytics.consent_state:
        stopped = analytics.consent_state.gate(analytics, ctx, method, args, call["callback"])
        if stopped:
            return stopped
    routes = analytics.routes
    if routes and routes.pending and not (moment and moment["route"]):
        delivery = behind_view(analytics, ctx, send)
    else:
        delivery = send()
    return answer(analytics, ctx, call["callback"], delivery)


def not_a_person(analytics, ctx, callback):
    """An event from a crawler, monitor or automated browser (botFilter): not sent, and no
    error either (nothing failed); the debug console says why."""
    analytics.debugger.show(
        "note",
        label(ctx.event)
        + " not sent: this browser is not a person ("
        + analytics.bot
        + "); load option botFilter: false sends it",
    )
    promise = Promise.resolve(ctx)
    if is_function(callback):
        call_back(analytics, promise, ctx, callback)
    return promise


def heard(method, event):
    """What 'track', 'page' ... listeners get, as analytics-next gives it: the event's own
    fields (a page call's properties with the page's), then its options, which an event there
    no longer has once made (undefined)."""
    fields = HEARD[method].split(" ").map(lambda key: event[key] or None)
    return fields.concat([js_undefined])


def behind_view(analytics, ctx, send):
    """A call made while a route's view settles goes behind that view, so the API gets the
    view first. The call settles now, pending: a page awaiting it before it navigates must not
    wait for the route's title, and leaving the page sends the view and it at once."""

    def go():
        ctx.setFailedDelivery(js_undefined)
        send().catch(lambda error: undelivered(analytics, error, [ctx.event]))

    analytics.routes.after_view(go)
    ctx.setFailedDelivery({"reason": make_error("sent behind the page view of its route")})
    return Promise.resolve(ctx)

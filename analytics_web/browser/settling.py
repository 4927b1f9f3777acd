__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# How a call settles: its promise, its callback, and what the debug console and 'error'
# listeners hear. The contract pages rely on (to navigate after a track): a callback runs once
# its call settles and never later than the instance's timeout after the call.

from analytics_web.browser.context import Context
from analytics_web.browser.util import (
    handled,
    is_function,
    is_object,
    is_string,
    make_error,
    rejected,
)


def answer(analytics, ctx, callback, promise):
    """The call's promise: its event's delivery, as the debug console reports it and as the
    callback hears it."""
    if analytics.debugger.enabled or is_function(callback):  # else: one promise less per call
        promise = handled(promise.then(*reporting(analytics, ctx)))
    if is_function(callback):
        call_back(analytics, promise, ctx, callback)
    return promise


def reporting(analytics, ctx):
    """What a call's settling tells the debug console (and the failure its context keeps)."""
    event = ctx.event

    def settled(result):
        analytics.debugger.show("outcome", event, result, None)
        return result

    def failed(error):
        analytics.debugger.show("outcome", event, None, error)
        ctx.setFailedDelivery({"reason": error})
        raise error

    return [settled, failed]


def call_back(analytics, promise, ctx, callback):
    """callback runs once promise settles, or once the timeout has passed, whichever
    comes first, with the settled context (or ctx); a callback that throws is reported, not
    thrown into the page."""
    state = {"done": False, "timer": None}

    def once(settled):
        if state["done"]:
            return
        state["done"] = True
        clearTimeout(state["timer"])
        try:
            callback(settled if is_object(settled) and settled.event else ctx)
        except:
            console.error("analytics-web: the callback of " + ctx.event["type"] + "() threw")

    state["timer"] = setTimeout(once, analytics.timeout_ms)
    promise.then(once, once)


def refuse(analytics, method, problem, args, callback, kind):
    """A call that will never be sent: its promise rejects (with an Error, or ``kind``; or
    with ``problem`` itself when that is an error), its callback hears it, and so do
    'error' listeners and the debug console."""
    error = make_error(method + "(): " + problem, kind) if is_string(problem) else problem
    analytics.debugger.problem(error.message, args)
    analytics.emit("error", error)
    promise = rejected(error)
    if is_function(callback):
        ctx = Context({"type": method})
        ctx.setFailedDelivery({"reason": error})
        call_back(analytics, promise, ctx, callback)
    return promise


def undelivered(analytics, error, events):
    """Events the API will never have (refused, or given up on): the debug console and
    'error' listeners hear which."""
    analytics.debugger.problem(error.message, events)
    analytics.emit("error", error, events)

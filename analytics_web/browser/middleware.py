__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Segment's middleware functions: fn({payload, next, integrations}) for a source middleware,
# fn({payload, next, integration}) for a destination's. payload.obj is a copy of the event; the
# event goes on as the payload handed to next(), and is dropped when next is not called (or is
# called with null) by the time fn returns or its promise settles.

from analytics_web.browser.plugin_shape import for_every_call, make_plugin
from analytics_web.browser.util import is_object, is_thenable, make_error, outcome

# What analytics-next's payload (a @segment/facade) answers that middleware written for it call:
# Mixpanel's and Amplitude's session replay guides test payload.type(), for one. Each reads
# payload.obj as it is then, so what a middleware changed there is what it reads back.
READERS = "type event name category userId anonymousId groupId previousId"
OBJECT_READERS = "properties context integrations"  # {} when the event has none


def facade(event):
    """A middleware's payload: ``obj``, a copy of the event, and the facade's readers."""
    payload = {"obj": JSON.parse(JSON.stringify(event))}

    def reader(name):
        payload[name] = lambda: payload["obj"][name]

    def object_reader(name):
        payload[name] = lambda: payload["obj"][name] or {}

    def traits():
        obj = payload["obj"]
        if obj["type"] == "identify" or obj["type"] == "group":
            return obj["traits"] or {}
        context = obj["context"] or {}  # a middleware may have taken it away
        return context["traits"] or {}

    READERS.split(" ").forEach(reader)
    OBJECT_READERS.split(" ").forEach(object_reader)
    payload["traits"] = traits
    return payload


def run_middleware(fn, event, extra):
    """The event fn passed on, None when it dropped it (or threw); a promise of that when fn
    returned a promise."""
    passed = {"called": False, "event": None}

    def go_on(payload):
        passed["called"] = True
        passed["event"] = (
            payload["obj"] if is_object(payload) and is_object(payload["obj"]) else None
        )

    def verdict():
        return passed["event"]

    params = Object.assign({"payload": facade(event), "next": go_on}, extra)
    got = outcome(fn, None, params)
    if got["failed"]:
        console.warn("analytics-web: a middleware threw, so the event was dropped", got["error"])
        return None
    if is_thenable(got["value"]):
        return got["value"].then(verdict, lambda error: None)
    return verdict()


def source_middleware(fn, integrations):
    """A source middleware as the before plugin it is in analytics-next."""
    label = "Source Middleware " + (fn.name or "")

    def apply(ctx):
        def decide(event):
            if event is None:
                raise make_error(label + " did not pass the event on (next was not called)")
            ctx.event = event
            return ctx

        event = run_middleware(fn, ctx.event, {"integrations": integrations})
        return event.then(decide) if is_thenable(event) else decide(event)

    return make_plugin(label, "before", for_every_call(apply))

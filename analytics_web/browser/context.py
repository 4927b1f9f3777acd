__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# One call's event on its way through the plugins, shaped as analytics-next's Context so that
# plugins and middleware written for it work here: ctx.event, updateEvent, cancel,
# failedDelivery.

from analytics_web.browser.util import is_object, make_error, make_uuid


class Context:
    def __init__(self, event, context_id):
        self.event = event
        # An event's own messageId is unique already: no second id to make per call.
        self.id = context_id or event["messageId"] or make_uuid()
        self.attempts = 0
        self.failure = js_undefined

    def cancel(self, error):
        """Stop this event (from a before plugin: it is not sent)."""
        raise error or make_error("the event was cancelled by a plugin")

    def updateEvent(self, path, value):
        """Set a dotted path of the event ('properties.plan'), making objects on the way. An
        integration switched off stays off."""
        keys = path.split(".")
        integrations = self.event["integrations"]
        if keys[0] == "integrations" and is_object(integrations) and integrations[keys[1]] == False:
            return self.event
        target = self.event
        last = len(keys) - 1
        index = 0
        while index < last:
            if not is_object(target[keys[index]]):
                target[keys[index]] = {}
            target = target[keys[index]]
            index += 1
        target[keys[last]] = value
        return self.event

    def failedDelivery(self):
        """{reason} while delivery is still pending (kept for a retry) or failed; undefined
        once delivered."""
        return self.failure

    def setFailedDelivery(self, failure):
        self.failure = failure

    def isSame(self, other):
        return other.id == self.id

    def toJSON(self):
        return {"id": self.id, "event": self.event}


def copy_of(context):
    """A context with its own copy of the event: what one destination does to it, no other sees."""
    return Context(JSON.parse(JSON.stringify(context.event)), context.id)

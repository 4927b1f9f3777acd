__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")


class Emitter:
    """on/once/off/emit, as analytics.on('track', fn) expects: listeners are called with the
    emitter as ``this``, as analytics-next's are. A listener that throws is reported to the
    console and never stops the others or the call that emitted."""

    def __init__(self):
        # No prototype: an event named like an Object member ('toString') is an event too.
        # Not `listeners`: that name is Analytics.js 1's method, which Analytics keeps.
        self.event_listeners = Object.create(None)

    def on(self, event, listener):
        self.event_listeners[event] = (self.event_listeners[event] or []).concat([listener])
        return self

    def once(self, event, listener):
        def wrapper(*args):
            self.off(event, wrapper)
            listener.apply(self, args)

        return self.on(event, wrapper)

    def off(self, event, listener):
        self.event_listeners[event] = (self.event_listeners[event] or []).filter(
            lambda known: known != listener
        )
        return self

    def emit(self, event, *args):
        def call(listener):
            try:
                listener.apply(self, args)
            except:
                console.error('analytics-web: a listener for "' + event + '" threw')

        (self.event_listeners[event] or []).forEach(call)

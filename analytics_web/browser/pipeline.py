__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Every event's way through the plugins, as in analytics-next: before -> enrichment -> each
# destination on a copy of its own, after that destination's middleware -> after. A plugin that
# answers synchronously costs no await, so with synchronous plugins an event reaches the
# destinations within the call itself; a plugin that returns a promise is waited for.
# While the library's own plugins are the only ones, an event takes the direct route instead
# (see direct_route): the same plugins, run within the call, with no promise between them.

from analytics_web.browser.context import Context, copy_of
from analytics_web.browser.plugin_shape import PLUGIN_TYPES
from analytics_web.browser.util import (
    is_function,
    is_object,
    is_thenable,
    label,
    make_error,
    outcome,
)

SEGMENT = "Segment.io"


def in_turn(plugins, plugin):
    """``plugins`` with ``plugin`` added where an event meets it: after every plugin of its type
    or an earlier one, before those of later types. So a source middleware (a before plugin)
    added after an enrichment still sees each event first, as in analytics-next."""
    stage = PLUGIN_TYPES.indexOf(plugin.type)
    at = plugins.findIndex(lambda other: PLUGIN_TYPES.indexOf(other.type) > stage)
    plugins.splice(len(plugins) if at < 0 else at, 0, plugin)


def answer(method, target, argument):
    """outcome(), or a promise of it when the method returned a promise."""
    got = outcome(method, target, argument)
    if not got["failed"] and is_thenable(got["value"]):
        return got["value"].then(
            lambda value: {"value": value}, lambda error: {"failed": True, "error": error}
        )
    return got


def reason(error):
    """What went wrong, said once: an error of the library's own loses its name prefix."""
    said = (
        error.message if error and is_function(error.toString) and error.message else String(error)
    )
    return said.replace("analytics-web: ", "")


def enabled(plugin, integrations):
    """Destinations honour the event's integrations: {Name: false} turns one off, {All: false}
    all but those named true; All does not apply to Segment.io, as in analytics-next."""
    if plugin.type != "destination":
        return True
    flag = integrations[plugin.name]
    if flag is not js_undefined and flag is not None:
        return flag != False
    return plugin.name == SEGMENT or integrations["All"] != False


def is_context(value):
    return is_object(value) and is_object(value.event)


class Pipeline:
    def __init__(self, analytics, debug):
        self.analytics = analytics
        self.debug = debug
        self.plugins = []
        # destination middleware: {'name': destination or '*', 'run': run(event, extra)}
        self.middleware = []
        # {for_plugin, loaded}: plugins still loading, loaded resolving true once one has. ready()
        # waits for all of them, events for all but destinations.
        self.loading = []
        self.failed = []  # names of destinations that failed to load
        self.gate = None  # consent: gate(name) says whether a destination may have events
        self.left_out = []  # destinations the settings no longer list (Segment's consent wrapper)
        self.own = []  # the library's own plugins among self.plugins

    def context(self, kind):
        """A context for a plugin's own call (register, deregister), made here so that the
        plugin file has no Context class of its own."""
        return Context({"type": kind})

    def add(self, plugin):
        """A plugin of the library's own, loaded already, synchronous."""
        in_turn(self.plugins, plugin)
        self.own.push(plugin)

    def direct_route(self, ctx):
        """Segment.io's plugin when ctx can skip the promise-driven run: only the library's own
        plugins are there, nothing loads, no middleware, no consent gate, nobody debugging, and
        the event is for Segment.io. Their before and enrichment plugins then run on the event
        here, before the call measures it, so the event is serialised once and the call costs
        one promise (in Firefox and Safari each promise costs as much as building the event).
        None, with the event untouched, otherwise."""
        if (
            len(self.plugins) != len(self.own)
            or len(self.loading)
            or len(self.middleware)
            or self.gate
            or self.debug.enabled
        ):
            return None
        event = ctx.event
        segment = self.plugins.find(lambda plugin: plugin.name == SEGMENT)
        if not segment or not enabled(segment, event["integrations"]):
            return None
        kind = event["type"]

        def prepare(plugin):
            if (plugin.type == "before" or plugin.type == "enrichment") and is_function(
                plugin[kind]
            ):
                plugin[kind](ctx)

        self.plugins.forEach(prepare)
        return segment

    def load(self, plugin):
        """Load a plugin, then let it see events. Events wait for a plugin that loads, but for
        a destination: that is a third party (a script an ad blocker stops, a tool that never
        answers), so Segment.io and the others go on, and it gets what it missed once loaded.
        A destination that fails to load is left out with a warning; any other plugin that
        fails rejects the promise. (register() checks the plugin first: plugins.py.)"""
        destination = plugin.type == "destination"
        if destination:
            in_turn(self.plugins, plugin)  # its events wait for it there (see hand_to)

        def loaded(result):
            if not destination:
                in_turn(self.plugins, plugin)
            self.debug.show("note", 'plugin "' + plugin.name + '" (' + plugin.type + ") loaded")
            return True

        def failed(error):
            if not destination:
                return Promise.reject(error)
            self.plugins = self.plugins.filter(lambda other: other != plugin)
            self.failed.push(plugin.name)
            console.warn(
                'analytics-web: destination "'
                + plugin.name
                + '" failed to load and gets no events: '
                + reason(error)
            )

        done = (
            Promise.resolve()
            .then(lambda: plugin.load(Context({"type": "register"}), self.analytics))
            .then(loaded, failed)
        )
        entry = {"for_plugin": plugin, "loaded": done.catch(lambda error: None)}
        self.loading.push(entry)
        entry["loaded"].then(lambda ok: self.loading.splice(self.loading.indexOf(entry), 1))
        return done

    async def run(self, ctx):
        """The event through every plugin. Resolves with the context once each destination has
        had it; rejects when a before plugin dropped it or Segment.io refused it."""
        held = self.loading.filter(lambda entry: entry["for_plugin"].type != "destination")
        if len(held):
            await Promise.all(held.map(lambda entry: entry["loaded"]))
        plugins = self.plugins.slice()
        kind = ctx.event["type"]
        index = 0
        while index < len(plugins):
            plugin = plugins[index]
            index += 1
            if (plugin.type != "before" and plugin.type != "enrichment") or not is_function(
                plugin[kind]
            ):
                continue
            seen = self.debug.snapshot(ctx.event)
            got = answer(plugin[kind], plugin, ctx)
            if is_thenable(got):
                got = await got
            if not got["failed"] and is_context(got["value"]):
                ctx = got["value"]
                self.debug.show("step", plugin.name, seen, ctx.event)
            elif plugin.type == "before":
                why = reason(got["error"]) if got["failed"] else "it returned no context"
                raise make_error('plugin "' + plugin.name + '" dropped the event: ' + why)
            else:
                console.warn(
                    'analytics-web: enrichment plugin "'
                    + plugin.name
                    + '" failed and was skipped: '
                    + reason(got["error"] if got["failed"] else "it returned no context")
                )
        integrations = ctx.event["integrations"] if is_object(ctx.event["integrations"]) else {}
        destinations = plugins.filter(
            lambda plugin: (
                plugin.type == "destination"
                and enabled(plugin, integrations)
                and self.consented(plugin.name, ctx.event)
            )
        )
        shared = len(destinations) > 1 or len(self.middleware)
        if shared:
            results = await Promise.all(
                destinations.map(lambda plugin: self.hand_to(plugin, ctx, shared))
            )
        else:  # Segment.io alone, the usual case: one promise less per call
            results = [await self.hand_to(destinations[0], ctx, False)] if len(destinations) else []
        plugins.filter(lambda plugin: plugin.type == "after" and is_function(plugin[kind])).forEach(
            lambda plugin: answer(plugin[kind], plugin, ctx)
        )
        segment = results.find(lambda result: result["segment"])
        if segment:
            ctx.setFailedDelivery(segment["context"].failedDelivery())
            if segment["error"]:
                raise segment["error"]
        return ctx

    def consented(self, name, event):
        if not self.gate or self.gate(name):
            return True
        self.debug.show(
            "note",
            label(event) + ': not for "' + name + '": its consent categories were refused',
        )
        return False

    async def hand_to(self, destination, ctx, shared):
        """One destination's delivery, on its own copy of the event when others have the event
        too (``shared``; a lone destination works on the pipeline's copy, made at the call),
        after its middleware. Resolves {context, error, segment}; never rejects, so no
        destination affects another."""
        name = destination.name
        loading = self.loading.find(lambda entry: entry["for_plugin"] == destination)
        if loading:  # it gets the event once loaded (and still registered), in turn
            later = copy_of(ctx)
            loading["loaded"].then(
                lambda ok: (
                    ok
                    and self.plugins.indexOf(destination) >= 0
                    and self.hand_to(destination, later, False)
                )
            )
            self.debug.show("note", label(ctx.event) + ': kept for "' + name + '" until it loads')
            return {"context": later, "segment": False}
        copy = copy_of(ctx) if shared else ctx
        kind = copy.event["type"]
        result = {"context": copy, "segment": name == SEGMENT}
        chain = self.middleware.filter(
            lambda entry: (
                entry["name"].toLowerCase() == name.toLowerCase()
                or (entry["name"] == "*" and name != SEGMENT)
            )
        )
        index = 0
        while index < len(chain):
            event = chain[index]["run"](copy.event, {"integration": name})
            index += 1
            if is_thenable(event):
                event = await event
            if event is None:
                self.debug.show(
                    "note", 'destination middleware dropped the event for "' + name + '"'
                )
                return result
            copy.event = event
        if not is_function(destination[kind]):
            return result
        got = answer(destination[kind], destination, copy)
        if is_thenable(got):
            got = await got
        result["error"] = got["error"] if got["failed"] else None
        self.debug.show("answered", name, copy.event, result["error"])
        return result

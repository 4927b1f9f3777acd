__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The plugin pipeline's run, as in analytics-next: before -> enrichment -> each destination on
# a copy of its own, after that destination's middleware -> after. A plugin that answers
# synchronously costs no await, so with synchronous plugins an event reaches the destinations
# within the call itself; a plugin that returns a promise is waited for. In the plugins file:
# until a page adds a plugin or a middleware, its events take the core's own way (pipeline.py).

from analytics_web.browser.plugin_shape import SEGMENT, enabled, in_turn
from analytics_web.browser.util import (
    is_function,
    is_object,
    is_thenable,
    label,
    make_error,
    outcome,
)

# How long events wait for a plugin's load() (never for a destination's). One that has not
# finished by then (waiting on a third party's script an ad blocker stopped, say) would hold
# every event of the page until the visitor leaves, and lose them: from then on they go through
# it as it is, as analytics-next runs a plugin before its load() has finished. register() still
# waits for the load.
LOAD_WAIT_MS = 10000


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


def is_context(value):
    return is_object(value) and is_object(value.event)


def load(pipeline, plugin):
    """Load a plugin, then let it see events. Events wait for a plugin that loads, but for
    a destination: that is a third party (a script an ad blocker stops, a tool that never
    answers), so Segment.io and the others go on, and it gets what it missed once loaded.
    The promise waits for any plugin's load but a destination's; a destination that fails to
    load is left out with a warning, any other plugin that fails rejects the promise.
    (register() checks the plugin first: plugins.py.)"""
    destination = plugin.type == "destination"
    placed = destination  # in the pipeline, or never to be (its load failed)
    if destination:
        in_turn(pipeline.plugins, plugin)  # its events wait for it there (see hand_to)

    def place():
        nonlocal placed
        if not placed:
            placed = True
            in_turn(pipeline.plugins, plugin)
            return True

    def loaded(result):
        place()
        pipeline.debug.show("note", 'plugin "' + plugin.name + '" (' + plugin.type + ") loaded")
        return True

    def failed(error):
        nonlocal placed
        placed = True
        pipeline.plugins = pipeline.plugins.filter(lambda other: other != plugin)
        if not destination:
            return Promise.reject(error)
        pipeline.failed.push(plugin.name)
        console.warn(
            'analytics-web: destination "'
            + plugin.name
            + '" failed to load and gets no events: '
            + reason(error)
        )

    done = (
        Promise.resolve()
        .then(lambda: plugin.load(pipeline.context("register"), pipeline.analytics))
        .then(loaded, failed)
    )
    pipeline.runner = run
    if destination:  # register() does not wait for its third party either, as in analytics-next
        pipeline.wait_for(plugin, done)
        return Promise.resolve(True)

    def stuck():
        if place():
            console.warn(
                'analytics-web: plugin "' + plugin.name + '" still loads; events go through it'
            )

    waited = __new__(Promise(lambda resolve: setTimeout(resolve, LOAD_WAIT_MS)))
    pipeline.wait_for(plugin, Promise.race([done, waited.then(stuck)]))
    return done


async def run(pipeline, ctx):
    """The event through every plugin. Resolves with the context once each destination has
    had it; rejects when a before plugin dropped it or Segment.io refused it."""
    held = pipeline.holding()
    if len(held):
        await Promise.all(held.map(lambda entry: entry["loaded"]))
    plugins = pipeline.plugins.slice()
    kind = ctx.event["type"]
    index = 0
    while index < len(plugins):
        plugin = plugins[index]
        index += 1
        if (plugin.type != "before" and plugin.type != "enrichment") or not is_function(
            plugin[kind]
        ):
            continue
        seen = pipeline.debug.snapshot(ctx.event)
        got = answer(plugin[kind], plugin, ctx)
        if is_thenable(got):
            got = await got
        if not got["failed"] and is_context(got["value"]):
            ctx = got["value"]
            pipeline.debug.show("step", plugin.name, seen, ctx.event)
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
            and pipeline.consented(plugin.name, ctx.event)
        )
    )
    shared = len(destinations) > 1 or len(pipeline.middleware)
    if shared:
        results = await Promise.all(
            destinations.map(lambda plugin: hand_to(pipeline, plugin, ctx, shared))
        )
    else:  # Segment.io alone, the usual case: one promise less per call
        results = (
            [await hand_to(pipeline, destinations[0], ctx, False)] if len(destinations) else []
        )
    plugins.filter(lambda plugin: plugin.type == "after" and is_function(plugin[kind])).forEach(
        lambda plugin: answer(plugin[kind], plugin, ctx)
    )
    segment = results.find(lambda result: result["segment"])
    if segment:
        ctx.setFailedDelivery(segment["context"].failedDelivery())
        if segment["error"]:
            raise segment["error"]
    return ctx


async def hand_to(pipeline, destination, ctx, shared):
    """One destination's delivery, on its own copy of the event when others have the event
    too (``shared``; a lone destination works on the pipeline's copy, made at the call),
    after its middleware. Resolves {context, error, segment}; never rejects, so no
    destination affects another."""
    name = destination.name
    loading = pipeline.loading.find(lambda entry: entry["for_plugin"] == destination)
    if loading:  # it gets the event once loaded (and still registered), in turn
        later = pipeline.own_copy(ctx)
        loading["loaded"].then(
            lambda ok: (
                ok
                and pipeline.plugins.indexOf(destination) >= 0
                and hand_to(pipeline, destination, later, False)
            )
        )
        pipeline.debug.show("note", label(ctx.event) + ': kept for "' + name + '" until it loads')
        return {"context": later, "segment": False}
    copy = pipeline.own_copy(ctx) if shared else ctx
    kind = copy.event["type"]
    result = {"context": copy, "segment": name == SEGMENT}
    chain = pipeline.middleware.filter(
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
            pipeline.debug.show(
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
    pipeline.debug.show("answered", name, copy.event, result["error"])
    return result

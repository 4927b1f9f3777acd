__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# register(), deregister(), addSourceMiddleware() and addDestinationMiddleware(): the plugin
# pipeline, a feature file of its own (features.py) that a page fetches the first time it adds
# a plugin or a middleware. From then on every event takes its run (plugin_run.py); until then
# the library's own plugins run in the core (pipeline.py).

from analytics_web.browser.middleware import run_middleware, source_middleware
from analytics_web.browser.plugin_run import load, reason, run
from analytics_web.browser.plugin_shape import PLUGIN_TYPES
from analytics_web.browser.publish import publish
from analytics_web.browser.util import (
    describe,
    handled,
    is_function,
    is_object,
    is_string,
    make_error,
    rejected,
)


def plugin_problem(plugin):
    if not is_object(plugin):
        return "a plugin is an object with name, type and load(), got " + describe(plugin)
    if typeof(plugin.name) != "string" or plugin.name == "":
        return "a plugin needs a name (a non-empty string)"
    if PLUGIN_TYPES.indexOf(plugin.type) < 0:
        return (
            'plugin "'
            + plugin.name
            + '" has type '
            + JSON.stringify(plugin.type)
            + "; the types are "
            + PLUGIN_TYPES.join(", ")
        )
    if not is_function(plugin.load):
        return 'plugin "' + plugin.name + '" needs a load(ctx, analytics) method'
    return None


def load_plugin(analytics, plugin):
    pipeline = analytics.pipeline
    problem = plugin_problem(plugin)
    if problem:
        return Promise.reject(make_error("register(): " + problem))
    if plugin.type == "destination" and pipeline.left_out.indexOf(plugin.name) >= 0:
        analytics.debugger.show(
            "note", 'destination "' + plugin.name + '" not loaded: the settings leave it out'
        )
        return Promise.resolve()
    return load(pipeline, plugin)


def register(analytics, *plugins):
    """Load plugins; resolves once they are loaded. Events made meanwhile wait for them, but
    for destinations (see Pipeline.load)."""

    def registered(results):
        analytics.emit("register", plugins.map(lambda plugin: plugin.name))
        return analytics.pipeline.context("register")

    return handled(
        Promise.all(plugins.map(lambda plugin: load_plugin(analytics, plugin))).then(registered)
    )


def unload(analytics, plugin):
    """A plugin's unload(), if it has one; what it throws is said, not passed on."""
    if not is_function(plugin.unload):
        return None
    return (
        Promise.resolve()
        .then(lambda: plugin.unload(analytics.pipeline.context("deregister"), analytics))
        .catch(
            lambda error: console.warn(
                'analytics-web: unload() of "' + plugin.name + '" threw: ' + reason(error)
            )
        )
    )


def deregister(analytics, *names):
    """Take the plugins of those names out, calling their unload()."""
    pipeline = analytics.pipeline
    found = pipeline.plugins.filter(lambda plugin: names.indexOf(plugin.name) >= 0)
    pipeline.plugins = pipeline.plugins.filter(lambda plugin: names.indexOf(plugin.name) < 0)
    pipeline.own = pipeline.own.filter(lambda plugin: names.indexOf(plugin.name) < 0)
    return handled(Promise.all(found.map(lambda plugin: unload(analytics, plugin))))


def addSourceMiddleware(analytics, fn):
    """fn({payload, next, integrations}) for every event, before enrichment, in the order
    added; an event it does not pass to next() is dropped."""
    if not is_function(fn):
        return rejected(make_error("addSourceMiddleware() needs a function"))
    plugin = source_middleware(fn, analytics.integrations)
    return handled(load(analytics.pipeline, plugin).then(lambda: analytics))


def addDestinationMiddleware(analytics, name, *fns):
    """fn({payload, next, integration}) on one destination's copy of each event ('*': every
    destination but Segment.io, as in analytics-next; name it to reach it too)."""
    if not is_string(name) or not fns.every(is_function):
        return rejected(
            make_error('addDestinationMiddleware() needs a destination name (or "*") and functions')
        )

    def add(fn):
        analytics.pipeline.middleware.push(
            {"name": name, "run": lambda event, extra: run_middleware(fn, event, extra)}
        )

    fns.forEach(add)
    analytics.pipeline.runner = run  # the core's own way knows no middleware
    return Promise.resolve(analytics)


feature = publish(
    {
        "register": register,
        "deregister": deregister,
        "addSourceMiddleware": addSourceMiddleware,
        "addDestinationMiddleware": addDestinationMiddleware,
    }
)

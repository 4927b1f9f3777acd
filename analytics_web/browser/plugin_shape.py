__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# What a plugin is, as analytics-next shapes it: its types (in the order an event meets them)
# and the library's own plugins made in that shape. Apart from the pipeline and from Context, so
# the plugin file (plugins.py) carries only this; which destinations an event is for, too.

from analytics_web.browser.util import CALL_TYPES

# In the order an event meets them.
PLUGIN_TYPES = ["before", "enrichment", "destination", "after", "utility"]
SEGMENT = "Segment.io"


def in_turn(plugins, plugin):
    """``plugins`` with ``plugin`` added where an event meets it: after every plugin of its type
    or an earlier one, before those of later types. So a source middleware (a before plugin)
    added after an enrichment still sees each event first, as in analytics-next."""
    stage = PLUGIN_TYPES.indexOf(plugin.type)
    at = plugins.findIndex(lambda other: PLUGIN_TYPES.indexOf(other.type) > stage)
    plugins.splice(len(plugins) if at < 0 else at, 0, plugin)


def enabled(plugin, integrations):
    """Destinations honour the event's integrations: {Name: false} turns one off, {All: false}
    all but those named true; All does not apply to Segment.io, as in analytics-next."""
    if plugin.type != "destination":
        return True
    flag = integrations[plugin.name]
    if flag is not js_undefined and flag is not None:
        return flag != False
    return plugin.name == SEGMENT or integrations["All"] != False


def make_plugin(name, kind, methods):
    """A plugin of the library's own, shaped as analytics-next's plugins are; ``methods``:
    the call types it handles (track, page ...) and anything else it needs (unload)."""
    return Object.assign(
        {
            "name": name,
            "type": kind,
            "version": ANALYTICS_WEB_VERSION,
            "isLoaded": lambda: True,
            "load": lambda ctx, analytics: Promise.resolve(),
        },
        methods,
    )


def for_every_call(method):
    """{track: method, page: method ...}: a plugin method for every call type."""
    return Object.fromEntries(CALL_TYPES.map(lambda kind: [kind, method]))

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
# the plugin file (plugins.py) carries only this.

from analytics_web.browser.util import CALL_TYPES

# In the order an event meets them.
PLUGIN_TYPES = ["before", "enrichment", "destination", "after", "utility"]


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

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Every event's way through the plugins, as in analytics-next: before -> enrichment -> each
# destination -> after. Until the page adds a plugin or a middleware, the only plugins are the
# library's own (Page Enrichment and Segment.io), and they run here, within the call, with no
# promise between them (direct_route). The page's first register() or middleware fetches the
# plugins file, whose run (plugin_run.py) takes every event through all of them.

from analytics_web.browser.context import Context, copy_of
from analytics_web.browser.plugin_shape import SEGMENT, enabled, in_turn
from analytics_web.browser.util import is_function, label


class Pipeline:
    def __init__(self, analytics, debug):
        self.analytics = analytics
        self.debug = debug
        self.plugins = []
        # destination middleware: {'name': destination or '*', 'run': run(event, extra)}
        self.middleware = []
        # {for_plugin, loaded}: plugins still loading, loaded resolving true once one has.
        # Events and ready() wait for all but destinations (and those 10 s at most).
        self.loading = []
        self.failed = []  # names of destinations that failed to load
        self.gate = None  # consent: gate(name) says whether a destination may have events
        self.left_out = []  # destinations the settings no longer list (Segment's consent wrapper)
        self.own = []  # the library's own plugins among self.plugins
        self.runner = None  # the plugins file's run(pipeline, ctx), once the page added one

    def context(self, kind):
        """A context for a plugin's own call (register, deregister), made here so that the
        plugin file has no Context class of its own."""
        return Context({"type": kind})

    def own_copy(self, ctx):
        """ctx with a copy of its own of the event (for the plugins file, which has no Context)."""
        return copy_of(ctx)

    def add(self, plugin):
        """A plugin of the library's own, loaded already, synchronous."""
        in_turn(self.plugins, plugin)
        self.own.push(plugin)

    def wait_for(self, plugin, done):
        """Events and ready() (but for a destination's: see plugin_run.hand_to) wait until
        ``done`` settles: ``plugin`` loading."""
        entry = {"for_plugin": plugin, "loaded": done.catch(lambda error: None)}
        self.loading.push(entry)
        entry["loaded"].then(lambda ok: self.loading.splice(self.loading.indexOf(entry), 1))

    def holding(self):
        """The loads that events and ready() wait for: every plugin's but a destination's."""
        return self.loading.filter(lambda entry: entry["for_plugin"].type != "destination")

    def direct_route(self, event):
        """Segment.io's plugin when ``event`` can skip the promise-driven run: only the
        library's own plugins are there, nothing loads, no middleware, no consent gate, nobody
        debugging, and the event is for Segment.io; None otherwise. The caller then runs their
        before and enrichment plugins itself (prepare) before it measures the event, so the
        event is serialised once and the call costs one promise (in Firefox and Safari each
        promise costs as much as building the event)."""
        if (
            len(self.plugins) != len(self.own)
            or len(self.loading)
            or len(self.middleware)
            or self.gate
            or self.debug.enabled
        ):
            return None
        return self.segment_for(event)

    def segment_for(self, event):
        segment = self.plugins.find(lambda plugin: plugin.name == SEGMENT)
        return segment if segment and enabled(segment, event["integrations"]) else None

    def prepare(self, ctx):
        """The library's own before and enrichment plugins on the event."""
        kind = ctx.event["type"]

        def step(plugin):
            if (plugin.type == "before" or plugin.type == "enrichment") and is_function(
                plugin[kind]
            ):
                seen = self.debug.snapshot(ctx.event)
                plugin[kind](ctx)
                self.debug.show("step", plugin.name, seen, ctx.event)

        self.plugins.forEach(step)

    def run(self, ctx):
        """The event through the plugins: through every one (the plugins file's run) once the
        page has added any; else through the library's own, once those loading have loaded.
        Resolves with the context once delivered or safe; rejects when it will not be sent."""
        if self.runner:
            return self.runner(self, ctx)
        held = Promise.all(self.loading.map(lambda entry: entry["loaded"]))
        return held.then(lambda: self.run_own(ctx))

    def run_own(self, ctx):
        self.prepare(ctx)
        segment = self.segment_for(ctx.event)
        if not segment or not self.consented(SEGMENT, ctx.event):
            return ctx

        def answered(error):
            self.debug.show("answered", SEGMENT, ctx.event, error)
            if error:
                raise error
            return ctx

        return segment[ctx.event["type"]](ctx, None).then(lambda done: answered(None), answered)

    def consented(self, name, event):
        if not self.gate or self.gate(name):
            return True
        self.debug.show(
            "note",
            label(event) + ': not for "' + name + '": its consent categories were refused',
        )
        return False

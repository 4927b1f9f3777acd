__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The visit an event belongs to. A session's id is the millisecond time it started (RudderStack's
# and Amplitude's convention); it ends after a while without events, or at an optional cut-off.
# It lives where Segment's Amplitude (Actions) plugin keeps its own, under the same keys and in
# the same form, so the site's tabs share it, it survives reloads, and a visitor's session
# continues across a switch from Segment in either direction.

from analytics_web.browser.identity import make_stores
from analytics_web.browser.util import is_object

SESSION_KEY = "analytics_session_id"
LAST_EVENT_KEY = "analytics_session_id.last_access"
IDLE_TIMEOUT_MS = 30 * 60 * 1000  # Segment's Amplitude plugin, Amplitude's and Google's default
# The last event's time is kept to the second: writing it at every event made track() cost
# half as much again (a localStorage write each), and a second is nothing beside the timeout.
LAST_EVENT_STEP_MS = 1000
AMPLITUDE = "Actions Amplitude"  # the destination's name in Segment's settings and integrations


def uses_amplitude(options, cdn):
    """Segment's Amplitude (Actions) destination named in the settings (its integrations entry,
    or a remote plugin made by it), or asked for in the options: its session_id goes on events."""
    asked = options["sessions"]
    if is_object(asked) and asked["amplitude"] is not js_undefined:
        return bool(asked["amplitude"])
    plugins = cdn["remotePlugins"] if Array.isArray(cdn["remotePlugins"]) else []
    listed = cdn["integrations"] if is_object(cdn["integrations"]) else {}
    return bool(listed[AMPLITUDE]) or plugins.some(
        lambda plugin: is_object(plugin) and plugin.creationName == AMPLITUDE
    )


class Sessions:
    """The current session, read from storage at each event (another tab may have moved it on)."""

    def __init__(self, options, amplitude):
        asked = options["sessions"] if is_object(options["sessions"]) else {}
        self.timeout_ms = asked["timeout"] or IDLE_TIMEOUT_MS
        self.cut_off_ms = asked["cutOff"]  # a session's longest life, if the site wants one
        self.amplitude = amplitude
        self.store = make_stores(options, {})[1]  # localStorage, or memory if so chosen
        self.announce = None  # a session this tab started whose first event has not gone yet

    def live(self):
        """The live session, {id, last} (its last event's time), or None once it ended."""
        started = self.store.read(SESSION_KEY)
        last = self.store.read(LAST_EVENT_KEY)
        if typeof(started) != "number" or typeof(last) != "number":
            return None
        now = Date.now()
        if now - last >= self.timeout_ms or (self.cut_off_ms and now - started >= self.cut_off_ms):
            return None
        return {"id": started, "last": last}

    def current(self):
        """The live session's id, or None once it ended."""
        session = self.live()
        return session["id"] if session else None

    def start(self, session_id):
        """A new session (with the site's id, a number of milliseconds, or now's)."""
        started = session_id if typeof(session_id) == "number" else Date.now()
        self.store.write(SESSION_KEY, started)
        self.store.write(LAST_EVENT_KEY, Date.now())
        self.announce = started
        return started

    def end(self):
        self.store.remove(SESSION_KEY)
        self.store.remove(LAST_EVENT_KEY)

    def visit(self):
        """The live session of an event called for now (one starts if none is), which it keeps
        alive: {id, start}, start when the event is the session's first."""
        session = self.live()
        if session is None:
            session_id = self.start(None)
        else:
            session_id = session["id"]
            if Date.now() - session["last"] >= LAST_EVENT_STEP_MS:
                self.store.write(LAST_EVENT_KEY, Date.now())
        start = self.announce == session_id
        if start:
            self.announce = None
        return {"id": session_id, "start": start}

    def stamp(self, event, visit):
        """The event says which ``visit`` it belongs to."""
        session_id = visit["id"]
        event["context"]["sessionId"] = session_id
        if visit["start"]:
            event["context"]["sessionStart"] = True
        integrations = event["integrations"]
        if self.amplitude and integrations[AMPLITUDE] != False:
            integrations[AMPLITUDE] = Object.assign(
                {"session_id": session_id},
                integrations[AMPLITUDE] if is_object(integrations[AMPLITUDE]) else {},
            )

    def carry(self, before):
        """The session kept in memory until consent, taken into storage (unless one lives
        there already)."""
        session_id = before.current()
        if session_id is not None and self.current() is None:
            self.store.write(SESSION_KEY, session_id)
            self.store.write(LAST_EVENT_KEY, before.store.read(LAST_EVENT_KEY))

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# analytics.debug(true): every call, its payload, its way through the plugins and what each
# destination answered, in the console. On for the rest of the tab's session, as in
# Analytics.js. This is the switch; what the console prints is debug_console.py, a feature file
# of its own (features.py) that the page fetches once someone turns debugging on.

from analytics_web.browser.webstorage import read_text, remove_key, write_text

DEBUG_KEY = "aw_debug"


class Debug:
    def __init__(self, features):
        self.features = features
        self.enabled = read_text("sessionStorage", DEBUG_KEY) == "true"

    def toggle(self, on):
        self.enabled = on != False
        if self.enabled:
            write_text("sessionStorage", DEBUG_KEY, "true")
        else:
            remove_key("sessionStorage", DEBUG_KEY)

    def show(self, what, *details):
        """The debug console's ``what`` (call, note, step, answered, outcome), while debugging
        and once its file is here."""
        printer = self.features.ready["debug"]
        if self.enabled and printer:
            printer[what].apply(None, details)

    def snapshot(self, event):
        """The event as text before a plugin runs, only when someone is watching."""
        return JSON.stringify(event) if self.enabled else None

    def problem(self, message, details):
        """``message``: an error's message, which names the library already. Said also when the
        debug console's own file could not be loaded."""
        if self.enabled:
            console.warn(message, details)

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
# Analytics.js.

from analytics_web.browser.webstorage import read_text, remove_key, write_text

DEBUG_KEY = "aw_debug"
BADGE = "background:#3b5bdb;color:#fff;border-radius:3px;padding:0 4px"


# What names an event in the console, per type: a page view without a name is just "page".
NAMED_BY = {"track": "event", "page": "name", "screen": "name", "group": "groupId"}


def label(event):
    name = event[NAMED_BY[event["type"]] or "userId"]  # identify and alias: the user id
    return event["type"] + (" " + JSON.stringify(name) if name else "")


class Debug:
    def __init__(self):
        self.enabled = read_text("sessionStorage", DEBUG_KEY) == "true"

    def toggle(self, on):
        self.enabled = on != False
        if self.enabled:
            write_text("sessionStorage", DEBUG_KEY, "true")
        else:
            remove_key("sessionStorage", DEBUG_KEY)

    def log(self, text, details):
        if details is js_undefined:  # else the console prints "undefined" after the text
            console.log("%canalytics-web%c " + text, BADGE, "")
        else:
            console.log("%canalytics-web%c " + text, BADGE, "", details)

    def call(self, event):
        if self.enabled:
            console.groupCollapsed("%canalytics-web%c " + label(event), BADGE, "")
            console.log("payload", event)
            console.groupEnd()

    def snapshot(self, event):
        """The event as text before a plugin runs, only when someone is watching."""
        return JSON.stringify(event) if self.enabled else None

    def step(self, plugin, seen, event):
        if seen is not None and seen != JSON.stringify(event):
            self.log(label(event) + ': changed by plugin "' + plugin + '"', event)

    def note(self, text):
        if self.enabled:
            self.log(text)

    def answered(self, destination, event, error):
        if not self.enabled:
            return
        if error:
            console.warn(
                "analytics-web: "
                + label(event)
                + ': destination "'
                + destination
                + '" failed: '
                + (error.message or error)
            )
        else:
            self.log(label(event) + ': handed to destination "' + destination + '"')

    def outcome(self, event, context, error):
        """How the call settled: delivered, pending (kept for a retry) or refused."""
        if not self.enabled:
            return
        failure = context.failedDelivery() if context else None
        if error:
            console.warn("analytics-web: " + label(event) + " not sent: " + error.message)
        elif failure:
            self.log(label(event) + ": not acknowledged yet: " + failure["reason"].message)
        else:
            self.log("delivered " + label(event))

    def problem(self, message, details):
        """``message``: an error's message, which names the library already."""
        if self.enabled:
            console.warn(message, details)

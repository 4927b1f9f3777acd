__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# What analytics.debug(true) prints: each call's payload, its way through the plugins and what
# each destination answered. A feature file of its own (features.py); debug.py is the switch.

from analytics_web.browser.publish import publish
from analytics_web.browser.util import label

BADGE = "background:#3b5bdb;color:#fff;border-radius:3px;padding:0 4px"


def log(text, details):
    if details is js_undefined:  # else the console prints "undefined" after the text
        console.log("%canalytics-web%c " + text, BADGE, "")
    else:
        console.log("%canalytics-web%c " + text, BADGE, "", details)


def call(event):
    console.groupCollapsed("%canalytics-web%c " + label(event), BADGE, "")
    console.log("payload", event)
    console.groupEnd()


def step(plugin, seen, event):
    if seen is not None and seen != JSON.stringify(event):
        log(label(event) + ': changed by plugin "' + plugin + '"', event)


def note(text):
    log(text)


def answered(destination, event, error):
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
        log(label(event) + ': handed to destination "' + destination + '"')


def outcome(event, context, error):
    """How the call settled: delivered, pending (kept for a retry) or refused."""
    failure = context.failedDelivery() if context else None
    if error:
        console.warn("analytics-web: " + label(event) + " not sent: " + error.message)
    elif failure:
        log(label(event) + ": not acknowledged yet: " + failure["reason"].message)
    else:
        log("delivered " + label(event))


feature = publish(
    {"call": call, "step": step, "note": note, "answered": answered, "outcome": outcome}
)

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# What load(writeKey, options) was told, read once. analytics-web fetches no settings from a CDN:
# it makes the object Segment's CDN would serve for the source from the load options, passes it
# through updateCDNSettings as analytics-next does (Segment's consent wrapper reads and changes
# it there), and takes the delivery settings from the result.

from analytics_web.browser.segmentio import api_url
from analytics_web.browser.util import is_function, is_object, merge

# Options analytics-web acts on; any other is named on the console, never silently ignored.
SUPPORTED_OPTIONS = [
    "writeKey", "apiHost", "protocol", "integrations", "deliveryStrategy", "compress", "queue",
    "cookie", "storage", "disableClientPersistence", "user", "group", "useQueryString",
    "trackRouteChanges", "initialPageview", "retryQueue", "highEntropyValuesClientHints",
    "cdnSettings", "updateCDNSettings", "disable", "globalAnalyticsKey", "plugins", "consent",
]  # fmt: skip


def unsupported_options(options):
    return Object.keys(options).filter(lambda key: SUPPORTED_OPTIONS.indexOf(key) < 0)


def segment_options(options):
    """Delivery settings where Analytics.js takes them (integrations['Segment.io']), over the
    same flat on the options."""
    integrations = options["integrations"] or {}
    nested = integrations["Segment.io"] if is_object(integrations["Segment.io"]) else {}
    flat = {}

    def take(key):
        if options[key] is not js_undefined:
            flat[key] = options[key]

    ["apiHost", "protocol", "deliveryStrategy", "compress"].forEach(take)
    return Object.assign(flat, nested)


def cdn_settings(write_key, options, destinations):
    """The source's settings in the shape of Segment's CDN, made from the options: each
    destination plugin known at load listed under integrations, as the CDN lists device-mode
    destinations (so Segment's consent wrapper can leave one out), the site's own cdnSettings
    merged over them (consentSettings, say), then through options.updateCDNSettings."""
    integrations = Object.assign({}, options["integrations"] or {})

    def listed(name):
        if not integrations[name]:
            integrations[name] = {}

    destinations.forEach(listed)
    integrations["Segment.io"] = Object.assign({"apiKey": write_key}, segment_options(options))
    made = merge({"integrations": integrations}, options["cdnSettings"])
    update = options["updateCDNSettings"]
    if is_function(update):
        made = update(made) or made
    return made


def integration_flags(integrations):
    """Load-time integration settings as the booleans events carry ({'Mixpanel': {...}} is on).
    Settings for Segment.io itself only say where and how to deliver: no flag for them."""
    flags = {}
    for key in integrations or {}:
        value = integrations[key]
        if key == "Segment.io" and is_object(value):
            continue
        flags[key] = value if typeof(value) == "boolean" else bool(value)
    return flags


def delivery_settings(options, cdn):
    """What the Segment.io destination needs, from the CDN-shaped settings."""
    integrations = cdn["integrations"] if is_object(cdn["integrations"]) else {}
    segment = integrations["Segment.io"] if is_object(integrations["Segment.io"]) else {}
    strategy = segment["deliveryStrategy"] or {}
    batching = strategy["strategy"] == "batching"
    config = strategy["config"] or {}
    compress = segment["compress"]
    queue = options["queue"] or {}
    return {
        "url": api_url(segment["apiHost"], segment["protocol"], "/batch"),
        "batchSize": (config["size"] or 10) if batching else 1,
        "batchTimeout": (config["timeout"] or 5000) if batching else 0,
        "compress": compress if compress == True or compress == False else None,
        "retryQueue": options["retryQueue"] != False,
        "maxEvents": queue["maxEvents"],
        "maxBytes": queue["maxBytes"],
    }

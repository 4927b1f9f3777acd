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

from analytics_web.browser.util import is_function, is_object
from analytics_web.browser.wire import api_url

# Options analytics-web acts on; any other is named on the console, never silently ignored.
SUPPORTED_OPTIONS = [
    "writeKey", "apiHost", "protocol", "integrations", "deliveryStrategy", "compress", "queue",
    "cookie", "storage", "disableClientPersistence", "user", "group", "useQueryString",
    "trackRouteChanges", "initialPageview", "retryQueue", "highEntropyValuesClientHints",
    "cdnSettings", "updateCDNSettings", "disable", "globalAnalyticsKey", "plugins", "consent",
    "sessions", "botFilter", "webVitals",
]  # fmt: skip


def unsupported_options(options):
    return Object.keys(options).filter(lambda key: SUPPORTED_OPTIONS.indexOf(key) < 0)


def nested_options(options):
    """Delivery settings where Analytics.js takes them: integrations['Segment.io']."""
    integrations = options["integrations"] or {}
    return integrations["Segment.io"] if is_object(integrations["Segment.io"]) else {}


def segment_options(options):
    """Delivery settings from the options: integrations['Segment.io'], over the same flat on
    the options (analytics-web's shorthand)."""
    flat = {}

    def take(key):
        if options[key] is not js_undefined:
            flat[key] = options[key]

    ["apiHost", "protocol", "deliveryStrategy", "compress"].forEach(take)
    return Object.assign(flat, nested_options(options))


def cdn_settings(write_key, options, destinations):
    """The source's settings in the shape of Segment's CDN: the site's own cdnSettings (the
    object itself, as analytics-next hands it to updateCDNSettings and disable), or one made
    from the options. Either way each destination plugin known at load is listed under
    integrations, as the CDN lists device-mode destinations (so Segment's consent wrapper can
    leave one out), and so is Segment.io, where not there already. Then through
    options.updateCDNSettings."""
    given = options["cdnSettings"]
    made = given if is_object(given) else {}
    if not is_object(made["integrations"]):
        made["integrations"] = Object.assign({}, options["integrations"] or {})
    integrations = made["integrations"]

    def listed(name):
        if not integrations[name]:
            integrations[name] = {}

    destinations.forEach(listed)
    if not is_object(integrations["Segment.io"]) and integrations["Segment.io"] != False:
        integrations["Segment.io"] = Object.assign({"apiKey": write_key}, segment_options(options))
    update = options["updateCDNSettings"]
    if is_function(update):
        made = update(made) or made
    return made


def loads_segment(integrations):
    """Segment.io delivers unless the load options switch it off: {'Segment.io': false}, or
    {All: false} without naming it, as in analytics-next."""
    integrations = integrations if is_object(integrations) else {}
    named = integrations["Segment.io"]
    return named != False and (integrations["All"] != False or bool(named))


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
    """What the Segment.io destination needs: the CDN-shaped settings' Segment.io entry (made
    from the options, or the site's, as updateCDNSettings left it), under what the options
    say in integrations['Segment.io'] (which win, as analytics-next merges them)."""
    integrations = cdn["integrations"] if is_object(cdn["integrations"]) else {}
    segment = Object.assign(
        segment_options(options),
        integrations["Segment.io"] if is_object(integrations["Segment.io"]) else {},
        nested_options(options),
    )
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
        "headers": config["headers"],  # more request headers: an object, or a function of none
        "retryQueue": options["retryQueue"] != False,
        # The outbox in localStorage: not without retries, nor when nothing may be stored.
        "stored": options["retryQueue"] != False and not options["disableClientPersistence"],
        "maxEvents": queue["maxEvents"],
        "maxBytes": queue["maxBytes"],
    }

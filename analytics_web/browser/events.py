__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# A call's Segment message as made at call time: everything that depends on the moment of the
# call (ids, time, the page it was made on, a page call's properties). What describes the
# browser is added later by the Page Enrichment plugin.

from analytics_web.browser.util import is_object, is_string, make_uuid, merge, now_iso

# Options that are the event's own fields; any other option goes into its context, as
# analytics-next does (Segment's consent wrapper sends {consent: ...} this way).
EVENT_OPTIONS = [
    "context",
    "integrations",
    "timestamp",
    "anonymousId",
    "userId",
    "messageId",
    "traits",
]
# What a page call's properties say of the page; given (a virtual page view's path or url),
# they are its context.page too, as in analytics-next.
PAGE_FIELDS = ["path", "referrer", "search", "title", "url"]


def build_event(kind, fields, options, ids, defaults, page):
    """A Segment message of type ``kind``: ``fields`` hold the type's own keys (event,
    properties, traits ...), ``options`` the caller's (context, integrations, timestamp,
    anonymousId, traits; a timestamp already checked), ``ids`` the user's {userId,
    anonymousId} as of this call, ``defaults`` the load-time integrations, ``page`` the
    page the call was made on."""
    if kind == "page":  # on a copy: a landing view is built again once it settles
        fields = Object.assign({}, fields)
        page = page_call(fields, page)
    given_id = options["messageId"]
    event = {
        "type": kind,
        # A messageId of the site's own (an idempotency key it also gives its server calls)
        # is kept, as in analytics-next.
        "messageId": given_id if is_string(given_id) and given_id != "" else "aw-" + make_uuid(),
        "timestamp": timestamp_of(options["timestamp"]),
        "anonymousId": options["anonymousId"] or ids["anonymousId"],
        "context": merge({"page": page}, options["context"]),
        "integrations": merge(merge({}, defaults), options["integrations"]),
    }
    if ids["userId"] is not None:
        event["userId"] = ids["userId"]
    elif options["userId"] is not js_undefined and options["userId"] is not None:
        event["userId"] = options["userId"]  # as there: the user the browser knows wins
    if is_object(options["traits"]):
        event["context"]["traits"] = options["traits"]
    for key in options:
        if EVENT_OPTIONS.indexOf(key) < 0:
            context_option(event, key, options[key])
    return Object.assign(event, fields)


def page_call(fields, page):
    """A page call's properties default to the page it was made on and carry its name; the
    page fields given among them win in context.page (null and empty values included, as
    there). Returns that context.page."""
    given = fields["properties"]
    named = {}

    def take(key):
        if Object.prototype.hasOwnProperty.call(given, key):
            named[key] = given[key]

    PAGE_FIELDS.forEach(take)
    fields["properties"] = Object.assign({}, page, given)
    if fields["name"] is not js_undefined:
        fields["properties"]["name"] = fields["name"]
    return Object.assign({}, page, named)


def context_option(event, key, value):
    if is_object(value):
        event["context"][key] = merge(
            event["context"][key] if is_object(event["context"][key]) else {}, value
        )
    elif value is not js_undefined:
        event["context"][key] = value


def timestamp_of(value):
    if value is None or value is js_undefined:
        return now_iso()
    return __new__(Date(value)).toISOString()

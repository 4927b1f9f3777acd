__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The landing URL may carry calls, as in Analytics.js (email links, ads):
#   ?ajs_aid=ANON  ?ajs_uid=USER&ajs_trait_email=...  ?ajs_event=Clicked&ajs_prop_plan=pro


def prefixed(params, prefix):
    found = {}

    def take(value, key):
        if key.indexOf(prefix) == 0:
            found[key.slice(len(prefix))] = value

    params.forEach(take)
    return found


def allowed(value, pattern):
    """useQueryString: {aid, uid}: RegExps an id from the URL must match to be taken."""
    return value and (not pattern or typeof(pattern.test) != "function" or pattern.test(value))


# A hash router's query (#/?ajs_uid=1, #about?ajs_uid=1): what follows the hash's "?".
HASH_ROUTE = __new__(RegExp("^#[^?]*"))


def landing_query():
    """The landing URL's query string, or, when that carries no ajs_ calls, the one a hash
    router put in its hash (analytics-next reads the hash only when there is no query string
    at all; a utm_ query before a hash route is common enough to look past)."""
    search = location.search
    return search if search.indexOf("ajs_") >= 0 else location.hash.replace(HASH_ROUTE, "")


def apply_query(analytics, query, patterns):
    """Make the calls the query string asks for: anonymous id first, then identify, then track.
    ``query``: "?ajs_uid=..." or a whole URL."""
    patterns = patterns if patterns and typeof(patterns) == "object" else {}
    query = query if typeof(query) == "string" else ""
    at = query.indexOf("?")
    params = __new__(URLSearchParams(query.slice(at) if at >= 0 else ""))
    made = []
    if allowed(params.js_get("ajs_aid"), patterns["aid"]):
        analytics.setAnonymousId(params.js_get("ajs_aid"))
    if allowed(params.js_get("ajs_uid"), patterns["uid"]):
        made.push(analytics.identify(params.js_get("ajs_uid"), prefixed(params, "ajs_trait_")))
    if params.js_get("ajs_event"):
        made.push(analytics.track(params.js_get("ajs_event"), prefixed(params, "ajs_prop_")))
    return made

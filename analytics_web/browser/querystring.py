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
# Reading them is a feature file of its own (features.py), fetched only when the landing URL
# has such parameters (page_context.landing_query, in the core) or the page calls queryString().

from analytics_web.browser.publish import publish


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


def queryString(analytics, query):
    """analytics.queryString(query): the calls a query string asks for, as on a landing URL."""
    return Promise.all(apply_query(analytics, query, analytics.options["useQueryString"]))


feature = publish({"apply_query": apply_query, "queryString": queryString})

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


def apply_query(analytics, search):
    """Make the calls the query string asks for: anonymous id first, then identify, then track."""
    params = __new__(URLSearchParams(search))
    if params.js_get("ajs_aid"):
        analytics.setAnonymousId(params.js_get("ajs_aid"))
    if params.js_get("ajs_uid"):
        analytics.identify(params.js_get("ajs_uid"), prefixed(params, "ajs_trait_"))
    if params.js_get("ajs_event"):
        analytics.track(params.js_get("ajs_event"), prefixed(params, "ajs_prop_"))

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Entry point of dist/analytics.esm.js, the npm-style module:
#     import { AnalyticsBrowser } from 'analytics-web'
#     const analytics = AnalyticsBrowser.load({ writeKey: 'KEY' })

from analytics_web.browser.analytics import Analytics


def load(settings, options=None):
    """A loaded Analytics instance; settings carry writeKey and may carry any load option."""
    settings = settings or {}
    analytics = Analytics()
    return analytics.load(settings["writeKey"], Object.assign({}, settings, options or {}))


AnalyticsBrowser = {"load": load}

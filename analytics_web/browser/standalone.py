__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Entry point of dist/analytics.min.js: the core, which fetches each feature the first time the
# page needs it (features.py).

from analytics_web.browser.takeover import install

install()

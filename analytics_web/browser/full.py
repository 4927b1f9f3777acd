__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Entry point of dist/analytics.full.min.js (and the readable analytics.js): the bundle with every
# feature in it, for sites that would rather make one request than fetch features on first use.
# Installed here, once every import has run, so the features are in place first.

from analytics_web.browser.every_feature import source
from analytics_web.browser.takeover import install

install()  # Web Vitals, not built in, comes from beside this file (every_feature.py)

__all__ = ["source"]

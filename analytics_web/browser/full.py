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
# every_feature comes first: its features are in place before standalone installs the library.

from analytics_web.browser.every_feature import source
from analytics_web.browser.standalone import install

__all__ = ["install", "source"]

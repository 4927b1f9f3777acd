__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Not a bundle: the root from which Transcrypt compiles every feature's module (features.py),
# each then bundled as a file of its own. Web Vitals is in no other entry (every_feature.py).

from analytics_web.browser.every_feature import source
from analytics_web.browser.web_vitals import feature

__all__ = ["feature", "source"]

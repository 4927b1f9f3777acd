__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Every feature (features.py) built in, imported by full.py before the library installs, so the
# single-file variant fetches no file for them. All but Web Vitals: Google's library is 3.7 KB
# gzip that only a page asking for it needs, so that page fetches it beside the single file.

from analytics_web.browser.autotrack import feature as autotrack
from analytics_web.browser.consent import feature as consent
from analytics_web.browser.debug_console import feature as debug
from analytics_web.browser.features import source
from analytics_web.browser.plugins import feature as plugins
from analytics_web.browser.querystring import feature as querystring

source["built_in"] = {
    "autotrack": autotrack,
    "consent": consent,
    "debug": debug,
    "plugins": plugins,
    "querystring": querystring,
}

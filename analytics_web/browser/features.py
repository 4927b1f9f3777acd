__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The parts of the library a page may never use, each in a file of its own beside the bundle,
# fetched the first time the page needs one (a plain snippet page downloads none of them):
#   consent     load(key, {consent: ...})                         analytics.consent.min.js
#   plugins     register, deregister, add*Middleware              analytics.plugins.min.js
#   autotrack   trackLink, trackClick, trackForm, trackSubmit     analytics.autotrack.min.js
#   debug       debug(true), or the tab's remembered debug flag   analytics.debug.min.js
#   querystring the landing URL's ajs_ calls, queryString()       analytics.querystring.min.js
#   webvitals   load(key, {webVitals: true})                      analytics.webvitals.min.js
# analytics.full.min.js has all but webvitals built in (every_feature.py). Each file hands its
# exports to the script element that loaded it (publish), so the page's globals stay untouched.

from analytics_web.browser.util import make_error

# The bundle's file name in its URL: its features come from the same folder (and with the same
# query), never from a third party's host.
FILE_NAME = __new__(RegExp("[^/?#]*([?#].*)?$"))
# A file that has not arrived after this long (a stalled CDN edge or proxy holding the
# connection) has failed, as a missing one has: the calls waiting for it settle with the error
# instead of waiting for ever. The files are a few KB, which a 2G network brings in seconds.
STALLED_AFTER_MS = 10000


def feature_file(name):
    return "analytics." + name + ".min.js"


def feature_url(src, name):
    """The bundle's URL with the file's name and, as ``v``, the start of its SRI hash: a new
    release's core never takes the last release's file from a cache (its hash check would refuse
    it, failing every call that needs it). analytics_web/feature_urls.py says the same for
    render()'s preload hints and the proxy."""
    url = src.replace(FILE_NAME, feature_file(name) + "$1")
    version = encodeURIComponent(FEATURE_INTEGRITY[name].slice(7, 19))
    return url + ("&" if url.indexOf("?") >= 0 else "?") + "v=" + version


def script_fetcher(bundle):
    """Features as <script>s beside ``bundle`` (the bundle's own <script>), with its nonce (a
    strict Content-Security-Policy lets them run) and the SRI hash this build carries for each
    (a changed or substituted file is refused)."""
    src = bundle.src if bundle and bundle.src else ""

    def fetch(name):
        file = feature_file(name)
        url = feature_url(src, name)

        def attach(resolve, reject):
            script = document.createElement("script")

            def loaded():
                if script.analyticsWebFeature:
                    resolve(script.analyticsWebFeature)
                else:
                    failed()

            def failed():
                reject(
                    make_error(
                        file
                        + " could not be loaded from "
                        + url
                        + " (missing, offline, stalled, or refused by the page's Content-Security-Policy"
                        + " or its integrity check): serve it beside the bundle, or load"
                        + " analytics.full.min.js, which has every feature in one file"
                    )
                )

            script.onload = loaded
            script.onerror = failed
            setTimeout(failed, STALLED_AFTER_MS)  # no effect once the file is here
            script.crossOrigin = "anonymous"  # SRI is checked on CORS requests only
            script.integrity = FEATURE_INTEGRITY[name]
            if bundle and bundle.nonce:
                script.nonce = bundle.nonce
            script.src = url
            document.head.appendChild(script)

        return __new__(Promise(attach))

    return fetch


def not_fetched(name):
    return Promise.reject(make_error(feature_file(name) + " is not part of this build"))


# How this build gets its features, set by its entry point: standalone.py fetches <script>s,
# module.py imports the ES modules, full.py has them all built in.
source = {"fetch": not_fetched, "built_in": {}}


class Features:
    """Which features this page has: ``ready`` (loaded, or built in), ``failed`` (the error
    naming the file), and the fetch of each asked for."""

    def __init__(self):
        self.fetch = source["fetch"]
        self.ready = Object.assign({}, source["built_in"])
        self.failed = {}
        self.asked = {}

    def need(self, name):
        """A promise that settles (never rejects) once ``name`` is loaded or has failed."""
        if self.ready[name]:
            return Promise.resolve()
        if not self.asked[name]:

            def loaded(feature):
                self.ready[name] = feature

            def failed(error):
                self.failed[name] = error

            self.asked[name] = self.fetch(name).then(loaded, failed)
        return self.asked[name]

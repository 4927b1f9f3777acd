__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Load option webVitals: true (or a list of metrics): one "Web Vitals" track per page with what
# the browser measured of LCP, INP, CLS, FCP and TTFB. Measured by Google's web-vitals library
# (an npm dependency bundled into this feature file only, fetched only when a page asks for it),
# so the values are the ones Chrome's own reports and PageSpeed use. Its observers read the
# browser's buffered entries, so a file fetched after the page painted misses nothing.

# An npm import, which esbuild bundles. Over three lines: Transcrypt reads a one-line import in
# its own output as one of the project's modules, and stops when it finds no such file.
__pragma__(
    "js",
    "{}",
    """import {
    onCLS, onFCP, onINP, onLCP, onTTFB
} from 'web-vitals';""",
)

from analytics_web.browser.publish import publish

EVENT = "Web Vitals"
OBSERVE = __pragma__("js", "{}", "({LCP: onLCP, INP: onINP, CLS: onCLS, FCP: onFCP, TTFB: onTTFB})")
METRICS = Object.keys(OBSERVE)


def properties_of(measured):
    """The track's properties: each metric's value (milliseconds; CLS a score), and its rating
    by Google's thresholds ("good", "needs-improvement", "poor") under ``ratings``."""
    properties = {"ratings": {}}

    def take(name):
        properties[name] = measured[name].value
        properties["ratings"][name] = measured[name].rating

    Object.keys(measured).forEach(take)
    return properties


def watch(analytics, wanted):
    """Measure the page's metrics (``wanted``: true for all, or a list of names); send them once,
    when the page is first hidden: every engine hides a page it leaves (after pagehide, in
    Chromium), and that is when web-vitals reports its final CLS, INP and LCP, in handlers of
    its own (on window, capture phase) that run before this one (on document). The destination
    sends what is made then by its exit path."""
    names = wanted if Array.isArray(wanted) else METRICS
    unknown = names.filter(lambda name: METRICS.indexOf(name) < 0)
    if len(unknown):
        console.error(
            "analytics-web: webVitals has no metric named "
            + unknown.join(", ")
            + "; the metrics are "
            + METRICS.join(", ")
        )
    measured = {}

    def measure(metric):
        measured[metric.name] = metric

    names.filter(lambda name: METRICS.indexOf(name) >= 0).forEach(
        lambda name: OBSERVE[name](measure)
    )

    def send(event):
        if document.visibilityState != "hidden" or not len(Object.keys(measured)):
            return  # nothing measured yet: the next time the page is hidden, maybe
        document.removeEventListener("visibilitychange", send)
        analytics.track(EVENT, properties_of(measured))

    document.addEventListener("visibilitychange", send)


feature = publish({"watch": watch})

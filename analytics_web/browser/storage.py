__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Where identities live: localStorage, a first-party cookie, and memory as the last resort.
# Values are written the way Analytics.js writes them (JSON in localStorage, raw ids in cookies)
# and read in any form Analytics.js ever wrote, so a site can switch libraries and keep visitors.

from analytics_web.browser.webstorage import read_text, remove_key, write_json

ONE_YEAR_DAYS = 365


def parse_stored(raw):
    """A stored value as Analytics.js may have left it: JSON ("\"abc\"", {...}) or a bare id."""
    if raw is None or raw is js_undefined or raw == "":
        return None
    try:
        return JSON.parse(raw)
    except:
        return raw


def decoded(raw):
    """A cookie's value as written; one another program left not percent-encoded (a stray
    "%") is taken as it is, since decodeURIComponent would throw and stop the library."""
    try:
        return decodeURIComponent(raw)
    except:
        return raw


class MemoryStore:
    kind = "memory"

    def __init__(self):
        self.values = {}

    def read(self, key):
        value = self.values[key]
        return None if value is js_undefined else value

    def write(self, key, value):
        self.values[key] = value
        return True

    def remove(self, key):
        del self.values[key]


class LocalStore:
    """localStorage; every access may throw (disabled, sandboxed, full), which reads as absent."""

    kind = "localStorage"

    def read(self, key):
        return parse_stored(read_text("localStorage", key))

    def write(self, key, value):
        return write_json("localStorage", key, value)

    def remove(self, key):
        remove_key("localStorage", key)


class CookieStore:
    """First-party cookies holding ids only (traits stay in localStorage, as in Analytics.js)."""

    kind = "cookie"

    def __init__(self, options):
        options = options or {}
        self.max_age_days = options["maxage"] or ONE_YEAR_DAYS
        self.domain = (
            options["domain"]
            if options["domain"] is not js_undefined
            else top_domain(location.hostname)
        )
        self.same_site = options["sameSite"] or "Lax"
        self.secure = (
            options["secure"]
            if options["secure"] is not js_undefined
            else location.protocol == "https:"
        )
        self.path = options["path"] or "/"

    def read(self, key):
        try:
            jar = document.cookie
        except:
            return None
        prefix = key + "="
        found = None

        def match(pair):
            nonlocal found
            if pair.trim().indexOf(prefix) == 0:
                found = decoded(pair.trim().slice(len(prefix)))

        jar.split(";").forEach(match)
        return parse_stored(found)

    def write(self, key, value):
        if typeof(value) != "string":
            return False
        self.set_cookie(key, encodeURIComponent(value), self.max_age_days * 86400)
        return self.read(key) == value

    def remove(self, key):
        self.set_cookie(key, "", -1)

    def set_cookie(self, key, raw, max_age_seconds):
        cookie = key + "=" + raw + "; max-age=" + max_age_seconds + "; path=" + self.path
        cookie += "; SameSite=" + self.same_site
        if self.domain:
            cookie += "; domain=" + self.domain
        if self.secure:
            cookie += "; Secure"
        try:
            document.cookie = cookie
        except:
            pass


def top_domain(hostname):
    """The widest domain this page may set a cookie on (example.com for app.example.com).

    Found by trying, shortest suffix first, as Analytics.js does: the browser knows the public
    suffix list and refuses a cookie on ``com`` or ``co.uk``. Empty for IPs and bare hosts.
    """
    if hostname.indexOf(".") < 0 or __new__(RegExp("^[0-9.]+$|:")).test(hostname):
        return ""
    labels = hostname.split(".")
    index = len(labels) - 2
    while index >= 0:
        candidate = labels.slice(index).join(".")
        probe = "__aw_tld__=1; path=/; domain=" + candidate
        try:
            document.cookie = probe
            if document.cookie.indexOf("__aw_tld__=1") >= 0:
                document.cookie = probe + "; max-age=-1"
                return candidate
        except:
            return ""
        index -= 1
    return ""


class LayeredStore:
    """Reads from the first store that has a value, writes to all of them.

    The first store wins on reads: with the cookie first, an id shared across subdomains beats
    a stale copy in this subdomain's localStorage. Memory is always last, so the library keeps
    working when every real store refuses.
    """

    def __init__(self, stores):
        self.stores = stores.concat([MemoryStore()])
        self.recent = None  # reads made in this task: a burst of calls reads storage once

    def read(self, key):
        if self.recent is not None and self.recent[key] is not js_undefined:
            return self.recent[key]
        value = None
        index = 0
        while value is None and index < len(self.stores):
            value = self.stores[index].read(key)
            index += 1
        if value is not None and index > 1:
            # Found in one store only (an id Analytics.js left in localStorage alone, say): the
            # stores before it get it too, so every subdomain and every store agree from now on.
            self.stores.slice(0, index - 1).forEach(lambda store: store.write(key, value))
        if value is None or typeof(value) != "object":
            self.remember(key, value)  # ids; traits objects are parsed afresh, never shared
        return value

    def remember(self, key, value):
        """Another tab can change storage only between tasks: forget at the end of this one."""
        if self.recent is None:
            self.recent = {}
            queueMicrotask(self.forget)
        self.recent[key] = value

    def forget(self):
        self.recent = None

    def write(self, key, value):
        """Write to every store that does not hold this value already (rewriting an id cookie
        the site's server set would bring Safari's 7-day cap on script cookies back); return
        the kinds of store that refused, for debug reporting."""
        self.forget()
        return self.stores.filter(
            lambda store: store.read(key) != value and not store.write(key, value)
        ).map(lambda store: store.kind)

    def remove(self, key):
        self.forget()
        self.stores.forEach(lambda store: store.remove(key))

__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# What the page says about itself at the moment of a call: context.page, the page call's
# default properties, and the campaign from utm_* parameters.


def canonical_url():
    link = document.querySelector("link[rel='canonical']")
    return link.getAttribute("href") if link else None


def hash_route(href):
    """A hash router's route in href ("/users/42?tab=2" from #/users/42?tab=2 or #!/...), or
    None when the hash is absent or an in-page anchor (#pricing)."""
    at = href.indexOf("#")
    if at < 0:
        return None
    fragment = href.slice(at + 1)
    if fragment.indexOf("!/") == 0:
        fragment = fragment.slice(1)
    return fragment if fragment.indexOf("/") == 0 else None


def route_url(href):
    """The URL without its hash, unless the hash is a hash router's route (#/... or #!/...)."""
    if hash_route(href) is not None:
        return href
    return href.split("#")[0]


def route_parts(href):
    """{path, search} of the route href shows: its own, or its hash router's route."""
    route = hash_route(href)
    if route is None:
        parsed = __new__(URL(href))
        return {"path": parsed.pathname, "search": parsed.search}
    at = route.indexOf("?")
    if at < 0:
        return {"path": route, "search": ""}
    return {"path": route.slice(0, at), "search": route.slice(at)}


def campaign_search(page):
    """Where a page's utm_* parameters are: its search and, under a hash router, the query
    the URL had before the route as well (utm links point at the site, not a route)."""
    url = page["url"] or ""
    search = page["search"] or ""
    if hash_route(url) is None:
        return search
    outer = url.split("#")[0]
    at = outer.indexOf("?")
    return (outer.slice(at) if at >= 0 else "?") + "&" + search.slice(1)


# The page's path and query string follow from its URL: read again only when the URL changed
# (each read of location costs Firefox about as much as building the rest of the event).
seen = {"href": None, "path": None, "search": None}


def snapshot():
    """The page as a snippet stub records it with each call (Segment's buffered page context)."""
    href = location.href
    if href != seen["href"]:
        seen["href"] = href
        seen["path"] = location.pathname
        seen["search"] = location.search
    return {
        "__t": "bpc",
        "c": canonical_url(),
        "p": seen["path"],
        "u": href,
        "s": seen["search"],
        "t": document.title,
        "r": document.referrer,
    }


def page_info(recorded):
    """{path, referrer, search, title, url} of the page, live or as ``recorded`` by a snippet,
    as Analytics.js reports it.

    The url drops the hash (but keeps a hash router's route); a canonical link supplies the url
    (and its path) when present, keeping the query string, as Analytics.js does.
    """
    page = recorded or snapshot()
    search = page["s"]
    url = route_url(page["u"])
    path = page["p"]
    canonical = page["c"]
    if canonical:
        try:
            parsed = __new__(URL(canonical, page["u"]))
            path = parsed.pathname
            url = parsed.href.split("#")[0] if parsed.search else parsed.href.split("#")[0] + search
        except:
            pass
    if hash_route(page["u"]) is not None:  # reports by path see the route, not its page
        parts = route_parts(page["u"])
        path = parts["path"]
        search = parts["search"]
    return {
        "path": path,
        "referrer": page["r"],
        "search": search,
        "title": page["t"],
        "url": url,
    }


CAMPAIGN_RENAMES = {"campaign": "name"}


def campaign(search):
    """context.campaign from utm_* parameters; utm_campaign becomes campaign.name."""
    found = None
    params = __new__(URLSearchParams(search))

    def take(value, key):
        nonlocal found
        if key.indexOf("utm_") == 0 and len(key) > 4:
            found = found or {}
            field = key.slice(4)
            found[CAMPAIGN_RENAMES[field] or field] = value

    params.forEach(take)
    return found


# A hash router's query (#/?ajs_uid=1, #about?ajs_uid=1): what follows the hash's "?".
HASH_ROUTE = __new__(RegExp("^#[^?]*"))


def landing_query():
    """The landing URL's query string, or, when that carries no ajs_ calls, the one a hash
    router put in its hash (analytics-next reads the hash only when there is no query string
    at all; a utm_ query before a hash route is common enough to look past)."""
    search = location.search
    return search if search.indexOf("ajs_") >= 0 else location.hash.replace(HASH_ROUTE, "")

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


def route_url(href):
    """The URL without its hash, unless the hash is a hash router's route (#/... or #!/...)."""
    at = href.indexOf("#")
    if at < 0:
        return href
    fragment = href.slice(at)
    if fragment.indexOf("#/") == 0 or fragment.indexOf("#!/") == 0:
        return href
    return href.slice(0, at)


def snapshot():
    """The page as a snippet stub records it with each call (Segment's buffered page context)."""
    return {
        "__t": "bpc",
        "c": canonical_url(),
        "p": location.pathname,
        "u": location.href,
        "s": location.search,
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

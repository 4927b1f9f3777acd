__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# What the page says about itself at the moment of a call: context.page, the page call's
# default properties, and the campaign from utm_* parameters.


def canonical_url():
    link = document.querySelector("link[rel='canonical']")
    return link.getAttribute('href') if link else None


def page_info():
    """{path, referrer, search, title, url} of the live location, as Analytics.js reports it.

    The url drops the hash; a canonical link supplies the url (and its path) when present,
    keeping the live query string, as Analytics.js does.
    """
    search = location.search
    url = location.href.split('#')[0]
    path = location.pathname
    canonical = canonical_url()
    if canonical:
        try:
            parsed = __new__(URL(canonical, location.href))
            path = parsed.pathname
            url = parsed.href.split('#')[0] if parsed.search else parsed.href.split('#')[0] + search
        except:
            pass
    return {
        'path': path,
        'referrer': document.referrer,
        'search': search,
        'title': document.title,
        'url': url,
    }


CAMPAIGN_RENAMES = {'campaign': 'name'}


def campaign(search):
    """context.campaign from utm_* parameters; utm_campaign becomes campaign.name."""
    found = None
    params = __new__(URLSearchParams(search))

    def take(value, key):
        nonlocal found
        if key.indexOf('utm_') == 0 and len(key) > 4:
            found = found or {}
            field = key.slice(4)
            found[CAMPAIGN_RENAMES[field] or field] = value

    params.forEach(take)
    return found

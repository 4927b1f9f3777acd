__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# trackLink/trackClick and trackForm/trackSubmit, as Analytics.js defines them: a click on a
# link or a form's submit is tracked, and the page waits for the event to be safe before it
# navigates or submits, at most `timeout` ms (300 by default), so the event is not lost to
# the navigation and a visitor never waits longer than that. A feature file of its own
# (features.py), fetched the first time a page calls one of them.

from analytics_web.browser.publish import publish
from analytics_web.browser.util import describe, is_function

XLINK = "http://www.w3.org/1999/xlink"


def elements_of(value):
    """One element, an array of them, or a jQuery-like list, as an array; None when that is
    not what value is (a selector string, say)."""
    if not value:
        return []
    if Array.isArray(value):
        found = value
    elif is_function(value.toArray):
        found = value.toArray()
    elif typeof(value.length) == "number" and not value.nodeType:
        found = Array["from"](value)
    else:
        found = [value]
    return (
        found
        if found.every(lambda element: element and is_function(element.addEventListener))
        else None
    )


def not_elements(analytics, method, value):
    """Refused with a TypeError, as analytics-next's rejects."""
    return analytics.refuse(
        method,
        "needs elements (one, an array or a jQuery-like list), got " + describe(value),
        [value],
        None,
        "TypeError",
    )


def link_target(element):
    """Where a click on a tracked element leads: its href (an SVG link's xlink:href too), or,
    for an element wrapping a link (a card, a button), the first link inside it."""
    inner = element.getElementsByTagName("a")[0]
    return (
        element.getAttribute("href")
        or element.getAttributeNS(XLINK, "href")
        or element.getAttribute("xlink:href")
        or (inner.getAttribute("href") if inner else None)
    )


def of_element(value, element):
    """event and properties may be functions of the element they are tracked for; one that
    throws gives nothing (the track is then refused, and the link still leads)."""
    try:
        return value(element) if is_function(value) else value
    except:
        return None


def after_tracking(analytics, sent, go):
    """go() once the event is safe or `timeout` ms after the click, whichever comes first, and
    even when tracking failed: a link always leads, a form always submits."""
    state = {"went": False}

    def once(ignored):
        if not state["went"]:
            state["went"] = True
            go()

    setTimeout(once, analytics.timeout_ms)
    sent.then(once, once)


def track_links(analytics, method, links, event, properties, options):
    found = elements_of(links)
    if found is None:
        return not_elements(analytics, method, links)

    def listen(link):
        def clicked(click):
            sent = analytics.track(of_element(event, link), of_element(properties, link), options)
            href = link_target(link)
            stays = not href or href.indexOf("#") == 0  # a fragment of this page: nothing unloads
            opens_elsewhere = link.getAttribute("target") == "_blank" or click.button != 0
            modified = click.metaKey or click.ctrlKey or click.shiftKey or click.altKey
            if stays or opens_elsewhere or modified or click.defaultPrevented:
                return  # this page stays (or the app routes): nothing to wait for

            def go():
                window.location.href = href

            click.preventDefault()
            after_tracking(analytics, sent, go)

        link.addEventListener("click", clicked)

    found.forEach(listen)
    return Promise.resolve(analytics)


def track_forms(analytics, method, forms, event, properties, options):
    found = elements_of(forms)
    if found is None:
        return not_elements(analytics, method, forms)

    def listen(form):
        def submitted(submit):
            sent = analytics.track(of_element(event, form), of_element(properties, form), options)
            submit.preventDefault()
            # The form's own submit(), which an input named "submit" cannot hide.
            after_tracking(analytics, sent, lambda: HTMLFormElement.prototype.submit.call(form))

        form.addEventListener("submit", submitted)

    found.forEach(listen)
    return Promise.resolve(analytics)


def link_tracker(method):
    """analytics.trackLink(links, event, properties, options) (and trackClick)."""
    return lambda analytics, links, event, properties, options: track_links(
        analytics, method, links, event, properties, options
    )


def form_tracker(method):
    """analytics.trackForm(forms, event, properties, options) (and trackSubmit)."""
    return lambda analytics, forms, event, properties, options: track_forms(
        analytics, method, forms, event, properties, options
    )


feature = publish(
    {
        "trackLink": link_tracker("trackLink"),
        "trackClick": link_tracker("trackClick"),
        "trackForm": form_tracker("trackForm"),
        "trackSubmit": form_tracker("trackSubmit"),
    }
)

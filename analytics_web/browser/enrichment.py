__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# The library's own enrichment as the plugin analytics-next has, under its name, so a site can
# see, replace or deregister it: 'Page Enrichment', a before plugin registered first, adds what
# describes the browser and the campaign, so the site's source middleware (a before plugin too,
# a PII filter say) sees and can change all of it. It reads the page the event was made on
# (context.page, captured at call time), never the live one.

from analytics_web.browser.page_context import campaign, campaign_search
from analytics_web.browser.plugin_shape import for_every_call, make_plugin
from analytics_web.browser.util import is_object, merge

LIBRARY_NAME = "analytics-web"


def browser_facts():
    """What describes the browser, the same for every event of the page; read once, because
    Intl's time zone lookup alone costs more than the rest of a track call."""
    facts = {"userAgent": navigator.userAgent, "locale": navigator.language}
    if navigator.userAgentData:
        facts["userAgentData"] = navigator.userAgentData.toJSON()  # brands, mobile, platform
    try:
        facts["timezone"] = Intl.DateTimeFormat().resolvedOptions().timeZone
    except:
        pass
    return facts


known = {"browser": None, "search": None, "campaign": None, "hints": None}


def environment(search):
    """Fresh objects every time: the caller's context is merged into them."""
    if known["browser"] is None:
        known["browser"] = browser_facts()
    if search != known["search"]:
        known["search"] = search
        known["campaign"] = campaign(search) or {}
    if known["hints"]:  # highEntropyValuesClientHints, once the browser answered
        known["browser"]["userAgentData"] = Object.assign(
            {}, known["browser"]["userAgentData"], known["hints"]
        )
        known["hints"] = None
    made = merge(
        {"library": {"name": LIBRARY_NAME, "version": ANALYTICS_WEB_VERSION}}, known["browser"]
    )
    made["campaign"] = merge({}, known["campaign"])
    return made


def enrich_environment(ctx):
    """What the caller put in context wins over what is filled in here."""
    context = ctx.event["context"] if is_object(ctx.event["context"]) else {}
    page = context["page"] if is_object(context["page"]) else {}
    ctx.event["context"] = merge(environment(campaign_search(page)), context)
    return ctx


def page_enrichment(hints):
    """``hints``: highEntropyValuesClientHints (architecture, model ...), asked of the browser
    once at load; events wait for the answer, as in analytics-next."""

    def load(ctx, analytics):
        data = navigator.userAgentData
        if not hints or not data or typeof(data.getHighEntropyValues) != "function":
            return Promise.resolve()

        def keep(values):
            known["hints"] = values

        return data.getHighEntropyValues(hints).then(keep, lambda error: None)

    methods = for_every_call(enrich_environment)
    methods["load"] = load
    return make_plugin("Page Enrichment", "before", methods)

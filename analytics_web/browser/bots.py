__pragma__("jsiter")
__pragma__("noalias", "name")
__pragma__("noalias", "isNaN")
__pragma__("noalias", "split")
__pragma__("noalias", "replace")
__pragma__("noalias", "pop")
__pragma__("noalias", "keys")
__pragma__("noalias", "type")

# Browsers that are not a person: their events are not sent (load option botFilter). Crawlers,
# link previewers, uptime monitors, audits and headless browsers run a page's JavaScript, and
# each of their visits would count as a visitor. Every entry is a case-insensitive regular
# expression matched anywhere in the user agent or a userAgentData brand, with where the name
# is documented. Names only, never a bare "bot": phones sold as CUBOT and in-app browsers
# (LinkedInApp, BytedanceWebview, Discord) are people; tests/unit/test_bots.py holds both kinds.
BOT_PATTERNS = [
    # Headless and scripted browsers
    "headlesschrome",  # developer.chrome.com/docs/chromium/headless (UA and brand)
    "phantomjs",  # phantomjs.org
    "lighthouse",  # developer.chrome.com/docs/lighthouse: "Chrome-Lighthouse" (PageSpeed too)
    "prerender",  # docs.prerender.io: its renderer's "Prerender" token
    # Search engines: developers.google.com/search/docs/crawling-indexing/google-common-crawlers
    "googlebot",
    "google-inspectiontool",
    "googleother",
    "adsbot-google",
    "mediapartners-google",
    "storebot-google",
    "bingbot",  # bing.com/webmasters/help/which-crawlers-does-bing-use-8c184ec0
    "bingpreview",
    "adidxbot",
    "yandex(?:bot|mobilebot|images|renderresourcesbot)",  # yandex.com/support/webmaster/robot-workings
    "baiduspider",  # help.baidu.com/question?prod_id=99&class=476&id=2996
    "duckduckbot",  # duckduckgo.com/duckduckgo-help-pages/results/duckduckbot
    "yahoo! slurp",  # help.yahoo.com/kb/SLN22600.html
    "applebot",  # support.apple.com/en-us/119829
    "petalbot",  # aspiegel.com/petalbot
    "seznambot",  # napoveda.seznam.cz/en/seznamcz-web-search
    # sogou.com/docs/help/webmasters.htm: its spiders only ("Sogou web spider", "Sogou-Test-Spider"),
    # never the Sogou browser and search app (SogouMobileBrowser, SogouSearch) people use
    "sogou.{0,12}spider",
    # SEO crawlers
    "ahrefsbot",  # ahrefs.com/robot
    "semrushbot",  # semrush.com/bot
    "mj12bot",  # majestic.com/majestic-12 (mj12bot.com)
    "dotbot",  # moz.com/help/moz-procedures/crawlers/dotbot
    "rogerbot",  # moz.com/help/moz-procedures/crawlers/rogerbot
    "screaming frog",  # screamingfrog.co.uk/seo-spider/user-guide/configuration/#user-agent
    # AI crawlers and agents
    "gptbot",  # platform.openai.com/docs/bots
    "chatgpt-user",
    "oai-searchbot",
    "claudebot",  # support.anthropic.com: "Does Anthropic crawl data from the web"
    "perplexitybot",  # docs.perplexity.ai/guides/bots
    "bytespider",  # ByteDance's crawler (darkvisitors.com/agents/bytespider)
    "ccbot",  # commoncrawl.org/ccbot
    "amazonbot",  # developer.amazon.com/amazonbot
    # Link previewers
    "facebookexternalhit",  # developers.facebook.com/docs/sharing/webmasters/web-crawlers
    "meta-externalagent",
    "twitterbot",  # developer.x.com/en/docs/x-for-websites/cards/guides/troubleshooting-cards
    "linkedinbot",  # linkedin.com/help/linkedin/answer/a521928
    "slackbot",  # api.slack.com/robots
    "discordbot",  # discord.com/developers/docs/resources/message#embed-object
    "telegrambot",  # core.telegram.org/bots/webapps (link previews)
    "pinterestbot",  # help.pinterest.com/en/business/article/pinterest-crawler
    "redditbot",  # reddit.com/r/reddit.com/wiki/robots
    "skypeuripreview",  # learn.microsoft.com (Skype URL previews)
    "embedly",  # docs.embed.ly/docs/faq
    # Uptime monitors and synthetic checks
    "uptimerobot",  # uptimerobot.com/help/faq
    "pingdom",  # documentation.solarwinds.com/en/success_center/pingdom
    "statuscake",  # statuscake.com/kb/knowledge-base/what-are-your-ips
    "site24x7",  # site24x7.com/help/admin/adding-a-monitor
    "datadogsynthetics",  # docs.datadoghq.com/synthetics/guide/identify_synthetics_bots
    "checkly",  # checklyhq.com/docs/monitoring/allowlisting
    "gtmetrix",  # gtmetrix.com/gtmetrix-user-agent.html
    "ruxitsynthetic",  # docs.dynatrace.com (synthetic monitors' user agent)
    "newrelicsynthetics",  # docs.newrelic.com/docs/synthetics (synthetic monitors)
]


def bot_name(user_agent, brands, automated, more):
    """What marks this browser as not a person (the pattern matched, or "webdriver"), or None.
    ``brands``: navigator.userAgentData.brands (a headless Chrome names itself there even
    when its user agent was changed); ``more``: the site's own patterns."""
    if automated:
        return "webdriver"
    pattern = __new__(RegExp(BOT_PATTERNS.concat(more or []).join("|"), "i"))
    names = [user_agent or ""].concat((brands or []).map(lambda brand: brand.brand))
    found = names.map(lambda name: pattern.exec(name)).find(lambda match: match)
    return found[0] if found else None


def this_browser(more):
    """bot_name() of the browser this page runs in."""
    data = navigator.userAgentData
    return bot_name(navigator.userAgent, data and data.brands, navigator.webdriver, more)

"""The bot list (analytics_web/browser/bots.py) against real user agents: every bot named, no
person dropped. Run as transpiled, in Node."""

from __future__ import annotations

import pytest

# Published by the bots' owners (their documentation pages are cited in bots.py) or seen in
# public request logs.
BOTS = {
    "Googlebot": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36"
    " (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1;"
    " +http://www.google.com/bot.html)",
    "Google-InspectionTool": "Mozilla/5.0 (compatible; Google-InspectionTool/1.0;)",
    "bingbot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0;"
    " +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    "YandexBot": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Baiduspider": "Mozilla/5.0 (compatible; Baiduspider-render/2.0;"
    " +http://www.baidu.com/search/spider.html)",
    "DuckDuckBot": "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Applebot": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML,"
    " like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Yahoo! Slurp": "Mozilla/5.0 (compatible; Yahoo! Slurp;"
    " http://help.yahoo.com/help/us/ysearch/slurp)",
    "Sogou web spider": "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Sogou Pic Spider": "Sogou Pic Spider/3.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Sogou-Test-Spider": "Sogou-Test-Spider/4.0 (compatible; MSIE 5.5; Windows 98)",
    "AhrefsBot": "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "SemrushBot": "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Screaming Frog": "Screaming Frog SEO Spider/20.0",
    "GPTBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2;"
    " +https://openai.com/gptbot)",
    "ClaudeBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0;"
    " +claudebot@anthropic.com)",
    "facebookexternalhit": "facebookexternalhit/1.1"
    " (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot": "Twitterbot/1.0",
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "UptimeRobot": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Pingdom": "Mozilla/5.0 (compatible; pingdom.com_bot_version_1.4_(http://www.pingdom.com/))",
    "Datadog": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/120.0.0.0 Safari/537.36 DatadogSynthetics",
    "Lighthouse": "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36"
    " (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "HeadlessChrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " HeadlessChrome/131.0.0.0 Safari/537.36",
    "PhantomJS": "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko)"
    " PhantomJS/2.1.1 Safari/538.1",
}

PEOPLE = {
    "Chrome on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML,"
    " like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Chrome on Android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Chrome on a CUBOT phone": "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36"
    " (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Safari on macOS": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Safari on iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)"
    " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Firefox on Windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101"
    " Firefox/133.0",
    "Firefox on Android": "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    "Edge": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Samsung Internet": "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36"
    " (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "Opera": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
    "Yandex Browser": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML,"
    " like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36",
    "Facebook app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.36.106;FBBV/630000000]",
    "Instagram app": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36 Instagram 356.0.0.41.101 Android",
    "LinkedIn app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8962",
    "TikTok app": "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like"
    " Gecko) Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 trill_330005"
    " JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.0.5"
    " ByteLocale/en BytedanceWebview/d8a21c6",
    "Pinterest app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
    "Snapchat app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Mobile/15E148 Snapchat/13.0.0.40 (like Safari/8617.2.4.10.8)",
    "WeChat": "Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202"
    " MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN",
    "Google app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) GSA/330.0.665236494 Mobile/15E148 Safari/604.1",
    "Discord desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML,"
    " like Gecko) discord/1.0.9163 Chrome/124.0.6367.243 Electron/30.2.0 Safari/537.36",
    "Sogou Mobile Browser": "Mozilla/5.0 (Linux; Android 10; HMA-AL00) AppleWebKit/537.36"
    " (KHTML, like Gecko) Version/4.0 Chrome/66.0.3359.126 Mobile Safari/537.36"
    " SogouMSE,SogouMobileBrowser/5.29.11",
    "Sogou search app": "Mozilla/5.0 (Linux; Android 11; M2012K11AC) AppleWebKit/537.36 (KHTML,"
    " like Gecko) Version/4.0 Chrome/87.0.4280.141 Mobile Safari/537.36 SogouSearch"
    " Android1.0 version3.0 AppVersion/10600",
    "QQ Browser": "Mozilla/5.0 (Linux; U; Android 12; zh-cn; PGT-AN10) AppleWebKit/537.36 (KHTML,"
    " like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/14.2 Mobile Safari/537.36",
    "UC Browser": "Mozilla/5.0 (Linux; U; Android 11; en-US; RMX2193) AppleWebKit/537.36 (KHTML,"
    " like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/13.4.2.1307 Mobile Safari/537.36",
    "DuckDuckGo browser": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
    " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 DuckDuckGo/7"
    " Safari/605.1.15",
    "Huawei Browser": "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302)"
    " AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.4.312"
    " Mobile Safari/537.36",
}
CHROME_BRANDS = [
    {"brand": "Google Chrome", "version": "131"},
    {"brand": "Chromium", "version": "131"},
    {"brand": "Not_A Brand", "version": "24"},
]


@pytest.mark.parametrize("agent", BOTS.values(), ids=BOTS.keys())
def test_each_listed_bot_is_named(node, agent):
    assert node.call("bots", "bot_name", agent, [], False, None) is not None


@pytest.mark.parametrize("agent", PEOPLE.values(), ids=PEOPLE.keys())
def test_no_person_is_taken_for_a_bot(node, agent):
    assert node.call("bots", "bot_name", agent, CHROME_BRANDS, False, None) is None


def test_a_headless_chrome_with_a_person_s_user_agent_is_named_by_its_brands(node):
    brands = [{"brand": "HeadlessChrome", "version": "131"}, *CHROME_BRANDS[1:]]
    found = node.call("bots", "bot_name", PEOPLE["Chrome on Windows"], brands, False, None)
    assert found == "HeadlessChrome"


def test_an_automated_browser_is_named_whatever_its_user_agent(node):
    found = node.call("bots", "bot_name", PEOPLE["Safari on macOS"], [], True, None)
    assert found == "webdriver"


def test_a_site_s_own_patterns_are_added_to_the_list(node):
    agent = PEOPLE["Chrome on Windows"] + " AcmeMonitor/2.1"
    assert node.call("bots", "bot_name", agent, [], False, None) is None
    assert node.call("bots", "bot_name", agent, [], False, ["acmemonitor/\\d"]) == "AcmeMonitor/2"

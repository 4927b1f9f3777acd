__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# Entry point of dist/analytics.js and analytics.min.js: becomes window.analytics, taking over
# whatever a snippet stub recorded before the bundle arrived.

from analytics_web.browser.analytics import Analytics


def install():
    stub = window.analytics
    analytics = Analytics()
    if stub and stub.initialized:
        return  # a second copy of the bundle on the page: the first one stays in charge
    window.analytics = analytics
    if not Array.isArray(stub):
        return
    if stub._writeKey:
        analytics.load(stub._writeKey, stub._loadOptions)
    stub.forEach(lambda call: analytics[call[0]].apply(analytics, call.slice(1)))


install()

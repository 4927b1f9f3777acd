__pragma__('jsiter')
__pragma__('noalias', 'name')
__pragma__('noalias', 'isNaN')
__pragma__('noalias', 'split')
__pragma__('noalias', 'replace')
__pragma__('noalias', 'pop')
__pragma__('noalias', 'keys')

# analytics.debug(true): every call, its final payload and its delivery result in the console,
# grouped per call. On for the rest of the tab's session, as in Analytics.js.

DEBUG_KEY = 'aw_debug'
BADGE = 'background:#3b5bdb;color:#fff;border-radius:3px;padding:0 4px'


class Debug:
    def __init__(self):
        try:
            self.enabled = sessionStorage.getItem(DEBUG_KEY) == 'true'
        except:
            self.enabled = False

    def toggle(self, on):
        self.enabled = on != False
        try:
            if self.enabled:
                sessionStorage.setItem(DEBUG_KEY, 'true')
            else:
                sessionStorage.removeItem(DEBUG_KEY)
        except:
            pass

    def call(self, method, event):
        if self.enabled:
            console.groupCollapsed('%canalytics-web%c ' + method + ' ' + describe(event), BADGE, '')
            console.log('payload', event)
            console.groupEnd()

    def result(self, event, error):
        if not self.enabled:
            return
        if error:
            console.warn('analytics-web: ' + event['type'] + ' ' + describe(event) + ' not delivered: ' + error.message)
        else:
            console.log('%canalytics-web%c delivered ' + event['type'] + ' ' + describe(event), BADGE, '')

    def problem(self, message, details):
        if self.enabled:
            console.warn('analytics-web: ' + message, details)


def describe(event):
    label = event['event'] or event['name'] or event['groupId'] or event['userId'] or ''
    return JSON.stringify(label) if label else ''

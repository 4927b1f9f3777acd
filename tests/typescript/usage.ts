// An SPA's use of the public API; compiled with `tsc --noEmit` against the packed package.
import { AnalyticsBrowser, type Context } from 'analytics-web';

const analytics = AnalyticsBrowser.load({
  writeKey: 'KEY',
  apiHost: '/t/v1',
  trackRouteChanges: true,
  deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 5000 } },
  compress: true,
});

async function signUp(email: string): Promise<string> {
  await analytics.identify('user-1', { email });
  analytics.group('acct-1', { name: 'Acme' }, { context: { groupId: 'acct-1' } });
  const context: Context = await analytics.track('Signed Up', { plan: 'pro' }, {
    integrations: { All: false, Mixpanel: true },
    timestamp: new Date(),
  });
  analytics.page('Docs', 'Install', { step: 1 });
  analytics.track('Clicked', () => undefined);
  analytics.on('error', (error: Error) => console.warn(error.message));
  analytics.debug(true);
  await analytics.flush();
  return context.event.messageId + analytics.user().anonymousId() + String(analytics.group().id());
}

void signUp('a@example.com');

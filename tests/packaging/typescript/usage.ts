// An SPA's use of the public API; compiled with `tsc --noEmit` against the packed package.
import { AnalyticsBrowser, type Context, type Plugin } from 'analytics-web';

const analytics = AnalyticsBrowser.load(
  {
    writeKey: 'KEY',
    apiHost: '/t/v1',
    trackRouteChanges: true,
    deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 5000 } },
    compress: true,
  },
  {
    initialPageview: true, user: { persist: true, cookie: { key: 'uid' } }, retryQueue: true,
    sessions: { timeout: 15 * 60000, amplitude: true }, botFilter: { patterns: ['InternalMonitor'], mark: true },
    webVitals: ['LCP', 'INP'],
  },
);

const plan: Plugin = {
  name: 'Plan',
  type: 'enrichment',
  version: '1.0.0',
  isLoaded: () => true,
  load: () => Promise.resolve(),
  track: (ctx) => {
    ctx.updateEvent('context.plan', 'pro');
    return ctx;
  },
};

async function signUp(email: string): Promise<string> {
  await analytics.register(plan);
  await analytics.addSourceMiddleware(({ payload, next }) => {
    delete payload.obj.properties?.email;
    if (payload.type() === 'track') payload.obj.properties = { ...payload.properties(), replay: 'r-1' };
    next(payload);
  });
  await analytics.identify('user-1', { email });
  analytics.group('acct-1', { name: 'Acme' }, { context: { groupId: 'acct-1' } });
  const context: Context = await analytics.track('Signed Up', { plan: 'pro' }, {
    integrations: { All: false, Mixpanel: true },
    timestamp: new Date(),
  });
  const pending = context.failedDelivery();
  analytics.page('Docs', 'Install', { step: 1 });
  analytics.track('Clicked', () => undefined);
  analytics.trackLink(document.querySelectorAll('a.buy'), 'Buy Clicked', (link) => ({ href: link.href }));
  analytics.on('error', (error: Error) => console.warn(error.message)).debug(true);
  await analytics.flush();
  const [instance] = await analytics;
  const user = await analytics.user();
  const session: number | null = await analytics.getSessionId();
  if (session === null) await analytics.startSession(Date.now());
  user.identify(user.id() ?? undefined, { plan: 'pro' });
  if (instance.group().load().save()) instance.user().logout();
  return context.event.messageId + user.anonymousId() + String(instance.group().id()) + String(pending);
}

void signUp('a@example.com');

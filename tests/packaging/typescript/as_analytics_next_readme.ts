// Code as @segment/analytics-next 1.84.3's README writes it, with only the import changed:
// it must compile against analytics-web's types as it is.
import { AnalyticsBrowser, type AnalyticsSnippet } from 'analytics-web';

// Using as an npm package
const analytics = AnalyticsBrowser.load({ writeKey: '<YOUR_WRITE_KEY>' });
analytics.identify('hello world');
document.body?.addEventListener('click', () => {
  analytics.track('document body clicked!');
});

// Lazy / delayed loading
declare const userConsentsToBeingTracked: boolean;
export const lazy = new AnalyticsBrowser();
lazy.identify('hello world');
if (userConsentsToBeingTracked) {
  lazy.load({ writeKey: '<YOUR_WRITE_KEY>' }); // destinations loaded, enqueued events are flushed
}

declare function fetchWriteKey(): Promise<string>;
const fetched = new AnalyticsBrowser();
fetchWriteKey().then((writeKey) => fetched.load({ writeKey }));
fetched.identify('hello world');

// Handling initialization errors
export const checked = new AnalyticsBrowser();
checked.load({ writeKey: 'MY_WRITE_KEY' }).catch((err) => console.error(err));

// Waiting for it
async function ready(): Promise<void> {
  const [instance, ctx] = await AnalyticsBrowser.load({ writeKey: 'KEY' });
  instance.track('Loaded', { id: ctx.id });
  const standalone = await AnalyticsBrowser.standalone('KEY');
  standalone.page();
}
void ready();

// TypeScript for snippet users
declare global {
  interface Window {
    analytics: AnalyticsSnippet;
  }
}
window.analytics.track('From the snippet');

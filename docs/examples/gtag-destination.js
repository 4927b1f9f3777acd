// A destination plugin that sends events on to Google Analytics 4 through gtag.js, when the page
// has it: what Segment's device-mode GA4 destination does, which analytics-web does not load.
//
//   import { gtagDestination } from './gtag-destination.js'
//   analytics.register(gtagDestination())
//
// Each event arrives as a copy of its own (a destination's changes reach no other), after any
// middleware added for it with analytics.addDestinationMiddleware('Google Analytics 4', fn).
const eventName = (name) => name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40);

export function gtagDestination() {
  const gtag = (...args) => {
    if (typeof window.gtag === 'function') window.gtag(...args);
  };
  return {
    name: 'Google Analytics 4',
    type: 'destination',
    version: '1.0.0',
    isLoaded: () => typeof window.gtag === 'function',
    load: () => Promise.resolve(),
    page(ctx) {
      const { url, title, referrer } = ctx.event.properties;
      gtag('event', 'page_view', { page_location: url, page_title: title, page_referrer: referrer });
      return ctx;
    },
    track(ctx) {
      gtag('event', eventName(ctx.event.event), { ...ctx.event.properties });
      return ctx;
    },
    identify(ctx) {
      if (ctx.event.userId) gtag('set', { user_id: ctx.event.userId });
      return ctx;
    },
  };
}

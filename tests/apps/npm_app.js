// An app that imports analytics-web from npm and uses none of its optional features at first:
// its build must ship none of them (each is a chunk of its own, fetched if the app ever asks).
import { AnalyticsBrowser } from 'analytics-web';

const { writeKey, apiHost } = window.here;
export const analytics = AnalyticsBrowser.load({ writeKey }, { apiHost, protocol: 'http' });
analytics.track('App Started');
window.appAnalytics = analytics;

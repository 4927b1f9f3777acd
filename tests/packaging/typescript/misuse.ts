// Must NOT compile: track() needs an event name first.
import { AnalyticsBrowser } from 'analytics-web';

AnalyticsBrowser.load({ writeKey: 'KEY' }).track({ plan: 'pro' });

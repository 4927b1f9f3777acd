// Type declarations for analytics-web's public API (dist/analytics.esm.js and window.analytics).

export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
export type Properties = Record<string, unknown>;
export type Traits = Record<string, unknown>;
export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';

/** A Segment message as sent to the Tracking API. */
export interface AnalyticsEvent {
  type: EventType;
  messageId: string;
  timestamp: string;
  anonymousId: string;
  userId?: string;
  context: Record<string, unknown>;
  integrations: Record<string, boolean | Record<string, unknown>>;
  event?: string;
  name?: string;
  category?: string;
  properties?: Properties;
  traits?: Traits;
  groupId?: string;
  previousId?: string;
}

/** What each call's promise resolves with (and its callback receives) once delivered. */
export interface Context {
  event: AnalyticsEvent;
}

export type Callback = (context: Context) => void;

/** Per-call options, as Analytics.js takes them. */
export interface Options {
  integrations?: Record<string, boolean | Record<string, unknown>>;
  context?: Record<string, unknown>;
  timestamp?: Date | string | number;
  anonymousId?: string;
  traits?: Traits;
}

export interface CookieOptions {
  domain?: string;
  /** Days. */
  maxage?: number;
  path?: string;
  sameSite?: 'Lax' | 'Strict' | 'None';
  secure?: boolean;
}

export interface DeliveryStrategy {
  strategy: 'standard' | 'batching';
  config?: { size?: number; timeout?: number };
}

export interface LoadOptions {
  /** Host and path without a scheme, a same-origin path (`/t/v1`) or a full URL. */
  apiHost?: string;
  protocol?: 'https' | 'http';
  integrations?: Record<string, boolean | Record<string, unknown>> & {
    'Segment.io'?: {
      apiHost?: string;
      protocol?: 'https' | 'http';
      deliveryStrategy?: DeliveryStrategy;
      compress?: boolean;
    };
  };
  deliveryStrategy?: DeliveryStrategy;
  /** gzip request bodies (CompressionStream) where the browser can; off by default. */
  compress?: boolean;
  cookie?: CookieOptions;
  storage?: { stores: Array<'cookie' | 'localStorage' | 'memory'> };
  disableClientPersistence?: boolean;
  /** Record SPA route changes as page views (default true), or decide per change. */
  trackRouteChanges?: boolean | ((url: string, previousUrl: string) => boolean);
  useQueryString?: boolean;
  queue?: { maxEvents?: number; maxBytes?: number };
}

export interface Group {
  id(): string | null;
  traits(): Traits;
}

export interface User extends Group {
  anonymousId(): string;
}

export type EmitterEvent = EventType | 'reset' | 'error';

export interface Analytics {
  readonly initialized: boolean;
  load(writeKey: string, options?: LoadOptions): Analytics;

  track(event: string, properties?: Properties | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  page(category?: string | Properties | Callback | null, name?: string | Properties | Options | Callback | null, properties?: Properties | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  screen(category?: string | Properties | Callback | null, name?: string | Properties | Options | Callback | null, properties?: Properties | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  identify(userId?: string | number | Traits | Callback | null, traits?: Traits | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  group(): Group;
  group(groupId: string | number, traits?: Traits | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  alias(userId: string | number, previousId?: string | number | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;

  user(): User;
  reset(): void;
  setAnonymousId(anonymousId?: string): string;
  ready(callback?: () => void): Promise<Analytics>;
  debug(on?: boolean): Analytics;
  flush(): Promise<unknown>;

  on(event: EmitterEvent, listener: (...args: any[]) => void): Analytics;
  once(event: EmitterEvent, listener: (...args: any[]) => void): Analytics;
  off(event: EmitterEvent, listener: (...args: any[]) => void): Analytics;
}

export interface AnalyticsBrowserSettings extends LoadOptions {
  writeKey: string;
}

export declare const AnalyticsBrowser: {
  /** A loaded, immediately usable instance. */
  load(settings: AnalyticsBrowserSettings, options?: LoadOptions): Analytics;
};

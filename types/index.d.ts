// Type declarations for analytics-web's public API (dist/analytics.esm.js and window.analytics),
// shaped as @segment/analytics-next's so code written for it type-checks against this.

export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };
export type Properties = Record<string, unknown>;
export type Traits = Record<string, unknown>;
export type EventType = 'track' | 'page' | 'screen' | 'identify' | 'group' | 'alias';
export type ID = string | null | undefined;

/** A Segment message as sent to the Tracking API. */
export interface SegmentEvent {
  type: EventType;
  messageId: string;
  timestamp: string;
  anonymousId: string;
  userId?: string;
  context: Record<string, any>;
  integrations: Record<string, boolean | Record<string, unknown>>;
  event?: string;
  name?: string;
  category?: string;
  properties?: Properties;
  traits?: Traits;
  groupId?: string;
  previousId?: string;
}
export type AnalyticsEvent = SegmentEvent;

/** One call's event on its way through the plugins; what each call's promise resolves with. */
export interface Context {
  event: SegmentEvent;
  readonly id: string;
  attempts: number;
  updateEvent(path: string, value: unknown): SegmentEvent;
  /** Throws: stops the event (in a before plugin, it is not sent). */
  cancel(error?: Error): never;
  /** `{reason}` while delivery is pending (kept for a retry) or failed; undefined once delivered. */
  failedDelivery(): { reason: unknown } | undefined;
  setFailedDelivery(failure: { reason: unknown }): void;
  isSame(other: Context): boolean;
  toJSON(): { id: string; event: SegmentEvent };
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

export type PluginType = 'before' | 'enrichment' | 'destination' | 'after' | 'utility';
type PluginMethod = (ctx: Context) => Context | Promise<Context> | void | Promise<void>;

/** analytics-next's plugin shape. */
export interface Plugin {
  name: string;
  type: PluginType;
  version: string;
  isLoaded(): boolean;
  load(ctx: Context, analytics: Analytics): Promise<unknown> | unknown;
  unload?(ctx: Context, analytics: Analytics): Promise<unknown> | unknown;
  ready?(): Promise<unknown>;
  alternativeNames?: string[];
  track?: PluginMethod;
  page?: PluginMethod;
  identify?: PluginMethod;
  group?: PluginMethod;
  alias?: PluginMethod;
  screen?: PluginMethod;
}

export interface MiddlewarePayload {
  /** A copy of the event: change it, then hand the payload to next(). */
  obj: SegmentEvent;
  /** Readers of obj as it is now, as analytics-next's payload (a facade) has them. */
  type(): EventType;
  event(): string | undefined;
  name(): string | undefined;
  category(): string | undefined;
  userId(): ID;
  anonymousId(): ID;
  groupId(): ID;
  previousId(): ID;
  properties(): Properties;
  /** identify and group: the event's traits; other calls: context.traits. */
  traits(): Traits;
  context(): Record<string, any>;
  integrations(): SegmentEvent['integrations'];
}
export type MiddlewareFunction = (params: {
  payload: MiddlewarePayload;
  next: (payload: MiddlewarePayload | null) => void;
  integrations: Record<string, unknown>;
}) => void | Promise<void>;
export type DestinationMiddlewareFunction = (params: {
  payload: MiddlewarePayload;
  next: (payload: MiddlewarePayload | null) => void;
  integration: string;
}) => void | Promise<void>;

export interface CookieOptions {
  domain?: string;
  /** Days. */
  maxage?: number;
  path?: string;
  sameSite?: 'Lax' | 'Strict' | 'None' | string;
  secure?: boolean;
}

export interface DeliveryStrategy {
  strategy?: 'standard' | 'batching';
  config?: {
    size?: number;
    timeout?: number;
    /** More request headers (a proxy in front of the API may need one); a function is called per request. */
    headers?: Record<string, string> | (() => Record<string, string>);
  };
}

/** Where a user's or group's id and traits are kept (analytics-next's UserOptions). */
export interface UserOptions {
  /** false: in memory only. */
  persist?: boolean;
  cookie?: { key?: string; oldKey?: string };
  localStorage?: { key: string };
}

/** The settings Segment's CDN would serve for the source; analytics-web makes them from its options. */
export interface CDNSettings {
  integrations: Record<string, any> & { 'Segment.io'?: Record<string, any> };
  [key: string]: unknown;
}

export type LinkElements = Element | Element[] | ArrayLike<Element> | { toArray(): Element[] } | null;
export type FormElements = HTMLFormElement | HTMLFormElement[] | ArrayLike<HTMLFormElement> | null;
type OfElement<T> = T | ((element: any) => T);

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
    } | boolean;
  };
  deliveryStrategy?: DeliveryStrategy;
  /** true: gzip every request; false: never; unset: only exit requests that would not fit otherwise. */
  compress?: boolean;
  cookie?: CookieOptions;
  storage?: { stores: Array<'cookie' | 'localStorage' | 'memory'> };
  disableClientPersistence?: boolean;
  user?: UserOptions;
  group?: UserOptions;
  /** Record SPA route changes as page views (default true), or decide per change. */
  trackRouteChanges?:
    | boolean
    | ((url: string, previousUrl: string) => boolean)
    | { /** Does a change of the query string alone count (true), or of only these parameters? */ search?: boolean | string[] };
  useQueryString?: boolean | { aid?: RegExp; uid?: RegExp };
  /** The outbox bounds, past which new events are refused while events wait for the API
   * (offline, or it failing): 10,000 events, 1 MB by default. */
  queue?: { maxEvents?: number; maxBytes?: number };
  /** A page view as soon as it loads (for the module; the snippet makes its own). */
  initialPageview?: boolean;
  /** false: a failed attempt is not retried and nothing is kept in localStorage. */
  retryQueue?: boolean;
  highEntropyValuesClientHints?: string[];
  updateCDNSettings?: (settings: CDNSettings) => CDNSettings;
  /** Nothing sent, nothing stored. */
  disable?: boolean | ((settings: CDNSettings) => boolean | Promise<boolean>);
  globalAnalyticsKey?: string;
  /** Consent, built in: nothing stored or sent until analytics.consent(...). */
  consent?: ConsentOptions;
  /** Sessions (context.sessionId on every event), on by default; false turns them off. */
  sessions?: false | SessionOptions;
  /** Events of crawlers, monitors and automated browsers are not sent (default); false sends them. */
  botFilter?: false | BotFilterOptions;
  /** One "Web Vitals" track per page, sent when it is first hidden: true for every metric, or those listed. */
  webVitals?: boolean | WebVitalName[];
}

export type WebVitalName = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';

export interface SessionOptions {
  /** Milliseconds without an event after which a session ends (default 30 minutes). */
  timeout?: number;
  /** Milliseconds after its start at which a session ends, however active. */
  cutOff?: number;
  /** Put the id in integrations['Actions Amplitude'].session_id (default: when the settings name that destination). */
  amplitude?: boolean;
}

export interface BotFilterOptions {
  /** More user-agent patterns (regular expressions, case-insensitive) of browsers that are not people. */
  patterns?: string[];
  /** Send such events with context.bot: true instead of dropping them. */
  mark?: boolean;
}
export type InitOptions = LoadOptions;

export interface ConsentOptions {
  /** The categories the site asks the visitor about. */
  categories: string[];
  /** Destination name (Segment.io included) -> the categories it needs. */
  destinations?: Record<string, string[]>;
  /** Categories refused when the browser sends Global Privacy Control. */
  gpc?: string[];
}
export type CategoryPreferences = Record<string, boolean>;

export interface Group {
  id(id?: ID): ID;
  traits(traits?: Traits): Traits;
  /** Stores an id and traits (merged unless the id is another's); sends nothing. */
  identify(id?: ID, traits?: Traits): void;
  /** Forgets the id and traits (and the user's anonymous id); sends nothing. */
  logout(): void;
  reset(): void;
  load(): this;
  save(): boolean;
}

export interface User extends Group {
  anonymousId(id?: ID): string;
}

export type EmitterEvent = EventType | 'reset' | 'error' | 'initialize' | 'register' | string;

export interface Analytics {
  readonly initialized: boolean;
  readonly VERSION: string;
  readonly settings: { writeKey: string; cdnSettings: CDNSettings; timeout: number } | null;
  load(writeKey: string, options?: LoadOptions): Analytics;

  track(event: string, properties?: Properties | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  page(category?: string | Properties | Callback | null, name?: string | Properties | Options | Callback | null, properties?: Properties | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  screen(category?: string | Properties | Callback | null, name?: string | Properties | Options | Callback | null, properties?: Properties | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  identify(userId?: string | number | Traits | Callback | null, traits?: Traits | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  group(): Group;
  group(groupId: string | number, traits?: Traits | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  /** Without a new id: the current user, aliased to the anonymous id. */
  alias(userId?: string | number | Options | Callback | null, previousId?: string | number | Options | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  pageview(url: string): Promise<Analytics>;

  trackLink(links: LinkElements, event: OfElement<string>, properties?: OfElement<Properties>, options?: Options): Promise<Analytics>;
  trackClick(links: LinkElements, event: OfElement<string>, properties?: OfElement<Properties>, options?: Options): Promise<Analytics>;
  trackForm(forms: FormElements, event: OfElement<string>, properties?: OfElement<Properties>, options?: Options): Promise<Analytics>;
  trackSubmit(forms: FormElements, event: OfElement<string>, properties?: OfElement<Properties>, options?: Options): Promise<Analytics>;

  register(...plugins: Plugin[]): Promise<Context>;
  deregister(...names: string[]): Promise<unknown>;
  addSourceMiddleware(fn: MiddlewareFunction): Promise<Analytics>;
  addDestinationMiddleware(integrationName: string, ...middlewares: DestinationMiddlewareFunction[]): Promise<Analytics>;

  user(): User;
  reset(): void;
  setAnonymousId(anonymousId?: string): string;
  /** The current session's id (the millisecond time it started), or null. */
  getSessionId(): number | null;
  /** Starts a new session, with this id or the time as its id; returns the id. */
  startSession(sessionId?: number): number | null;
  /** Ends the current session; the next event starts another. */
  endSession(): void;
  ready(callback?: () => void): Promise<Analytics>;
  debug(on?: boolean): Analytics;
  timeout(ms: number): Analytics;
  flush(): Promise<unknown>;
  /** The visitor's decision (true: all, false: none, or per category); without one, the current preferences. */
  consent(choice: boolean | CategoryPreferences): CategoryPreferences;
  consent(): CategoryPreferences | null;

  on(event: EmitterEvent, listener: (this: Analytics, ...args: any[]) => void): Analytics;
  once(event: EmitterEvent, listener: (this: Analytics, ...args: any[]) => void): Analytics;
  off(event: EmitterEvent, listener: (this: Analytics, ...args: any[]) => void): Analytics;

  /** Analytics.js 1's members, kept with their harmless meaning. */
  initialize(settings?: unknown, options?: LoadOptions): Promise<Analytics>;
  init(settings?: unknown, options?: LoadOptions): Promise<Analytics>;
  noConflict(): Analytics;
  normalize(message: Record<string, any>): Record<string, any>;
  readonly Integrations: Record<string, unknown>;
}

/** window.analytics, for snippet users (as analytics-next's AnalyticsSnippet). */
export type AnalyticsSnippet = Analytics;

export interface AnalyticsBrowserSettings extends LoadOptions {
  writeKey: string;
  plugins?: Plugin[];
  cdnSettings?: CDNSettings;
}

/** What AnalyticsBrowser.load() returns at once (an instance of AnalyticsBrowser): takes every
 * call (sent once loaded) and is a promise of [Analytics, Context]. */
export interface AnalyticsBrowser extends PromiseLike<[Analytics, Context]> {
  readonly instance?: Analytics;
  readonly ctx?: Context;
  readonly VERSION: string;
  load(settings: AnalyticsBrowserSettings, options?: LoadOptions): AnalyticsBrowser;
  catch<T = never>(onrejected?: ((reason: any) => T | PromiseLike<T>) | null): Promise<[Analytics, Context] | T>;
  finally(onfinally?: (() => void) | null): Promise<[Analytics, Context]>;

  track: Analytics['track'];
  page: Analytics['page'];
  screen: Analytics['screen'];
  identify: Analytics['identify'];
  alias: Analytics['alias'];
  group(): Promise<Group>;
  group(groupId: string | number, traits?: Traits | Callback | null, options?: Options | Callback | null, callback?: Callback): Promise<Context>;
  pageview: Analytics['pageview'];
  trackLink: Analytics['trackLink'];
  trackClick: Analytics['trackClick'];
  trackForm: Analytics['trackForm'];
  trackSubmit: Analytics['trackSubmit'];
  register: Analytics['register'];
  deregister: Analytics['deregister'];
  addSourceMiddleware: Analytics['addSourceMiddleware'];
  addDestinationMiddleware: Analytics['addDestinationMiddleware'];
  user(): Promise<User>;
  reset(): Promise<void>;
  setAnonymousId(anonymousId?: string): Promise<string>;
  getSessionId(): Promise<number | null>;
  startSession(sessionId?: number): Promise<number | null>;
  endSession(): Promise<void>;
  ready(callback?: () => void): Promise<unknown>;
  flush(): Promise<unknown>;
  consent(choice?: boolean | CategoryPreferences): Promise<CategoryPreferences | null>;
  debug(on?: boolean): AnalyticsBrowser;
  on(event: EmitterEvent, listener: (...args: any[]) => void): AnalyticsBrowser;
  once(event: EmitterEvent, listener: (...args: any[]) => void): AnalyticsBrowser;
  off(event: EmitterEvent, listener: (...args: any[]) => void): AnalyticsBrowser;
}

export declare const AnalyticsBrowser: {
  /** Not loaded yet: takes calls now, starts with .load() (after consent, say). */
  new (): AnalyticsBrowser;
  load(settings: AnalyticsBrowserSettings, options?: LoadOptions): AnalyticsBrowser;
  /** The loaded Analytics instance itself. */
  standalone(writeKey: string, options?: LoadOptions): Promise<Analytics>;
};

/**
 * Types of the `rum` setting: the browser signals the SDK records by itself (sessions, the page
 * load, SPA navigations, Web Vitals, long animation frames, user actions). Each is
 * `boolean | { …options }`; a signal's code is loaded (dynamic `import()`) only when enabled.
 */

import type { WebVitalsOptions } from '../rum/web_vitals.js';
import type { LongAnimationFramesOptions } from '../rum/long_animation_frames.js';
import type { UserActionsOptions } from '../rum/user_actions.js';

export type { WebVitalsOptions, LongAnimationFramesOptions, UserActionsOptions };

/** Sessions: a `session.id` on every span and log record (not on metric series: cardinality). */
export interface SessionOptions {
  /** The session ends after this long without user activity (pointer, key, scroll, tab shown), in ms. Default 900000 (15 min); 1000 to 7 days. */
  inactivityTimeoutMillis?: number | undefined;
  /** …and this long after it started, whatever the activity, in ms. Default 14400000 (4 h); 1000 to 30 days. */
  maxDurationMillis?: number | undefined;
  /**
   * `localStorage` (default): the tabs of one origin share a session. `sessionStorage`: one session
   * per tab. Storage that throws (privacy modes, sandboxed iframes, a full quota) degrades to a
   * session kept in memory for this page, with one console warning.
   */
  storage?: 'localStorage' | 'sessionStorage' | undefined;
  /**
   * Decide `sampleRatio` once per session instead of per trace, so a sampled session is complete
   * (every trace of it recorded) and an unsampled one records no spans. Default `false`.
   */
  sampleBySession?: boolean | undefined;
}

/** SPA navigations: a `browser.navigation` event per same-document URL change. */
export interface NavigationOptions {
  /** Keep the query string in `url.full`. Default `false`: it often carries tokens and ids. */
  includeQuery?: boolean | undefined;
}

/**
 * `rum: false` turns every browser signal off. Defaults: all on except `resourceTiming`.
 * Event names and attributes follow OpenTelemetry's semantic conventions (see the README).
 */
export interface RumOptions {
  /** Default on. */
  session?: boolean | SessionOptions | undefined;
  /** A `documentLoad` span with `documentFetch` child and navigation-timing events, once the page has loaded. Default on. */
  documentLoad?: boolean | undefined;
  /** A `resourceFetch` child span of `documentLoad` per resource loaded before it (volume: opt-in). Default off. */
  resourceTiming?: boolean | undefined;
  /** Default on. */
  navigation?: boolean | NavigationOptions | undefined;
  /**
   * Web Vitals (LCP, INP, CLS, FCP, TTFB) through the `web-vitals` library: `browser.web_vital`
   * events and a histogram per vital. Default on. `routePattern` defaults to the route set by
   * `setRoutePattern` / the router integrations.
   */
  webVitals?: boolean | WebVitalsOptions | undefined;
  /** Long animation frames (over 50 ms by default) as `browser.long_animation_frame` events; Chromium only. Default on. */
  longAnimationFrames?: boolean | LongAnimationFramesOptions | undefined;
  /** Clicks and keyboard activations as `click <name>` spans, the fetches they cause as children. Default on. */
  userActions?: boolean | UserActionsOptions | undefined;
}

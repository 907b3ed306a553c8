/**
 * Starts the browser signals the `rum` setting enables. This module is itself loaded by dynamic
 * `import()` (init.ts), so none of it is in the app's initial chunk; sessions start here
 * synchronously (every span and log record needs its `session.id` from the first one), every
 * other signal is one more dynamic `import()` of its own module, loaded only when enabled.
 *
 * In the single-file build (js/single/) the modules are already in the page's one script
 * (runtime/bundled_modules.ts) and are taken from there instead.
 *
 * A signal module exports `start(telemetry, options): () => void`: it never throws and returns
 * a stop function (called on `telemetry.shutdown()`).
 */

import type { Telemetry, TelemetryConfig } from '../api/types.js';
import { bundled } from '../runtime/bundled_modules.js';
import { warn } from '../runtime/diagnostics.js';
import { currentRoutePattern } from './route.js';
import { startSession, type SessionHost } from './session.js';

/** The instrumentation scope of the browser signals' spans and events. */
export const RUM_SCOPE = 'greptime-web-telemetry/rum';

/** The order of `TelemetryCore.rumSettings()` (src/config/rum.rs). */
const enum Setting {
  Session,
  DocumentLoad,
  ResourceTiming,
  Navigation,
  WebVitals,
  LongAnimationFrames,
  UserActions,
  SessionInactivityMillis,
  SessionMaxDurationMillis,
  SessionPerTab,
  SampleBySession,
  NavigationIncludeQuery,
}

type Stop = () => void;
type SignalModule = { start(telemetry: Telemetry, options: never): Stop };
/** The signal's raw `rum.<key>` option object (`{}` for `true`), for modules that read their own options. */
type RawOptions = Record<string, unknown>;

/**
 * The signals: [its `rumSettings()` flag, its module, its options]. Adding one is one line.
 */
const SIGNALS: [Setting, () => Promise<SignalModule>, (s: ArrayLike<number>, raw: RawOptions) => object][] = [
  [Setting.DocumentLoad, () => (bundled.documentLoad ? Promise.resolve(bundled.documentLoad) : import('./document_load.js')), (s) => ({ scope: RUM_SCOPE, resourceTiming: s[Setting.ResourceTiming] === 1, includeQuery: s[Setting.NavigationIncludeQuery] === 1 })],
  [Setting.Navigation, () => (bundled.navigation ? Promise.resolve(bundled.navigation) : import('./navigation.js')), (s) => ({ scope: RUM_SCOPE, includeQuery: s[Setting.NavigationIncludeQuery] === 1 })],
  [Setting.WebVitals, () => (bundled.webVitals ? Promise.resolve(bundled.webVitals) : import('./web_vitals.js')), (_s, raw) => ({ ...raw, routePattern: currentRoutePattern })],
  [Setting.LongAnimationFrames, () => (bundled.longAnimationFrames ? Promise.resolve(bundled.longAnimationFrames) : import('./long_animation_frames.js')), (_s, raw) => raw],
  [Setting.UserActions, () => (bundled.userActions ? Promise.resolve(bundled.userActions) : import('./user_actions.js')), (_s, raw) => raw],
];
/** `rum.<key>` of each setting, for the raw options. */
const KEYS = ['session', 'documentLoad', 'resourceTiming', 'navigation', 'webVitals', 'longAnimationFrames', 'userActions'];

/** Starts every enabled signal; returns the function that stops them all. Never throws. */
export function startRum(telemetry: Telemetry & SessionHost, settings: ArrayLike<number>, config: TelemetryConfig): Stop {
  const stops: Stop[] = [];
  let stopped = false;
  // Only in a browser window (not a worker, not a test stand-in for `document`).
  if (typeof document === 'undefined' || typeof addEventListener !== 'function' || typeof location === 'undefined') return () => {};
  try {
    if (settings[Setting.Session] === 1) {
      stops.push(
        startSession(
          telemetry,
          {
            inactivityMillis: settings[Setting.SessionInactivityMillis],
            maxDurationMillis: settings[Setting.SessionMaxDurationMillis],
            perTab: settings[Setting.SessionPerTab] === 1,
            sampleBySession: settings[Setting.SampleBySession] === 1,
          },
          RUM_SCOPE,
        ),
      );
    }
  } catch {
    warn('sessions could not start; spans and logs are sent without session.id');
  }
  const rum = config.rum;
  for (const [setting, load, options] of SIGNALS) {
    if (settings[setting] !== 1) continue;
    const raw = rum && typeof rum === 'object' ? (rum as Record<string, unknown>)[KEYS[setting]] : undefined;
    load().then(
      (module) => {
        if (stopped) return;
        try {
          stops.push(module.start(telemetry, options(settings, raw && typeof raw === 'object' ? (raw as RawOptions) : {}) as never));
        } catch {
          warn(`rum.${KEYS[setting]} could not start`);
        }
      },
      () => warn(`rum.${KEYS[setting]}: its module could not be loaded (a network error or a missing chunk)`),
    );
  }
  return () => {
    stopped = true;
    for (const stop of stops.splice(0)) {
      try {
        stop();
      } catch {
        // A signal that fails to stop must not stop the others.
      }
    }
  };
}

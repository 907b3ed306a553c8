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
import type { RumSettings } from '../config/rum.js';
import { bundled, warn, currentRoutePattern } from '../runtime/initial_chunk.js';
import { startSession, type SessionHost } from './session.js';

/** The `rum` setting's validator, loaded with the signals rather than the core's (config/build_core.ts runs it). */
export { readRum } from '../config/rum.js';

/** The instrumentation scope of the browser signals' spans and events. */
export const RUM_SCOPE = 'greptime-web-telemetry/rum';


type Stop = () => void;
/** The signals loaded by module (sessions start in this one). */
type SignalKey = 'documentLoad' | 'navigation' | 'webVitals' | 'longAnimationFrames' | 'userActions';
type SignalModule = { start(telemetry: Telemetry, options: never): Stop };
/** The signal's raw `rum.<key>` option object (`{}` for `true`), for modules that read their own options. */
type RawOptions = Record<string, unknown>;

/** The signals: [its `rum.<key>`, its module, its options]. Adding one is one line. */
const SIGNALS: [SignalKey, () => Promise<SignalModule>, (s: RumSettings, raw: RawOptions) => object][] = [
  ['documentLoad', () => (bundled.documentLoad ? Promise.resolve(bundled.documentLoad) : import('./document_load.js')), (s) => ({ scope: RUM_SCOPE, resourceTiming: s.resourceTiming, includeQuery: s.navigationIncludeQuery })],
  ['navigation', () => (bundled.navigation ? Promise.resolve(bundled.navigation) : import('./navigation.js')), (s) => ({ scope: RUM_SCOPE, includeQuery: s.navigationIncludeQuery })],
  ['webVitals', () => (bundled.webVitals ? Promise.resolve(bundled.webVitals) : import('./web_vitals.js')), (_s, raw) => ({ routePattern: currentRoutePattern, ...raw })],
  ['longAnimationFrames', () => (bundled.longAnimationFrames ? Promise.resolve(bundled.longAnimationFrames) : import('./long_animation_frames.js')), (_s, raw) => raw],
  ['userActions', () => (bundled.userActions ? Promise.resolve(bundled.userActions) : import('./user_actions.js')), (_s, raw) => raw],
];

/** Starts every enabled signal; returns the function that stops them all. Never throws. */
export function startRum(telemetry: Telemetry & SessionHost, settings: RumSettings, config: TelemetryConfig): Stop {
  const stops: Stop[] = [];
  let stopped = false;
  // Only in a browser window (not a worker, not a test stand-in for `document`).
  if (typeof document === 'undefined' || typeof addEventListener !== 'function' || typeof location === 'undefined') return () => {};
  try {
    if (settings.session) {
      stops.push(
        startSession(
          telemetry,
          {
            inactivityMillis: settings.sessionInactivityMillis,
            maxDurationMillis: settings.sessionMaxDurationMillis,
            perTab: settings.sessionPerTab,
            sampleBySession: settings.sampleBySession,
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
    if (!settings[setting]) continue;
    const raw = rum && typeof rum === 'object' ? (rum as Record<string, unknown>)[setting] : undefined;
    load().then(
      (module) => {
        if (stopped) return;
        try {
          stops.push(module.start(telemetry, options(settings, raw && typeof raw === 'object' ? (raw as RawOptions) : {}) as never));
        } catch {
          warn(`rum.${setting} could not start`);
        }
      },
      () => warn(`rum.${setting}: its module could not be loaded (a network error or a missing chunk)`),
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

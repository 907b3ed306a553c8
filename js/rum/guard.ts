/**
 * Shared by the browser signals (web vitals, long animation frames, user actions): every
 * callback they hand to the browser runs through `guarded`, so a bug or a hostile DOM never
 * throws into the page, and the time they spend on the main thread is summed per signal
 * (`rumMainThreadMillis`: what the README reports as each signal's cost).
 */

import { warn } from '../runtime/initial_chunk.js';

/** The signals that share this accounting. */
export type RumSignal = 'webVitals' | 'longAnimationFrames' | 'userActions';

const LABELS: Record<RumSignal, string> = { webVitals: 'web vitals', longAnimationFrames: 'long animation frames', userActions: 'user actions' };
const spent: Record<RumSignal, number> = { webVitals: 0, longAnimationFrames: 0, userActions: 0 };
const warned = new Set<string>();

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

/**
 * Main-thread milliseconds each signal has spent in its own callbacks and setup on this page
 * (two `performance.now()` reads per callback; not counting the browser's own work to produce
 * the entries).
 */
export function rumMainThreadMillis(): Record<RumSignal, number> {
  return { ...spent };
}

/** Writes `message` to the console once per `kind` for the page's life. */
export function warnOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  warn(message);
}

/** Wraps `fn`: its time is added to `signal`'s cost, and a throw becomes one console warning. */
export function guarded<A extends unknown[]>(signal: RumSignal, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    const start = now();
    try {
      fn(...args);
    } catch {
      warnOnce(`${signal}.callback`, `${LABELS[signal]}: a callback threw and was skipped (a broken telemetry handle, or a bug: please report it)`);
    } finally {
      spent[signal] += now() - start;
    }
  };
}

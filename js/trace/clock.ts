/**
 * Time as OTLP wants it: milliseconds since the Unix epoch, with sub-millisecond precision.
 *
 * Absolute times come from the monotonic clock (`performance.now()`) plus an *anchor*, the epoch
 * time at which it read 0. The anchor starts as `performance.timeOrigin` when that agrees with
 * `Date.now()`, and is re-taken from `Date.now()` whenever the two disagree by more than
 * `MAX_DRIFT_MS`: a tab's time origin can be stale by hours (long-lived tabs), and the monotonic
 * clock stops while the machine sleeps while the wall clock does not. The check reads
 * `Date.now()` at most once per `CHECK_INTERVAL_MS` of page life, and on the first read after the
 * page becomes visible again (where a sleep shows up). Durations stay monotonic: a span that
 * started from the clock ends at its start plus the monotonic time elapsed (span.ts), so a
 * re-anchoring never gives it a negative or a jumped duration.
 */

import type { TimeInput } from '../api/types.js';

const perf: Performance | undefined = typeof performance !== 'undefined' && typeof performance.now === 'function' ? performance : undefined;
/** Below this a number is a `performance.now()` reading (three years of page life), above it epoch ms. */
const PERFORMANCE_NOW_LIMIT = 1e11;
/** Times sent stay this close to the wall clock (plus the check interval's worth of drift). */
const MAX_DRIFT_MS = 1000;
const CHECK_INTERVAL_MS = 1000;

/** Epoch ms at which `performance.now()` read 0; NaN until first needed. */
let anchor = NaN;
/** The `performance.now()` reading from which the next drift check is due. */
let nextCheck = -Infinity;

/** `performance.now()` (or `Date.now()` without it): for durations. */
export function monotonicNow(): number {
  return perf ? perf.now() : Date.now();
}

/** A `monotonicNow()` reading taken just now, as epoch milliseconds. */
export function epochAt(mono: number): number {
  if (!perf) return mono;
  if (mono >= nextCheck) checkDrift(mono);
  return anchor + mono;
}

/** Now, as epoch milliseconds on the wall clock (within `MAX_DRIFT_MS`). */
export function nowMillis(): number {
  return perf ? epochAt(perf.now()) : Date.now();
}

function checkDrift(mono: number): void {
  nextCheck = mono + CHECK_INTERVAL_MS;
  const wallAnchor = Date.now() - mono;
  if (anchor === anchor) {
    if (Math.abs(wallAnchor - anchor) > MAX_DRIFT_MS) anchor = wallAnchor;
    return;
  }
  // First use: timeOrigin is more precise than Date.now() (whole ms), so keep it when it is right.
  const origin = perf?.timeOrigin;
  anchor = typeof origin === 'number' && Math.abs(origin - wallAnchor) <= MAX_DRIFT_MS ? origin : wallAnchor;
  try {
    // A sleep ends with the page becoming visible: check at the next read, not a second later.
    document.addEventListener('visibilitychange', () => {
      nextCheck = -Infinity;
    });
  } catch {
    // No document (a worker, Node): the interval check alone.
  }
}

/** Converts any accepted time form to epoch milliseconds; anything unusable becomes now. */
export function toEpochMillis(time: TimeInput | undefined): number {
  if (time === undefined) return nowMillis();
  if (typeof time === 'number') {
    if (!Number.isFinite(time) || time < 0) return nowMillis();
    // A performance.now() reading is the page's age in ms; an epoch time is above 1e12. OpenTelemetry
    // JS splits at the time origin instead, which misreads any epoch time from before page load.
    if (time >= PERFORMANCE_NOW_LIMIT) return time;
    if (!perf) return Date.now();
    const mono = perf.now();
    return epochAt(mono) - mono + time;
  }
  if (time instanceof Date) {
    const ms = time.getTime();
    return Number.isFinite(ms) ? ms : nowMillis();
  }
  if (Array.isArray(time) && time.length === 2 && typeof time[0] === 'number' && typeof time[1] === 'number') {
    const ms = time[0] * 1e3 + time[1] / 1e6;
    return Number.isFinite(ms) && ms >= 0 ? ms : nowMillis();
  }
  return nowMillis();
}

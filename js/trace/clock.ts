/** Time as OTLP wants it: milliseconds since the Unix epoch, with sub-millisecond precision. */

import type { TimeInput } from '../api/types.js';

const perf: Performance | undefined = typeof performance !== 'undefined' ? performance : undefined;
/** Below this a number is a `performance.now()` reading (three years of page life), above it epoch ms. */
const PERFORMANCE_NOW_LIMIT = 1e11;
const timeOrigin: number = perf?.timeOrigin ?? Date.now() - (perf?.now() ?? 0);

/** `performance.timeOrigin + performance.now()`: monotonic within the page, unlike `Date.now()`. */
export function nowMillis(): number {
  return perf ? timeOrigin + perf.now() : Date.now();
}

/** Converts any accepted time form to epoch milliseconds; anything unusable becomes now. */
export function toEpochMillis(time: TimeInput | undefined): number {
  if (time === undefined) return nowMillis();
  if (typeof time === 'number') {
    if (!Number.isFinite(time) || time < 0) return nowMillis();
    // A performance.now() reading is the page's age in ms; an epoch time is above 1e12. OpenTelemetry
    // JS splits at the time origin instead, which misreads any epoch time from before page load.
    return time < PERFORMANCE_NOW_LIMIT ? timeOrigin + time : time;
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

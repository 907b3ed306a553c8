/**
 * The one console warning per kind of lost export: partial success (per signal), a failed or
 * rejected export (per signal), an unreachable endpoint; and one for the first export that is
 * retried, so that a wrong endpoint is named even when nothing is lost (what cannot be sent is
 * kept for later). The counts are JS's (answer_counts.ts, in `telemetry.stats()`).
 */

import { ACCEPTED, type Interpretation } from './response.js';
import type { SignalNumber } from './signals.js';
import type { WarnOnce } from './warn_once.js';

/** What each signal's items are called, by signal number (signals.ts). */
const SIGNAL_ITEMS = ['spans', 'data points', 'log records'];

/** An export that failed and will be tried again (no answer, 429, 502–504): one warning per page. */
export function warnRetrying(warnings: WarnOnce, endpoint: string, signal: SignalNumber, status: number, answer: Interpretation): void {
  warnings.warn('retrying', () =>
    status === 0
      ? `could not reach ${endpoint} (${answer.message}); retrying, and keeping what cannot be sent for later (stats().exportRetries)`
      : `export of ${SIGNAL_ITEMS[signal]} failed with HTTP ${status} (${answer.message}); retrying (stats().exportRetries)`,
  );
}

export function warnAnswer(warnings: WarnOnce, endpoint: string, signal: SignalNumber, items: number, status: number, answer: Interpretation): void {
  if (items === 0) return;
  const what = SIGNAL_ITEMS[signal];
  const { message } = answer;
  if (answer.verdict === ACCEPTED) {
    const rejected = Math.min(answer.rejected, items);
    if (rejected > 0) {
      warnings.warn(`partial:${signal}`, () => `GreptimeDB stored the request but rejected ${rejected} of ${items} ${what}: ${message}`);
    }
  } else if (status === 0) {
    warnings.warn('network', () => `could not reach ${endpoint} (${message}); ${items} ${what} dropped`);
  } else if (answer.verdict === 1) {
    warnings.warn(`failed:${signal}`, () => `export of ${what} failed with HTTP ${status} (${message}); ${items} ${what} dropped`);
  } else {
    warnings.warn(`failed:${signal}`, () => `GreptimeDB rejected ${items} ${what} with HTTP ${status}: ${message}`);
  }
}

/**
 * The one console warning per kind of lost export: partial success (per signal), a failed or
 * rejected export (per signal), an unreachable endpoint. The counts are JS's
 * (answer_counts.ts, in `telemetry.stats()`).
 */

import { ACCEPTED, type Interpretation } from './response.js';
import { LOGS, METRICS, type SignalNumber } from './signals.js';
import type { WarnOnce } from './warn_once.js';

export function warnAnswer(warnings: WarnOnce, endpoint: string, signal: SignalNumber, items: number, status: number, answer: Interpretation): void {
  if (items === 0) return;
  const what = signal === LOGS ? 'log records' : signal === METRICS ? 'data points' : 'spans';
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

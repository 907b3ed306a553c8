/**
 * The WASM core's counters for `telemetry.stats()`, named: the core returns them as numbers only.
 * (The export counters are JS's: answer_counts.ts.)
 */

import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';
import { LOGS, type SignalNumber } from './signals.js';

/** In the order `TelemetryCore::stats` in src/wasm_api.rs writes them. */
export const CORE_STATS = [
  'spansDroppedQueueFull',
  'logsDroppedQueueFull',
  'spansQueued',
  'logsQueued',
  'metricSeries',
  'metricSeriesOverflowed',
  'malformedRecordChunks',
] as const;

export function coreStats(core: TelemetryCore): Record<(typeof CORE_STATS)[number], number> {
  const values = core.stats(false); // the problems stay for the CoreHandle to report
  const out = {} as Record<(typeof CORE_STATS)[number], number>;
  CORE_STATS.forEach((name, i) => (out[name] = values[i] ?? 0));
  return out;
}

/**
 * Spans or log records waiting in the core's queue for `signal`, read from its counters: the
 * core has no `queued` export of its own (0.12 KB gzip of `.wasm`; read a few times per export).
 */
export function coreQueued(core: TelemetryCore, signal: SignalNumber): number {
  return core.stats(false)[CORE_STATS.indexOf(signal === LOGS ? 'logsQueued' : 'spansQueued')] ?? 0;
}

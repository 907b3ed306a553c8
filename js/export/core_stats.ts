/**
 * The WASM core's counters for `telemetry.stats()`, named: the core returns them as numbers only.
 * (The export counters are JS's: answer_counts.ts.)
 */

import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';

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

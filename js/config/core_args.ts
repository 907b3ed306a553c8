/** What the WASM core needs of the validated settings: a few numbers, across the boundary once. */

import type { Settings } from './schema.js';

/**
 * `[batch.maxQueueSize, batch.maxExportBatchSize, logBatch.maxQueueSize,
 * logBatch.maxExportBatchSize, metrics.cardinalityLimit, temporality (0 cumulative, 1 delta)]`,
 * as `TelemetryCore::new` in src/wasm_api.rs reads them.
 */
export function coreLimits(s: Settings): Uint32Array {
  return Uint32Array.of(
    s.batch.maxQueueSize,
    s.batch.maxExportBatchSize,
    s.logBatch.maxQueueSize,
    s.logBatch.maxExportBatchSize,
    s.metrics.cardinalityLimit,
    s.metrics.temporality === 'delta' ? 1 : 0,
  );
}

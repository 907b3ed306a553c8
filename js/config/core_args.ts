/**
 * What the WASM core needs of the validated settings: a few numbers, across the boundary once,
 * as f64 like every number array the core takes (one kind of array glue).
 */

import type { Settings } from './schema.js';

/**
 * `[batch.maxQueueSize, batch.maxExportBatchSize, logBatch.maxQueueSize,
 * logBatch.maxExportBatchSize, metrics.cardinalityLimit, temporality (0 cumulative, 1 delta)]`,
 * as `TelemetryCore::new` in src/wasm_api.rs reads them.
 */
export function coreLimits(s: Settings): Float64Array {
  return Float64Array.of(
    s.batch.maxQueueSize,
    s.batch.maxExportBatchSize,
    s.logBatch.maxQueueSize,
    s.logBatch.maxExportBatchSize,
    s.metrics.cardinalityLimit,
    s.metrics.temporality === 'delta' ? 1 : 0,
  );
}

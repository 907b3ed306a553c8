/**
 * `traceModel`: GreptimeDB's trace data model, chosen per request by the pipeline header.
 * - `v1` (`greptime_trace_v1`, the default, accepted by every GreptimeDB since 0.14): each
 *   attribute key becomes a typed column (`span_attributes.url.full`), so many distinct keys
 *   mean many columns.
 * - `v2` (`greptime_trace_v2`, GreptimeDB 1.3+): a fixed schema with `span_attributes`,
 *   `scope_attributes` and `resource_attributes` as JSON columns. GreptimeDB refuses to write
 *   one model into a table created by the other, so v2 gets a table of its own by default.
 */

import type { Reader, Warnings } from './values.js';
import { shown } from './values.js';

/** GreptimeDB's default trace table, which holds the v1 model unless an operator made it v2. */
export const V1_DEFAULT_TABLE = 'opentelemetry_traces';
/** Our default for v2 (GreptimeDB's default name is taken by v1 tables in existing installs). */
export const V2_DEFAULT_TABLE = 'opentelemetry_traces_v2';

export const traceModel: Reader<'v1' | 'v2'> = (v, key, w) => {
  if (v === undefined || v === 'v1' || v === 'v2') return v ?? 'v1';
  w.warn(`\`${key}\` must be 'v1' or 'v2', got ${shown(v)}; using 'v1'`);
  return 'v1';
};

/** The `x-greptime-pipeline-name` value that selects the model. */
export function tracePipeline(model: 'v1' | 'v2'): string {
  return model === 'v2' ? 'greptime_trace_v2' : 'greptime_trace_v1';
}

/** v2 without `traceTable` gets its own table; v1 without it sends no table header (GreptimeDB's default). */
export function settleTraceTable(settings: { traceModel: 'v1' | 'v2'; traceTable: string | undefined }, w: Warnings): void {
  if (settings.traceModel !== 'v2') return;
  if (settings.traceTable === undefined) settings.traceTable = V2_DEFAULT_TABLE;
  else if (settings.traceTable === V1_DEFAULT_TABLE) {
    w.warn(
      `\`traceModel\` 'v2' with \`traceTable\` "${V1_DEFAULT_TABLE}", GreptimeDB's default v1 table, which rejects v2 spans; leave \`traceTable\` unset to use "${V2_DEFAULT_TABLE}"`,
    );
  }
}

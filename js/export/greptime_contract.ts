/**
 * GreptimeDB's OTLP/HTTP contract as a browser client must follow it (../shared/greptimedb-otlp.md,
 * read from GreptimeDB's source): where to POST and which headers, per signal.
 */

import type { Settings } from '../config/schema.js';
import { tracePipeline } from '../config/trace_model.js';
import { LOGS, METRICS, TRACES, type SignalNumber } from './signals.js';


const PATHS: Record<SignalNumber, string> = {
  [TRACES]: '/v1/otlp/v1/traces',
  [METRICS]: '/v1/otlp/v1/metrics',
  [LOGS]: '/v1/otlp/v1/logs',
};

export function exportUrl(settings: Settings, signal: SignalNumber): string {
  return settings.endpoint + PATHS[signal];
}

/**
 * Every header of an export request for `signal`. All of them are covered by GreptimeDB's
 * `Access-Control-Allow-Headers: *` (credentials go in `x-greptime-auth`, never `Authorization`);
 * the app's `headers` (and credentials) replace ours of the same name.
 */
export function exportHeaders(settings: Settings, signal: SignalNumber): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-protobuf', 'x-greptime-db-name': settings.database };
  if (signal === TRACES) {
    // Required for traces: without it GreptimeDB answers 400 "Pipeline is required for this API."
    headers['x-greptime-pipeline-name'] = tracePipeline(settings.traceModel);
    if (settings.traceTable !== undefined) headers['x-greptime-trace-table-name'] = settings.traceTable;
  } else if (signal === LOGS) {
    headers['x-greptime-log-table-name'] = settings.logTable;
  }
  // Metrics: GreptimeDB reads no pipeline or table header (one table per metric).
  for (const [name, value] of settings.headers) headers[name] = value;
  return headers;
}

/**
 * One numeric type per span attribute key. A JS number is sent as an OTLP int when it is a
 * safe integer and as a double otherwise, so a key can flip (`0.7`, then `0`). GreptimeDB
 * stores each span attribute key in a typed column (`span_attributes.<key>`) and reconciles
 * (`choose_trace_reconcile_decision` in src/frontend/src/instance/otlp/trace_types.rs,
 * src/servers/src/otlp/trace/coerce.rs):
 * an int into a Float64 column is coerced; a double into an Int64 column widens the column to
 * Float64, except for stable semantic-convention keys with a fixed Int64 type
 * (src/frontend/src/instance/otlp/trace_semconv.rs), where the span is rejected. Hence:
 *
 * - once a key has carried a number that is not a safe integer, every later number for it is
 *   sent as a double (for the page's life; up to `MAX_KEYS` keys), so a key changes type at
 *   most once, int to double, the direction GreptimeDB can always absorb;
 * - for the fixed Int64 keys a number that is not a safe integer is dropped (counted in
 *   `invalidAttributes`), never sent to get its whole span rejected.
 */

const MAX_KEYS = 4096;
const doubleKeys = new Set<string>();

/** Stable semconv span attribute keys that GreptimeDB types Int64 whatever arrives (trace_semconv.rs). */
const INT64_KEYS = new Set([
  'client.port',
  'server.port',
  'network.local.port',
  'network.peer.port',
  'http.request.resend_count',
  'http.response.status_code',
  'db.operation.batch_size',
]);

/** Whether a finite number may be kept as span attribute `key`; notes keys that became doubles. */
export function admitSpanNumber(key: string, value: number): boolean {
  if (Number.isSafeInteger(value)) return true;
  if (INT64_KEYS.has(key)) return false;
  if (doubleKeys.size < MAX_KEYS) doubleKeys.add(key);
  return true;
}

/** Whether span attribute `key` = `value` is sent as an OTLP double. */
export function sentAsDouble(key: string, value: number): boolean {
  return !Number.isSafeInteger(value) || doubleKeys.has(key);
}

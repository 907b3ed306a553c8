/**
 * Metric attribute values GreptimeDB would drop, sent as strings instead. GreptimeDB makes a
 * tag of string, int and double attributes only; a bool or array value is dropped without a
 * word (`write_attributes` in its src/servers/src/otlp/metrics.rs), so `{enabled: true}` and
 * `{enabled: false}` would become one series whose points overwrite each other. We send
 * booleans as `"true"`/`"false"` and arrays as JSON text (`'["a","b"]'`), as OpenTelemetry's
 * rules for formats without those types do, and warn once naming the key and the instrument.
 */

import type { Diagnostics } from '../runtime/diagnostics.js';
import type { AttributeList } from '../trace/attributes.js';

/** Rewrites `list` (already checked: primitives and arrays of one primitive type) in place. */
export function convertForGreptime(list: AttributeList, instrument: string, diag: Diagnostics): void {
  const values = list.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'boolean' && !Array.isArray(v)) continue;
    values[i] = typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    const key = list.keys[i];
    diag.report(
      'metricAttributesConverted',
      () =>
        `"${instrument}": attribute "${key}" sent as the string ${JSON.stringify(values[i])}: GreptimeDB keeps only string and number metric attributes`,
    );
  }
}

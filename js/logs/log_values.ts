/**
 * Log bodies and log attributes may be structured, unlike span attributes: objects become
 * OTLP maps and arrays stay arrays, four levels deep at most (deeper parts, and cycles, are
 * cut to a placeholder string). Strings are clamped like span attribute values. Nothing here
 * throws or calls the app's `toString`/`toJSON`.
 */

import { describe, type Diagnostics } from '../runtime/diagnostics.js';
import { attributeChars, newAttributeList, type AttributeList } from '../trace/attributes.js';
import { KeyValueList, MAX_VALUE_DEPTH } from '../wire/key_value_list.js';

/** Entries per object and per array in a log value. */
const MAX_ENTRIES = 128;

/** The value as the record writer takes it, or `undefined` to leave it out. */
export function toLogValue(value: unknown, depth: number, lengthLimit: number, diag: Diagnostics): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length <= lengthLimit) return value;
      diag.report('attributeValuesTruncated', () => `log value: ${value.length}-character string truncated to ${lengthLimit}`);
      return value.slice(0, lengthLimit);
    case 'number':
      // JSON has no NaN or Infinity, and GreptimeDB stores log attributes as JSON.
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      diag.report('invalidAttributes', () => `log value: ${describe(value)} left out`);
      return undefined;
  }
  if (value === null) return undefined;
  try {
    if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : 'Invalid Date';
    if (depth >= MAX_VALUE_DEPTH) return Array.isArray(value) ? '[array]' : '[object]';
    if (value instanceof Error) {
      const entries: [string, unknown][] = [['name', value.name], ['message', value.message]];
      if (typeof value.stack === 'string') entries.push(['stack', toLogValue(value.stack, depth + 1, lengthLimit, diag)]);
      return new KeyValueList(entries);
    }
    if (Array.isArray(value)) {
      return value.slice(0, MAX_ENTRIES).map((v) => {
        const clean = toLogValue(v, depth + 1, lengthLimit, diag);
        return clean === undefined ? null : clean;
      });
    }
    const entries: [string, unknown][] = [];
    for (const [k, v] of Object.entries(value).slice(0, MAX_ENTRIES)) {
      const clean = toLogValue(v, depth + 1, lengthLimit, diag);
      if (clean !== undefined) entries.push([k, clean]);
    }
    return new KeyValueList(entries);
  } catch {
    // A Proxy or a throwing getter.
    return '[unreadable]';
  }
}

/** Log attributes: structured values allowed, the span attribute count limit applied. */
export function logAttributes(attributes: unknown, countLimit: number, lengthLimit: number, diag: Diagnostics): AttributeList {
  const list = newAttributeList();
  if (attributes === undefined || attributes === null) return list;
  if (typeof attributes !== 'object' || Array.isArray(attributes)) {
    diag.report('invalidArguments', () => `log attributes must be an object, got ${describe(attributes)}; ignored`);
    return list;
  }
  let entries: [string, unknown][];
  try {
    entries = Object.entries(attributes);
  } catch {
    diag.report('invalidArguments', () => 'log attributes object could not be read; ignored');
    return list;
  }
  for (const [key, value] of entries) {
    const clean = toLogValue(value, 0, lengthLimit, diag);
    if (clean === undefined) continue;
    if (list.keys.length >= countLimit) {
      list.dropped++;
      continue;
    }
    list.keys.push(key);
    list.values.push(clean);
  }
  return list;
}

/** Approximate size of a log record in characters (a string body and its attributes), for the pipeline's bound. */
export function logChars(log: { body: unknown; attributes: AttributeList }): number {
  return (typeof log.body === 'string' ? log.body.length : 64) + attributeChars(log.attributes);
}

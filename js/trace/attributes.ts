/**
 * Attribute values as the app passes them, checked where they enter: a value the OTLP model
 * cannot carry (object, function, symbol, bigint, NaN, Infinity, mixed array) is dropped with a
 * counted warning; a string over the length limit is truncated. Nothing here throws.
 */

import type { AttributeValue, Attributes } from '../api/types.js';
import { describe, type Diagnostics } from '../runtime/diagnostics.js';
import { MAX_ARRAY_LENGTH } from './limits.js';
import { admitSpanNumber } from './number_types.js';

/** Keys and values side by side: a span has few attributes, so a linear scan beats a Map. */
export interface AttributeList {
  keys: string[];
  /** Span attributes hold `AttributeValue`s; log attributes may also hold structured values. */
  values: unknown[];
  dropped: number;
  /**
   * Characters of the string values set through `putAttribute` (an upper bound: a replaced value
   * still counts): how much a pipeline holds while ended spans wait in JS, at no walk.
   */
  chars: number;
}

export function newAttributeList(): AttributeList {
  return { keys: [], values: [], dropped: 0, chars: 0 };
}

/**
 * Sets `key` (replacing an earlier value), or counts it as dropped past `countLimit`.
 * `span`: a span's own attributes, whose numbers keep one type per key (number_types.ts).
 */
export function putAttribute(
  list: AttributeList,
  key: unknown,
  value: unknown,
  countLimit: number,
  lengthLimit: number,
  diag: Diagnostics,
  span = false,
): void {
  if (typeof key !== 'string' || key.length === 0) {
    diag.report('invalidAttributes', () => `attribute key ${describe(key)} dropped: keys are non-empty strings`);
    return;
  }
  let clean: AttributeValue | undefined;
  try {
    clean = cleanValue(key, value, lengthLimit, diag);
  } catch {
    // An array Proxy whose traps throw, or an array with a throwing getter.
    diag.report('invalidAttributes', () => `attribute "${key}" dropped: its value could not be read`);
    return;
  }
  if (clean === undefined) return;
  if (span && typeof clean === 'number' && !admitSpanNumber(key, clean)) {
    diag.report('invalidAttributes', () => `attribute "${key}" dropped: GreptimeDB stores it as an integer, got ${clean}`);
    return;
  }
  if (typeof clean === 'string') list.chars += clean.length;
  else if (Array.isArray(clean)) list.chars += arrayChars(clean);
  const i = list.keys.indexOf(key);
  if (i >= 0) {
    list.values[i] = clean;
  } else if (list.keys.length < countLimit) {
    list.keys.push(key);
    list.values.push(clean);
  } else {
    list.dropped++;
    diag.report('attributesOverLimit', () => `attribute "${key}" dropped: over the limit of ${countLimit} attributes (spanLimits)`);
  }
}

/** Copies an `Attributes` object into `list`; a non-object is reported and ignored. */
export function putAttributes(
  list: AttributeList,
  attributes: unknown,
  countLimit: number,
  lengthLimit: number,
  diag: Diagnostics,
  span = false,
): void {
  if (attributes === undefined || attributes === null) return;
  if (typeof attributes !== 'object' || Array.isArray(attributes)) {
    diag.report('invalidArguments', () => `attributes must be an object, got ${describe(attributes)}; ignored`);
    return;
  }
  let entries: [string, unknown][];
  try {
    entries = Object.entries(attributes as Attributes);
  } catch {
    // A Proxy or a throwing getter.
    diag.report('invalidArguments', () => 'attributes object could not be read; ignored');
    return;
  }
  for (let i = 0; i < entries.length; i++) {
    putAttribute(list, entries[i][0], entries[i][1], countLimit, lengthLimit, diag, span);
  }
}

function cleanValue(key: string, value: unknown, lengthLimit: number, diag: Diagnostics): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > lengthLimit ? truncate(key, value, lengthLimit, diag) : value;
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      break;
    case 'undefined':
      // Setting undefined is how code commonly says "no value": skip it quietly, as OpenTelemetry does.
      return undefined;
    case 'object':
      if (Array.isArray(value)) return cleanArray(key, value, lengthLimit, diag);
      break;
  }
  diag.report(
    'invalidAttributes',
    () =>
      `attribute "${key}" dropped: ${describe(value)} is not an attribute value (use a string, a finite number, a boolean or an array of one of them)`,
  );
  return undefined;
}

function cleanArray(key: string, array: unknown[], lengthLimit: number, diag: Diagnostics): AttributeValue | undefined {
  let type: string | undefined;
  let n = array.length;
  if (n > MAX_ARRAY_LENGTH) {
    n = MAX_ARRAY_LENGTH;
    diag.report('attributeValuesTruncated', () => `attribute "${key}": array cut to ${MAX_ARRAY_LENGTH} entries`);
  }
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let v = array[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    const t = typeof v;
    if ((t !== 'string' && t !== 'number' && t !== 'boolean') || (type !== undefined && t !== type) || (t === 'number' && !Number.isFinite(v))) {
      diag.report(
        'invalidAttributes',
        () => `attribute "${key}" dropped: arrays must hold one primitive type (strings, finite numbers or booleans), found ${describe(v)}`,
      );
      return undefined;
    }
    type = t;
    if (t === 'string' && (v as string).length > lengthLimit) v = truncate(key, v as string, lengthLimit, diag);
    out[i] = v;
  }
  return out as AttributeValue;
}

function truncate(key: string, value: string, lengthLimit: number, diag: Diagnostics): string {
  diag.report(
    'attributeValuesTruncated',
    () => `attribute "${key}": ${value.length}-character value truncated to ${lengthLimit} (spanLimits.attributeValueLengthLimit)`,
  );
  return value.slice(0, lengthLimit);
}

/** A name (span, event) as a usable string: anything else is reported and replaced. */
export function cleanName(name: unknown, lengthLimit: number, diag: Diagnostics, what: string): string {
  if (typeof name === 'string' && name.length > 0) {
    return name.length > lengthLimit ? name.slice(0, lengthLimit) : name;
  }
  diag.report('invalidArguments', () => `${what} name must be a non-empty string, got ${describe(name)}; using "unnamed"`);
  return 'unnamed';
}

/** Characters of an array value's strings, 8 per other entry. */
function arrayChars(v: unknown[]): number {
  let n = 0;
  for (let j = 0; j < v.length; j++) n += typeof v[j] === 'string' ? (v[j] as string).length : 8;
  return n;
}

/**
 * The characters of a list's string values (array entries too), plus a few per entry, by
 * walking it: for lists not filled through `putAttribute` (log attributes).
 */
export function attributeChars(list: AttributeList): number {
  const { values } = list;
  let n = values.length * 8;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) n += arrayChars(v);
  }
  return n;
}

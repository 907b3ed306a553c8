/** `resourceAttributes`: values OTLP can carry, checked once at configuration. */

import { entries, typeName, type Warnings } from './values.js';

export type ResourceValue = string | number | boolean | ResourceValue[];

/** Strings, booleans, finite numbers and arrays whose elements are all of one kind (ints and doubles do not mix). */
export function attributeValue(v: unknown): ResourceValue | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : undefined;
  }
  if (!Array.isArray(v)) return undefined;
  const out: ResourceValue[] = [];
  let kind: string | undefined;
  for (const item of v.slice(0, 1024)) {
    const value = attributeValue(item);
    if (value === undefined) return undefined;
    const k = Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isSafeInteger(value) ? 'int' : 'double') : typeof value;
    if (kind !== undefined && k !== kind) return undefined;
    kind = k;
    out.push(value);
  }
  return out;
}

/** In the order written; values that are not attribute values are warned and left out. */
export function resourceAttributes(v: unknown, key: string, w: Warnings): [string, ResourceValue][] {
  const out: [string, ResourceValue][] = [];
  for (const [name, raw] of entries(v, key, w)) {
    let value: ResourceValue | undefined;
    try {
      value = attributeValue(raw);
    } catch {
      value = undefined; // an array Proxy whose traps throw
    }
    if (value !== undefined) out.push([name, value]);
    else if (raw !== undefined) {
      w.warn(`\`${key}.${name}\`: ${typeName(raw)} is not an attribute value (string, number, boolean or an array of one of them); ignored`);
    }
  }
  return out;
}

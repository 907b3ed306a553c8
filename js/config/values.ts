/**
 * Reading configuration values the app wrote: each reader checks one value, warns (one message
 * per problem, collected into the single configuration warning) and returns what to use. A
 * `ConfigError` is fatal: telemetry cannot run (no endpoint, `enabled: false`, …).
 */

import { suggestion } from './suggest.js';

/** Why the configuration cannot be used at all; the message is what the console shows. */
export class ConfigError extends Error {}

/** Where readers put their warnings. */
export interface Warnings {
  warn(message: string): void;
}

/** Reads the value at `key` (the full dotted path, for messages); `undefined` when not set. */
export type Reader<T> = (value: unknown, key: string, w: Warnings) => T;

/** Known keys of one object, each with its reader: adding a setting is one line in a schema. */
export type Schema = Record<string, Reader<unknown>>;
export type Resolved<S extends Schema> = { [K in keyof S]: ReturnType<S[K]> };

/** A value whose getter threw (or a Proxy that refused to be read): reported by key. */
const UNREADABLE = Symbol('throwing getter');

/** The JS type name for messages ("must be a string, got number"). */
export function typeName(v: unknown): string {
  if (v === undefined || v === null) return 'undefined';
  if (v === UNREADABLE) return 'throwing getter';
  try {
    if (Array.isArray(v)) return 'array';
    if (v instanceof RegExp) return 'regexp';
  } catch {
    return 'object';
  }
  return typeof v;
}

/** A value as a message shows it: a string in quotes, anything else by its type name. */
export function shown(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : typeName(v);
}

/** A key read elsewhere (named where it is used): known here, so not reported as unknown, and passed on as set. */
export const readElsewhere: Reader<unknown> = (v) => v;

/** A number for a message; huge ones are not spelt out. */
export function numberText(n: number): string {
  return Math.abs(n) >= 1e15 && Number.isFinite(n) ? 'a very large number' : String(n);
}

/** `obj[key]` without letting a throwing getter or Proxy trap escape; `null` reads as not set. */
export function readKey(obj: object, key: string): unknown {
  try {
    const v = (obj as Record<string, unknown>)[key];
    return v === null ? undefined : v;
  } catch {
    return UNREADABLE;
  }
}

/** The own enumerable keys of a plain object (at most 1024), or `undefined` when `v` is not one. */
export function objectKeys(v: unknown): string[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  try {
    if (Array.isArray(v) || v instanceof RegExp) return undefined;
    return Object.keys(v).slice(0, 1024);
  } catch {
    return undefined;
  }
}

export function unknownKeys(prefix: string, keys: string[], known: readonly string[], w: Warnings): void {
  for (const key of keys) {
    if (known.includes(key)) continue;
    const hint = suggestion(key, known);
    w.warn(`unknown configuration key \`${prefix}${key}\` ignored${hint ? ` (did you mean \`${prefix}${hint}\`?)` : ''}`);
  }
}

export const string =
  <D extends string | undefined = undefined>(fallback?: D): Reader<string | D> =>
  (v, key, w) => {
    if (v === undefined) return fallback as D;
    if (typeof v === 'string') return v;
    w.warn(`\`${key}\` must be a string, got ${typeName(v)}; ignored`);
    return fallback as D;
  };

export const boolean =
  (fallback: boolean): Reader<boolean> =>
  (v, key, w) => {
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    w.warn(`\`${key}\` must be a boolean, got ${typeName(v)}; ignored`);
    return fallback;
  };

/** A whole number in `min..=max`; anything else warns and keeps the default. */
export const integer =
  (min: number, max: number, fallback: number): Reader<number> =>
  (v, key, w) => {
    if (v === undefined) return fallback;
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= min && v <= max) return v;
      w.warn(`\`${key}\` must be a whole number from ${min} to ${max}, got ${numberText(v)}; using ${fallback}`);
    } else {
      w.warn(`\`${key}\` must be a number, got ${typeName(v)}; using ${fallback}`);
    }
    return fallback;
  };

/** Reads every key of `schema` from `obj` (missing: `{}`), after reporting unknown keys. */
export function readObject<S extends Schema>(schema: S, obj: object, keys: string[], prefix: string, w: Warnings): Resolved<S> {
  unknownKeys(prefix, keys, Object.keys(schema), w);
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(schema)) out[k] = schema[k](readKey(obj, k), prefix + k, w);
  return out as Resolved<S>;
}

/**
 * A nested object of known keys. Not an object: warned (`…; fallback`) and read as `{}`, so every
 * key has its default. `check` adjusts the result (e.g. a batch no larger than its queue).
 */
export function object<S extends Schema>(
  schema: S,
  fallback = 'using the defaults',
  check?: (out: Resolved<S>, key: string, w: Warnings) => void,
): Reader<Resolved<S>> {
  return (v, key, w) => {
    let keys = objectKeys(v);
    if (keys === undefined) {
      if (v !== undefined) w.warn(`\`${key}\` must be an object, got ${typeName(v)}; ${fallback}`);
      keys = [];
      v = {};
    }
    const out = readObject(schema, v as object, keys, `${key}.`, w);
    check?.(out, key, w);
    return out;
  };
}

/** The entries of an object of arbitrary keys (headers, attributes); not an object: warned, none. */
export function entries(v: unknown, key: string, w: Warnings): [string, unknown][] {
  const keys = objectKeys(v);
  if (keys === undefined) {
    if (v !== undefined) w.warn(`\`${key}\` must be an object, got ${typeName(v)}; ignored`);
    return [];
  }
  return keys.map((k) => [k, readKey(v as object, k)]);
}

/**
 * The rules an instrument's name, unit and bucket boundaries follow (OpenTelemetry metrics API
 * specification), checked here with their warnings; the core only guards itself silently
 * (src/pipeline/metric_instruments.rs).
 */

import type { CoreHandle } from '../export/core_handle.js';
import { concatBytes, Kind, warn } from '../runtime/initial_chunk.js';

/** Instruments per SDK (MAX_INSTRUMENTS in src/pipeline/metric_aggregator.rs). */
export const MAX_INSTRUMENTS = 1000;

/** `^[A-Za-z][A-Za-z0-9_./-]{0,254}$`, the instrument name syntax of the specification. */
export function validName(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_./-]{0,254}$/.test(name);
}

/** ASCII, at most 63 characters. */
export function validUnit(unit: string): boolean {
  // eslint-disable-next-line no-control-regex
  return unit.length <= 63 && /^[\x00-\x7f]*$/.test(unit);
}

/** Finite and strictly increasing. */
export function validBoundaries(b: ArrayLike<number>): boolean {
  for (let i = 0; i < b.length; i++) if (!Number.isFinite(b[i]) || (i > 0 && !(b[i - 1] < b[i]))) return false;
  return true;
}

/** An instrument as `TelemetryCore.registerInstrument` takes it (src/wasm_api.rs). */
export interface CheckedInstrument {
  /** Name, description, unit, scope name and scope version, UTF-8, back to back. */
  texts: Uint8Array;
  /** Their lengths in bytes. */
  lengths: Float64Array;
  /** A histogram's bucket boundaries (the defaults when it has none of its own); empty for other kinds. */
  bounds: Float64Array;
  /** Its identity but for the kind: the name in lower case, the unit as sent, the scope. */
  key: string;
}

/**
 * OpenTelemetry's default explicit bucket boundaries (the SDK specification's), for a histogram
 * with none of its own or invalid ones. Here rather than in the core (0.1 KB gzip of `.wasm`).
 */
const DEFAULT_BOUNDARIES = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/**
 * What to register, or `undefined` (warned) when the name is invalid: the instrument then
 * records nothing. A bad unit is left out, bad boundaries become the defaults (both warned).
 * The texts cross into the core as one byte array: wasm-bindgen's glue for five string
 * arguments cost more bytes than this encoding.
 */
export function checkInstrument(histogram: boolean, name: string, unit: string, bounds: Float64Array, description: string, scopeName: string, scopeVersion: string): CheckedInstrument | undefined {
  if (!validName(name)) {
    warn(`instrument name "${name}" is invalid (a letter, then up to 254 letters, digits, '_', '.', '-' or '/'); the instrument records nothing`);
    return undefined;
  }
  if (!validUnit(unit)) {
    warn(`instrument "${name}": unit "${unit}" is not ASCII of at most 63 characters; sent without a unit`);
    unit = '';
  }
  if (histogram && !validBoundaries(bounds)) {
    warn(`histogram "${name}": explicitBucketBoundaries must be finite and strictly increasing; using the defaults`);
    bounds = new Float64Array(0);
  }
  if (histogram && bounds.length === 0) bounds = Float64Array.from(DEFAULT_BOUNDARIES);
  const parts = [name, description, unit, scopeName, scopeVersion].map((t) => encoder.encode(t));
  const lengths = Float64Array.from(parts, (p) => p.length);
  return { texts: concatBytes(parts), lengths, bounds, key: [name.toLowerCase(), unit, scopeName, scopeVersion].join('\0') };
}

const encoder = new TextEncoder();

export function warnTooManyInstruments(name: string): void {
  warn(`instrument "${name}" not created: over ${MAX_INSTRUMENTS} instruments`);
}

/**
 * Registers an instrument with the core; its id, or -1 when it records nothing (warned: an
 * invalid name, too many instruments). An instrument is identified by its kind, name (ignoring
 * case: names are ASCII), unit and scope, as the specification has it: the same identity gets
 * the same id, from `handle.instrumentIds` (the core does not compare instruments; doing so there
 * was 0.16 KB gzip of `.wasm`). At most `MAX_INSTRUMENTS` ids are kept.
 */
export function registerInstrument(handle: CoreHandle, kind: Kind, name: string, unit: string, bounds: Float64Array, description: string, scopeName: string, scopeVersion: string): number {
  const checked = checkInstrument(kind === Kind.Histogram, name, unit, bounds, description, scopeName, scopeVersion);
  if (!checked) return -1;
  const key = `${kind}\0${checked.key}`;
  const known = handle.instrumentIds.get(key);
  if (known !== undefined) return known;
  const id = handle.call((c) => c.registerInstrument(kind, checked.texts, checked.lengths, checked.bounds), -1);
  if (id === -2) warnTooManyInstruments(name);
  if (id < 0) return -1;
  handle.instrumentNames[id] = name;
  handle.instrumentIds.set(key, id);
  return id;
}

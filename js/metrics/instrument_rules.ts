/**
 * The rules an instrument's name, unit and bucket boundaries follow (OpenTelemetry metrics API
 * specification), checked here with their warnings; the core only guards itself silently
 * (src/pipeline/metric_instruments.rs).
 */

import { warn } from '../runtime/initial_chunk.js';

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
  lengths: Uint32Array;
  /** Empty: the default boundaries. */
  bounds: Float64Array;
}

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
  const parts = [name, description, unit, scopeName, scopeVersion].map((t) => encoder.encode(t));
  const lengths = Uint32Array.from(parts, (p) => p.length);
  const texts = new Uint8Array(lengths.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    texts.set(p, at);
    at += p.length;
  }
  return { texts, lengths, bounds };
}

const encoder = new TextEncoder();

export function warnTooManyInstruments(name: string): void {
  warn(`instrument "${name}" not created: over ${MAX_INSTRUMENTS} instruments`);
}

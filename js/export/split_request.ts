/**
 * Splits an encoded OTLP request in two, keeping every item once and every resource and scope
 * around its items: for a body over a server's or proxy's limit (413) and for page-unload
 * requests, which browsers only send with `keepalive` while they stay under 64 KiB in flight.
 *
 * It works on the protobuf wire format, not on decoded messages: the three export requests share
 * one shape (field 1: resource entries; in each, field 2: scope entries; in each, field 2: the
 * items: spans, log records or metrics), so one small splitter serves them all. It is cold code
 * (a 413 or a large request at page hide), so it lives here rather than in the WASM core, where
 * it and its JS-array glue were 2.8 KB gzip of the `.wasm` (2026-11-30).
 */

import { METRICS, type SignalNumber } from './signals.js';

/** A request body and how many items (data points, for metrics) it holds. */
export type CountedRequest = [body: Uint8Array, items: number];

const LEN = 2;
/** Request.1 = Resource*, Resource*.2 = Scope*, Scope*.2 = items. */
const RESOURCES = 1;
const SCOPES = 2;
const ITEMS = 2;
/** Metric.data: gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11; each holds its data points in field 1. */
const METRIC_DATA_FIELDS = [5, 7, 9, 10, 11];

/** One field: its number, wire type, value's bytes and whole bytes (tag included); a tuple, as it minifies smaller than an object. */
type Field = [number: number, type: number, value: Uint8Array, raw: Uint8Array];

/** Malformed bytes: the request is sent whole (and dropped if it still cannot be sent). */
function malformed(): never {
  throw new RangeError('malformed request');
}

/** The varint at `at`: [value, offset after it]. */
function varint(b: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let shift = 1; shift < 2 ** 53; shift *= 128) {
    if (at >= b.length) malformed();
    const byte = b[at++];
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, at];
  }
  return malformed();
}

/** The fields of a message, in order. */
function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  for (let at = 0; at < b.length; ) {
    const start = at;
    const [tag, afterTag] = varint(b, at);
    const type = tag % 8;
    let valueStart = afterTag;
    let end = type === 0 ? varint(b, afterTag)[1] : type === 1 ? afterTag + 8 : type === 5 ? afterTag + 4 : type === LEN ? -1 : malformed();
    if (end < 0) {
      const [len, afterLen] = varint(b, afterTag);
      valueStart = afterLen;
      end = afterLen + len;
    }
    if (tag < 8 || end > b.length) malformed();
    out.push([Math.floor(tag / 8), type, b.subarray(valueStart, end), b.subarray(start, end)]);
    at = end;
  }
  return out;
}

/** Whether `f` is a length-delimited field `number`. */
const isMessage = (f: Field, number: number) => f[0] === number && f[1] === LEN;

/** `parts` joined, preceded by the tag and length of a field `number` (a length-delimited one). */
function lengthDelimited(number: number, parts: Uint8Array[]): Uint8Array[] {
  let len = 0;
  for (const p of parts) len += p.length;
  const head: number[] = [(number << 3) | LEN];
  for (; len >= 0x80; len = Math.floor(len / 128)) head.push((len & 0x7f) | 0x80);
  head.push(len);
  return [new Uint8Array(head), ...parts];
}

function concat(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function count(signal: SignalNumber, items: Field[]): number {
  if (signal !== METRICS) return items.length;
  let points = 0;
  for (const metric of items) {
    for (const data of fields(metric[2])) {
      if (data[1] === LEN && METRIC_DATA_FIELDS.includes(data[0])) for (const f of fields(data[2])) if (f[0] === 1) points++;
    }
  }
  return points;
}

/**
 * Two requests holding the items of `body` between them (about half each, in order), each with
 * its item count; `undefined` when `body` does not parse or holds fewer than two items.
 */
export function splitRequest(signal: SignalNumber, body: Uint8Array): [CountedRequest, CountedRequest] | undefined {
  try {
    // Each resource: its fields other than the scopes (raw), and each scope as [its other fields, its items].
    const resources = fields(body).map((resource): [Uint8Array[], [Uint8Array[], Field[]][]] => {
      if (!isMessage(resource, RESOURCES)) malformed();
      const header: Uint8Array[] = [];
      const scopes: [Uint8Array[], Field[]][] = [];
      for (const f of fields(resource[2])) {
        if (!isMessage(f, SCOPES)) {
          header.push(f[3]);
          continue;
        }
        const scope: [Uint8Array[], Field[]] = [[], []];
        for (const g of fields(f[2])) {
          if (isMessage(g, ITEMS)) scope[1].push(g);
          else scope[0].push(g[3]);
        }
        scopes.push(scope);
      }
      return [header, scopes];
    });
    let remaining = 0;
    for (const [, scopes] of resources) for (const [, items] of scopes) remaining += items.length;
    if (remaining < 2) return undefined;
    remaining = Math.floor(remaining / 2);
    const halves: [Uint8Array[], Uint8Array[]] = [[], []];
    const counts = [0, 0];
    for (const [header, scopes] of resources) {
      const groups: [Uint8Array[], Uint8Array[]] = [[], []];
      for (const [scopeHeader, items] of scopes) {
        const take = Math.min(remaining, items.length);
        remaining -= take;
        [items.slice(0, take), items.slice(take)].forEach((part, i) => {
          if (part.length === 0) return;
          counts[i] += count(signal, part);
          groups[i].push(...lengthDelimited(SCOPES, [...scopeHeader, ...part.map((item) => item[3])]));
        });
      }
      groups.forEach((group, i) => {
        if (group.length > 0) halves[i].push(...lengthDelimited(RESOURCES, [...header, ...group]));
      });
    }
    return [
      [concat(halves[0]), counts[0]],
      [concat(halves[1]), counts[1]],
    ];
  } catch {
    return undefined;
  }
}

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

import { concatBytes } from '../runtime/initial_chunk.js';
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

/**
 * One field: its number, wire type, where its value starts, where it ends and where it starts
 * (tag included), as offsets into the body. Numbers rather than subarrays: a request holds
 * hundreds of items, and a view per item made the split 3 times slower than the core's was.
 */
type Field = [number: number, type: number, valueStart: number, end: number, start: number];

/** Malformed bytes: the request is sent whole (and dropped if it still cannot be sent). */
function malformed(): never {
  throw new RangeError('malformed request');
}

/** The varint at `at` (before `to`): [value, offset after it]. */
function varint(b: Uint8Array, at: number, to: number): [number, number] {
  let value = 0;
  for (let shift = 1; shift < 2 ** 53; shift *= 128) {
    if (at >= to) malformed();
    const byte = b[at++];
    value += (byte & 0x7f) * shift;
    if (byte < 0x80) return [value, at];
  }
  return malformed();
}

/** The fields of the message in `b` from `from` to `to`, in order. */
function fields(b: Uint8Array, from: number, to: number): Field[] {
  const out: Field[] = [];
  for (let at = from; at < to; ) {
    const [tag, afterTag] = varint(b, at, to);
    const type = tag % 8;
    let valueStart = afterTag;
    let end = type === 0 ? varint(b, afterTag, to)[1] : type === 1 ? afterTag + 8 : type === 5 ? afterTag + 4 : type === LEN ? -1 : malformed();
    if (end < 0) {
      const [len, afterLen] = varint(b, afterTag, to);
      valueStart = afterLen;
      end = afterLen + len;
    }
    if (tag < 8 || end > to) malformed();
    out.push([Math.floor(tag / 8), type, valueStart, end, at]);
    at = end;
  }
  return out;
}

/** Whether `f` is a length-delimited field `number`. */
const isMessage = (f: Field, number: number) => f[0] === number && f[1] === LEN;

/** Adds the bytes from `start` to `end` to `ranges` (flat start, end pairs), joined to the last range when they follow it. */
function addRange(ranges: number[], start: number, end: number): void {
  if (ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
  else ranges.push(start, end);
}

/** `parts` joined, preceded by the tag and length of a field `number` (a length-delimited one). */
function lengthDelimited(number: number, parts: Uint8Array[]): Uint8Array[] {
  let len = 0;
  for (const p of parts) len += p.length;
  const head: number[] = [(number << 3) | LEN];
  for (; len >= 0x80; len = Math.floor(len / 128)) head.push((len & 0x7f) | 0x80);
  head.push(len);
  return [new Uint8Array(head), ...parts];
}

function count(body: Uint8Array, signal: SignalNumber, items: Field[]): number {
  if (signal !== METRICS) return items.length;
  let points = 0;
  for (const metric of items) {
    for (const data of fields(body, metric[2], metric[3])) {
      if (data[1] === LEN && METRIC_DATA_FIELDS.includes(data[0])) for (const f of fields(body, data[2], data[3])) if (f[0] === 1) points++;
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
    const bytes = (ranges: number[]) => ranges.flatMap((start, i) => (i % 2 ? [] : [body.subarray(start, ranges[i + 1])]));
    // Each resource: its fields other than the scopes, and each scope as [its other fields, its items].
    const resources = fields(body, 0, body.length).map((resource): [number[], [number[], Field[]][]] => {
      if (!isMessage(resource, RESOURCES)) malformed();
      const header: number[] = [];
      const scopes: [number[], Field[]][] = [];
      for (const f of fields(body, resource[2], resource[3])) {
        if (!isMessage(f, SCOPES)) {
          addRange(header, f[4], f[3]);
          continue;
        }
        const scope: [number[], Field[]] = [[], []];
        for (const g of fields(body, f[2], f[3])) {
          if (isMessage(g, ITEMS)) scope[1].push(g);
          else addRange(scope[0], g[4], g[3]);
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
          counts[i] += count(body, signal, part);
          const ranges: number[] = [];
          for (const item of part) addRange(ranges, item[4], item[3]);
          groups[i].push(...lengthDelimited(SCOPES, [...bytes(scopeHeader), ...bytes(ranges)]));
        });
      }
      groups.forEach((group, i) => {
        if (group.length > 0) halves[i].push(...lengthDelimited(RESOURCES, [...bytes(header), ...group]));
      });
    }
    return [
      [concatBytes(halves[0]), counts[0]],
      [concatBytes(halves[1]), counts[1]],
    ];
  } catch {
    return undefined;
  }
}

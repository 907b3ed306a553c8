/**
 * Writes ended spans and log records into a binary chunk that the WASM core decodes (the
 * format is documented in crates/ingest/src/record_reader.rs, span_records.rs and log_records.rs; they
 * must change together). The chunk is one reusable `Uint8Array` owned by JS; handing it over
 * costs one boundary crossing and one copy for many items. Names and keys are interned: sent
 * once, then referred to by number. One writer per signal, as the core keeps one table each.
 * Past 400 lines on purpose: the format's constants, the writer and its all-or-nothing record
 * rule belong together, as they mirror one Rust reader.
 */

import type { AttributeList } from '../trace/attributes.js';
import { sentAsDouble, KeyValueList, MAX_VALUE_DEPTH } from '../runtime/initial_chunk.js';

/** Must equal MAX_INTERNED_STRINGS in crates/ingest/src/string_table.rs. */
export const MAX_INTERNED_STRINGS = 4096;
/** Strings longer than this are never interned (they rarely repeat and would bloat both tables). */
const MAX_INTERNED_LENGTH = 128;

const OP_SPAN = 1;
const OP_RESET_STRINGS = 2;
const OP_LOG = 3;

const STR_INTERNED = 0;
const STR_INLINE = 1;
const STR_DEFINE = 2;

const TAG_STRING = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_INT = 3;
const TAG_DOUBLE = 4;
const TAG_ARRAY = 5;
const TAG_EMPTY = 6;
const TAG_MAP = 7;
export { KeyValueList, MAX_VALUE_DEPTH };

export interface EventRecord {
  name: string;
  timeMs: number;
  attributes: AttributeList;
}

/** What the writer reads from an emitted log record. */
export interface LogRecordData {
  timeMs: number;
  observedTimeMs: number;
  severityNumber: number;
  severityText: string;
  /** `undefined`: no body. Strings, numbers, booleans, arrays and `KeyValueList`s. */
  body: unknown;
  attributes: AttributeList;
  /** Trace and span id words of the span the record belongs to; all zero outside a span. */
  ids: number[];
  traceFlags: number;
  scopeName: string;
  scopeVersion: string;
  eventName: string;
}

export interface LinkRecord {
  /** Trace id words, then span id words. */
  ids: number[];
  traceState: string;
  attributes: AttributeList;
}

/** What the writer reads from an ended span. */
export interface SpanRecord {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
  s0: number;
  s1: number;
  /** Parent span id words; both zero for a root span. */
  p0: number;
  p1: number;
  traceFlags: number;
  /** The API's SpanKind (0-4); OTLP numbers it one higher. */
  kind: number;
  name: string;
  scopeName: string;
  scopeVersion: string;
  traceState: string;
  startMs: number;
  endMs: number;
  statusCode: number;
  statusMessage: string;
  attributes: AttributeList;
  events: EventRecord[] | undefined;
  droppedEvents: number;
  links: LinkRecord[] | undefined;
  droppedLinks: number;
}

const encoder = new TextEncoder();

export class RecordWriter {
  #buf = new Uint8Array(16 * 1024);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #interned = new Map<string, number>();
  #inlineOnly = false;

  /** Bytes written since the last `take()`. */
  get length(): number {
    return this.#pos;
  }

  /**
   * The chunk written so far. The view is only valid until the next write: pass it straight to
   * the core, which copies it into WASM memory.
   */
  take(): Uint8Array {
    const chunk = this.#buf.subarray(0, this.#pos);
    this.#pos = 0;
    return chunk;
  }

  /**
   * Forgets what the core was told: used after the core reported a malformed chunk and reset
   * its table, and after a chunk was discarded without being ingested.
   */
  resetStrings(): void {
    this.#interned.clear();
    this.#ensure(1);
    this.#buf[this.#pos++] = OP_RESET_STRINGS;
  }

  /** Bounded tables: start over when full (the core does the same on this op); hot strings come back at once. */
  #boundStrings(): void {
    if (this.#interned.size >= MAX_INTERNED_STRINGS) this.resetStrings();
  }

  /**
   * Writes one log record; returns false, leaving the chunk as it was, when the record cannot
   * be written (see `whole`).
   */
  writeLog(log: LogRecordData): boolean {
    return this.#whole(log, this.#writeLogRecord);
  }

  /**
   * Writes one ended span; returns false, leaving the chunk as it was, when the span cannot be
   * written (see `whole`).
   */
  writeSpan(span: SpanRecord): boolean {
    return this.#whole(span, this.#writeSpanRecord);
  }

  /**
   * Writes one item or nothing: a throw halfway (a hostile value that got past the sanitizers,
   * a failed allocation) rolls back the chunk's length and the strings interned meanwhile, so
   * the next item starts on a record boundary and the core never sees half a record.
   */
  #whole<T>(item: T, write: (this: RecordWriter, item: T) => void): boolean {
    this.#boundStrings();
    const pos = this.#pos;
    const interned = this.#interned.size;
    try {
      write.call(this, item);
      return true;
    } catch {
      this.#pos = pos;
      if (this.#interned.size > interned) {
        for (const [s, id] of this.#interned) if (id >= interned) this.#interned.delete(s);
      }
      return false;
    }
  }

  #writeLogRecord(log: LogRecordData): void {
    this.#ensure(20);
    this.#buf[this.#pos++] = OP_LOG;
    this.#f64(log.timeMs);
    this.#f64(log.observedTimeMs);
    this.#buf[this.#pos++] = log.severityNumber;
    this.#str(log.severityText, true);
    if (log.body === undefined) {
      this.#buf[this.#pos++] = 0;
    } else {
      this.#buf[this.#pos++] = 1;
      this.#value(log.body, 0);
    }
    this.#attributes(log.attributes);
    this.#ensure(25);
    for (let w = 0; w < 6; w++) this.#word(log.ids[w]);
    this.#buf[this.#pos++] = log.traceFlags;
    this.#str(log.scopeName, true);
    this.#str(log.scopeVersion, true);
    this.#str(log.eventName, true);
  }

  /**
   * A standalone attribute set with inline strings (no interning, so it does not depend on
   * this writer's table): how a metric series is registered. Returns a copy.
   */
  encodeAttributes(list: AttributeList): Uint8Array {
    const start = this.#pos;
    this.#inlineOnly = true;
    try {
      this.#attributes(list);
    } catch (error) {
      this.#pos = start;
      throw error;
    } finally {
      this.#inlineOnly = false;
    }
    const out = this.#buf.slice(start, this.#pos);
    this.#pos = start;
    return out;
  }

  #writeSpanRecord(span: SpanRecord): void {
    this.#ensure(64);
    // Ids written in place: this runs once per span, before the JIT has warmed up too.
    const view = this.#view;
    const p = this.#pos;
    this.#buf[p] = OP_SPAN;
    view.setUint32(p + 1, span.t0, false);
    view.setUint32(p + 5, span.t1, false);
    view.setUint32(p + 9, span.t2, false);
    view.setUint32(p + 13, span.t3, false);
    view.setUint32(p + 17, span.s0, false);
    view.setUint32(p + 21, span.s1, false);
    view.setUint32(p + 25, span.p0, false);
    view.setUint32(p + 29, span.p1, false);
    this.#buf[p + 33] = span.traceFlags;
    this.#buf[p + 34] = span.kind + 1;
    this.#pos = p + 35;
    this.#str(span.name, true);
    this.#str(span.scopeName, true);
    this.#str(span.scopeVersion, true);
    this.#str(span.traceState, false);
    this.#ensure(17);
    this.#f64(span.startMs);
    this.#f64(span.endMs);
    this.#buf[this.#pos++] = span.statusCode;
    this.#str(span.statusMessage, false);
    this.#attributes(span.attributes, true);

    const events = span.events;
    this.#varint(events ? events.length : 0);
    if (events) {
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        this.#str(e.name, true);
        this.#ensure(8);
        this.#f64(e.timeMs);
        this.#attributes(e.attributes);
      }
    }
    this.#varint(span.droppedEvents);

    const links = span.links;
    this.#varint(links ? links.length : 0);
    if (links) {
      for (let i = 0; i < links.length; i++) {
        const l = links[i];
        this.#ensure(24);
        for (let w = 0; w < 6; w++) this.#word(l.ids[w]);
        this.#str(l.traceState, false);
        this.#attributes(l.attributes);
      }
    }
    this.#varint(span.droppedLinks);
  }

  /** `span`: a span's own attributes, one numeric type per key (trace/number_types.ts). */
  #attributes(list: AttributeList, span = false): void {
    const { keys, values } = list;
    this.#varint(keys.length);
    for (let i = 0; i < keys.length; i++) {
      this.#str(keys[i], true);
      const v = values[i];
      if (span && typeof v === 'number' && sentAsDouble(keys[i], v)) {
        this.#ensure(9);
        this.#buf[this.#pos++] = TAG_DOUBLE;
        this.#f64(v);
      } else {
        this.#value(v, 0);
      }
    }
    this.#varint(list.dropped);
  }

  /** Values were checked where they entered; `depth` counts enclosing arrays and maps. */
  #value(v: unknown, depth: number): void {
    this.#ensure(9);
    switch (typeof v) {
      case 'string':
        this.#buf[this.#pos++] = TAG_STRING;
        // Short values (an HTTP method, a route, a component name) repeat like keys do.
        this.#str(v, v.length <= 32);
        return;
      case 'boolean':
        this.#buf[this.#pos++] = v ? TAG_TRUE : TAG_FALSE;
        return;
      case 'number':
        this.#buf[this.#pos++] = Number.isSafeInteger(v) ? TAG_INT : TAG_DOUBLE;
        this.#f64(v);
        return;
    }
    if (depth < MAX_VALUE_DEPTH && Array.isArray(v)) {
      this.#buf[this.#pos++] = TAG_ARRAY;
      this.#varint(v.length);
      // One element type per array in OTLP: if any number has a fraction, all are doubles.
      const doubles = v.some((x) => typeof x === 'number' && !Number.isSafeInteger(x));
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (doubles && typeof x === 'number') {
          this.#ensure(9);
          this.#buf[this.#pos++] = TAG_DOUBLE;
          this.#f64(x);
        } else {
          this.#value(x, depth + 1);
        }
      }
      return;
    }
    if (depth < MAX_VALUE_DEPTH && v instanceof KeyValueList) {
      this.#buf[this.#pos++] = TAG_MAP;
      this.#varint(v.entries.length);
      for (const [key, value] of v.entries) {
        this.#str(key, true);
        this.#value(value, depth + 1);
      }
      return;
    }
    // null (an empty array entry), or at the top level anything a sanitizer let through by
    // mistake: written as an empty string rather than breaking the chunk.
    if (depth > 0) {
      this.#buf[this.#pos++] = TAG_EMPTY;
    } else {
      this.#buf[this.#pos++] = TAG_STRING;
      this.#varint(STR_INLINE);
    }
  }

  #str(s: string, intern: boolean): void {
    if (s.length === 0) {
      // Most trace states, status messages and scope versions.
      this.#ensure(1);
      this.#buf[this.#pos++] = STR_INLINE;
      return;
    }
    if (intern && !this.#inlineOnly) {
      const id = this.#interned.get(s);
      if (id !== undefined) {
        if (id < 32) {
          // The hottest strings get the lowest numbers: one byte, no call.
          this.#ensure(1);
          this.#buf[this.#pos++] = (id << 2) | STR_INTERNED;
        } else {
          this.#varint((id << 2) | STR_INTERNED);
        }
        return;
      }
      if (s.length <= MAX_INTERNED_LENGTH && this.#interned.size < MAX_INTERNED_STRINGS) {
        this.#interned.set(s, this.#interned.size);
        this.#utf8(s, STR_DEFINE);
        return;
      }
    }
    this.#utf8(s, STR_INLINE);
  }

  #utf8(s: string, form: number): void {
    const n = s.length;
    this.#ensure(n * 3 + 5);
    const buf = this.#buf;
    if (n < 32) {
      // Short strings: a plain loop beats TextEncoder's call overhead when they are ASCII.
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        buf[this.#pos++] = (n << 2) | form; // n < 32, so the header fits one varint byte
        for (let i = 0; i < n; i++) buf[this.#pos++] = s.charCodeAt(i);
        return;
      }
    }
    // Encode after a 5-byte gap, then close the gap once the length (and so its varint) is known.
    const start = this.#pos + 5;
    const written = encoder.encodeInto(s, buf.subarray(start)).written;
    const header = written * 4 + form;
    const headerLen = varintLength(header);
    this.#varint(header);
    if (headerLen < 5) buf.copyWithin(this.#pos, start, start + written);
    this.#pos += written;
  }

  #word(w: number): void {
    // Big-endian, so the bytes read in order are the hex digits `spanContext()` shows.
    this.#view.setUint32(this.#pos, w, false);
    this.#pos += 4;
  }

  #f64(v: number): void {
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  #varint(v: number): void {
    this.#ensure(5);
    while (v > 0x7f) {
      this.#buf[this.#pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.#buf[this.#pos++] = v;
  }

  #ensure(extra: number): void {
    if (this.#pos + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }
}

function varintLength(v: number): number {
  let n = 1;
  while (v > 0x7f) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

// What a span or log record written by the JS record writer must look like once the core has
// encoded it and the official opentelemetry-proto package has decoded it (in the receiver's
// JSON form, tests/receiver/otlp_json.py). Written from the OTLP spec and the writer's
// documented conversions, independently of the Rust transcoder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST } from './load_core.mjs';

const { KeyValueList } = await import(`${DIST}wire/record_writer.js`);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KINDS = ['SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
/** SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK: the SDK knows whether each parent was remote. */
const HAS_IS_REMOTE = 0x100;

/** Request bodies ({ signal, body }) decoded by tests/js/decode_otlp.py: { spans, logs }. */
export function decodeRequests(bodies) {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-'));
  try {
    bodies.forEach(({ signal, body }, i) => writeFileSync(join(dir, `${i}.${signal === 0 ? 'traces' : 'logs'}`), body));
    // Through a file: tens of MB through a pipe cost seconds of reallocation in spawnSync.
    execFileSync(join(ROOT, '.venv/bin/python'), [join(ROOT, 'tests/js/decode_otlp.py'), dir, join(dir, 'out.json')]);
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const hex = (words) => words.map((w) => w.toString(16).padStart(8, '0')).join('');
const zero = (words) => words.every((w) => w === 0);

/** Milliseconds since the epoch as decimal nanoseconds, the fraction rounded to the nanosecond. */
export function nanos(ms) {
  const whole = Math.floor(ms);
  return String(BigInt(whole) * 1000000n + BigInt(Math.round((ms - whole) * 1e6)));
}

function anyValue(v) {
  if (typeof v === 'string') return { type: 'string', value: v.toWellFormed() }; // lone surrogates become U+FFFD in UTF-8
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (typeof v === 'number') return { type: Number.isSafeInteger(v) ? 'int' : 'double', value: v };
  if (Array.isArray(v)) {
    // One element type per array: a fraction anywhere makes every number a double.
    const doubles = v.some((x) => typeof x === 'number' && !Number.isSafeInteger(x));
    return { type: 'array', value: v.map((x) => (x === null ? { type: 'empty', value: null } : doubles && typeof x === 'number' ? { type: 'double', value: x } : anyValue(x))) };
  }
  if (v instanceof KeyValueList) return { type: 'kvlist', value: Object.fromEntries(v.entries.map(([k, x]) => [k.toWellFormed(), anyValue(x)])) };
  throw new Error(`no expectation for ${v}`);
}

const attributes = (list) => Object.fromEntries(list.keys.map((k, i) => [k.toWellFormed(), anyValue(list.values[i])]));

export function expectedSpan(s) {
  return {
    trace_id: hex([s.t0, s.t1, s.t2, s.t3]),
    span_id: hex([s.s0, s.s1]),
    parent_span_id: zero([s.p0, s.p1]) ? '' : hex([s.p0, s.p1]),
    trace_state: s.traceState,
    name: s.name.toWellFormed(),
    kind: KINDS[s.kind],
    start_time_unix_nano: nanos(s.startMs),
    end_time_unix_nano: nanos(s.endMs),
    attributes: attributes(s.attributes),
    dropped_attributes_count: s.attributes.dropped,
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      time_unix_nano: nanos(e.timeMs),
      attributes: attributes(e.attributes),
      dropped_attributes_count: e.attributes.dropped,
    })),
    dropped_events_count: s.droppedEvents,
    links: (s.links ?? []).map((l) => ({
      trace_id: hex(l.ids.slice(0, 4)),
      span_id: hex(l.ids.slice(4)),
      trace_state: l.traceState,
      attributes: attributes(l.attributes),
      dropped_attributes_count: l.attributes.dropped,
      flags: HAS_IS_REMOTE,
    })),
    dropped_links_count: s.droppedLinks,
    status: { code: STATUS[s.statusCode], message: s.statusMessage },
    flags: HAS_IS_REMOTE | s.traceFlags,
    scope: [s.scopeName, s.scopeVersion],
  };
}

export function expectedLog(l) {
  const correlated = !zero(l.ids.slice(0, 4)) && !zero(l.ids.slice(4));
  return {
    time_unix_nano: nanos(l.timeMs),
    observed_time_unix_nano: nanos(l.observedTimeMs),
    severity_number: l.severityNumber,
    severity_text: l.severityText,
    body: l.body === undefined ? null : anyValue(l.body),
    attributes: attributes(l.attributes),
    dropped_attributes_count: l.attributes.dropped,
    flags: correlated ? l.traceFlags : 0,
    trace_id: correlated ? hex(l.ids.slice(0, 4)) : '',
    span_id: correlated ? hex(l.ids.slice(4)) : '',
    event_name: l.eventName,
    scope: [l.scopeName, l.scopeVersion],
  };
}

// The JS record writer and the Rust decoder must agree on every construct: random spans and log
// records of every shape go through writer → core → OTLP request, and what the official
// opentelemetry-proto package decodes from the requests must be exactly what was written
// (decode_otlp.py; expectations in record_expectations.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordWriter, MAX_INTERNED_STRINGS, newAttributeList, newCore, coreStats, DIST } from './load_core.mjs';
import { decodeRequests, expectedLog, expectedSpan } from './record_expectations.mjs';

const { KeyValueList } = await import(`${DIST}wire/record_writer.js`);

// mulberry32: deterministic, and exact in 32-bit integer arithmetic (an LCG multiplied in
// doubles loses its low bits and cycles within a few hundred values).
let seed = 12345;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const strings = ['', 'a', 'GET', 'héllo', '🌍 emoji', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(200), 'ü'.repeat(50), '\u0000nul', '\ud800lone'];

function randomValue(depth = 0) {
  switch (Math.floor(rand() * (depth ? 3 : 4))) {
    case 0:
      return pick(strings) + (rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : '');
    case 1:
      return pick([0, -1, 42, 2 ** 53 - 1, -(2 ** 53) + 1, 0.5, -3.25, 1e300, 5e-324]);
    case 2:
      return rand() < 0.5;
    default: {
      const kind = pick(['s', 'n', 'b']);
      return Array.from({ length: Math.floor(rand() * 5) }, () => (rand() < 0.1 ? null : kind === 's' ? pick(strings) : kind === 'n' ? pick([1, 2.5, -3]) : rand() < 0.5));
    }
  }
}

function attrs(n, keyPrefix) {
  const list = newAttributeList();
  for (let i = 0; i < n; i++) {
    list.keys.push(`${keyPrefix}.${Math.floor(rand() * 50)}.${i}`);
    list.values.push(randomValue());
  }
  list.dropped = Math.floor(rand() * 3);
  return list;
}

function randomSpan(i) {
  const w = () => Math.floor(rand() * 2 ** 32);
  return {
    t0: w(), t1: w(), t2: w(), t3: w() || 1, s0: w(), s1: w() || 1,
    p0: rand() < 0.5 ? 0 : w(), p1: rand() < 0.5 ? 0 : w(),
    traceFlags: i % 2, kind: i % 5,
    name: rand() < 0.5 ? `span ${i % 20}` : `unique span ${i} ${pick(strings)}`,
    scopeName: pick(['a', 'b', 'scope-c']), scopeVersion: pick(['', '1.0']), traceState: pick(['', 'k=v']),
    startMs: 1.7e12 + i, endMs: 1.7e12 + i + rand() * 100,
    statusCode: i % 3, statusMessage: pick(['', 'boom']),
    attributes: attrs(Math.floor(rand() * 8), `k${i % 7}`),
    events: rand() < 0.3 ? Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, e) => ({ name: pick(['evt', 'exception', `event ${i}.${e}`]), timeMs: 1.7e12 + i + rand(), attributes: attrs(Math.floor(rand() * 3), 'e') })) : undefined,
    droppedEvents: Math.floor(rand() * 3),
    links: rand() < 0.2 ? Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({ ids: [w(), w(), w(), w() || 1, w(), w() || 1], traceState: pick(['', 'k=v', 'vendor=é']), attributes: attrs(Math.floor(rand() * 2), 'l') })) : undefined,
    droppedLinks: Math.floor(rand() * 2),
  };
}

function randomBody(depth = 0) {
  if (depth < 2 && rand() < 0.3) {
    const n = Math.floor(rand() * 4);
    return new KeyValueList(Array.from({ length: n }, (_, i) => [`${pick(['msg', 'n', 'é'])}.${i}`, randomBody(depth + 1)]));
  }
  return randomValue(depth ? 1 : 0);
}

function randomLog(i) {
  const w = () => Math.floor(rand() * 2 ** 32) || 1;
  const inSpan = rand() < 0.5;
  const attributes = attrs(Math.floor(rand() * 6), `l${i % 5}`);
  attributes.keys.unshift('log.seq'); // to match records up: scopes regroup them
  attributes.values.unshift(i);
  return {
    timeMs: rand() < 0.1 ? 0 : 1.7e12 + i + rand(),
    observedTimeMs: 1.7e12 + i + 0.25,
    severityNumber: Math.floor(rand() * 25),
    severityText: pick(['', 'INFO', 'WARN', `sev ${i}`]),
    body: rand() < 0.15 ? undefined : randomBody(),
    attributes,
    ids: inSpan ? [w(), w(), w(), w(), w(), w()] : [0, 0, 0, 0, 0, 0],
    traceFlags: i % 2,
    scopeName: pick(['app', 'checkout', `scope ${i % 9}`]),
    scopeVersion: pick(['', '2.1']),
    eventName: pick(['', 'browser.click']),
  };
}

test('every span and log record the writer produces arrives exactly as written, across interning resets', () => {
  const core = newCore({ batch: { maxQueueSize: 100000, maxExportBatchSize: 1000 }, logBatch: { maxQueueSize: 100000, maxExportBatchSize: 1000 } });
  const bodies = [];
  const written = { spans: [], logs: [] };
  for (const [signal, total, make, list, writeName] of [
    [0, 12000, randomSpan, written.spans, 'writeSpan'], // enough unique strings to overflow the intern table several times
    [2, 3000, randomLog, written.logs, 'writeLog'],
  ]) {
    const writer = new RecordWriter();
    let queued = 0;
    for (let i = 0; i < total; i++) {
      const item = make(i);
      list.push(item);
      writer[writeName](item);
      if (i === total >> 1) writer.resetStrings(); // as after a discarded chunk
      if (writer.length > 32 * 1024 || i === total - 1) queued = core.ingest(signal, writer.take());
    }
    assert.equal(queued, total);
    let exported = 0;
    for (let body = core.takeRequest(signal, 0); body; body = core.takeRequest(signal, 0)) {
      bodies.push({ signal, body: body.slice() });
      exported += core.lastBatchSize();
    }
    assert.equal(exported, total);
  }
  assert.equal(coreStats(core).malformedRecordChunks, 0);
  assert.ok(MAX_INTERNED_STRINGS < 12000);
  core.free();

  const decoded = decodeRequests(bodies);
  const bySpanId = new Map(decoded.spans.map((s) => [s.span_id, s]));
  assert.equal(bySpanId.size, written.spans.length, 'every span once');
  for (const span of written.spans) {
    const expected = expectedSpan(span);
    assert.deepEqual(pickKeys(bySpanId.get(expected.span_id), expected), expected);
  }
  const bySeq = new Map(decoded.logs.map((l) => [l.attributes['log.seq'].value, l]));
  assert.equal(bySeq.size, written.logs.length, 'every log record once');
  written.logs.forEach((log, i) => {
    const expected = expectedLog(log);
    assert.deepEqual(pickKeys(bySeq.get(i), expected), expected);
  });
});

/** The decoded item's fields that `expected` names (the rest is request context). */
function pickKeys(actual, expected) {
  assert.ok(actual, `missing: ${JSON.stringify(expected).slice(0, 200)}`);
  return Object.fromEntries(Object.keys(expected).map((k) => [k, actual[k]]));
}

test('a malformed chunk is rejected cleanly and the writer recovers after resetStrings', () => {
  const core = newCore();
  const writer = new RecordWriter();
  writer.writeSpan(randomSpan(1));
  const chunk = writer.take().slice();
  assert.equal(core.ingest(0, chunk), 1);
  // Cut in the middle: the decoder reports it and resets its table.
  assert.equal(core.ingest(0, chunk.subarray(0, chunk.length - 3)), -1);
  assert.equal(coreStats(core).malformedRecordChunks, 1);
  writer.resetStrings();
  writer.writeSpan(randomSpan(2));
  assert.equal(core.ingest(0, writer.take()), 2);
  assert.equal(coreStats(core).malformedRecordChunks, 1);
  core.free();
});

test('a span that throws while being written leaves no half record and no stray interned string', () => {
  const core = newCore();
  const writer = new RecordWriter();
  assert.equal(writer.writeSpan(randomSpan(10)), true);
  // Name, scope, attributes and events are written before `links` is read: it throws halfway,
  // after defining new interned strings (a fresh name and keys).
  const hostile = { ...randomSpan(11), name: 'never interned before', attributes: attrs(3, 'fresh.key') };
  Object.defineProperty(hostile, 'links', {
    get() {
      throw new Error('hostile getter');
    },
  });
  let threw;
  try {
    assert.equal(writer.writeSpan(hostile), false);
  } catch (e) {
    threw = e;
  }
  assert.equal(threw, undefined, 'writeSpan never throws');
  // The next span reuses the same name: had the rolled-back definition stayed interned, it would
  // be referred to by a number the core never learnt.
  const next = { ...randomSpan(12), name: 'never interned before' };
  assert.equal(writer.writeSpan(next), true);
  assert.equal(core.ingest(0, writer.take()), 2, 'both good spans decode');
  assert.equal(coreStats(core).malformedRecordChunks, 0);
  assert.equal(writer.writeLog({ timeMs: 1, observedTimeMs: 1, severityNumber: 9, severityText: 'INFO', body: new Proxy([], { get() { throw new Error('trap'); } }), attributes: newAttributeList(), ids: [0, 0, 0, 0, 0, 0], traceFlags: 0, scopeName: 's', scopeVersion: '', eventName: '' }), false);
  assert.equal(writer.length, 0, 'the failed log record left nothing behind');
  core.free();
});

// The JS record writer and the Rust decoder must agree on every construct: random spans of
// every shape go through writer → core and must all decode (malformedRecordChunks stays 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordWriter, MAX_INTERNED_STRINGS, newAttributeList, newCore } from './load_core.mjs';

let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
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
    traceFlags: 1, kind: i % 5,
    name: rand() < 0.5 ? `span ${i % 20}` : `unique span ${i} ${pick(strings)}`,
    scopeName: pick(['a', 'b', 'scope-c']), scopeVersion: pick(['', '1.0']), traceState: pick(['', 'k=v']),
    startMs: 1.7e12 + i, endMs: 1.7e12 + i + rand() * 100,
    statusCode: i % 3, statusMessage: pick(['', 'boom']),
    attributes: attrs(Math.floor(rand() * 8), `k${i % 7}`),
    events: rand() < 0.3 ? [{ name: 'evt', timeMs: 1.7e12, attributes: attrs(2, 'e') }] : undefined,
    droppedEvents: 0,
    links: rand() < 0.2 ? [{ ids: [1, 2, 3, 4, 5, 6], traceState: '', attributes: attrs(1, 'l') }] : undefined,
    droppedLinks: 0,
  };
}

test('every span the writer produces decodes in the core, across interning resets', () => {
  const core = newCore({ batch: { maxQueueSize: 100000, maxExportBatchSize: 1000 } });
  const writer = new RecordWriter();
  const total = 12000; // enough unique strings to overflow the intern table several times
  let queued = 0;
  for (let i = 0; i < total; i++) {
    writer.writeSpan(randomSpan(i));
    if (writer.length > 32 * 1024 || i === total - 1) queued = core.ingest(0, writer.take());
  }
  const stats = core.stats();
  assert.equal(stats.malformedRecordChunks, 0);
  assert.equal(queued, total);
  let exported = 0;
  for (let body = core.takeRequest(0, 0); body; body = core.takeRequest(0, 0)) {
    assert.ok(body.byteLength > 0);
    exported += core.lastBatchSize();
  }
  assert.equal(exported, total);
  assert.ok(MAX_INTERNED_STRINGS < total);
  core.free();
});

test('a malformed chunk is rejected cleanly and the writer recovers after resetStrings', () => {
  const core = newCore();
  const writer = new RecordWriter();
  writer.writeSpan(randomSpan(1));
  const chunk = writer.take().slice();
  assert.equal(core.ingest(0, chunk), 1);
  // Cut in the middle: the decoder reports it and resets its table.
  assert.equal(core.ingest(0, chunk.subarray(0, chunk.length - 3)), -1);
  assert.equal(core.stats().malformedRecordChunks, 1);
  writer.resetStrings();
  writer.writeSpan(randomSpan(2));
  assert.equal(core.ingest(0, writer.take()), 2);
  assert.equal(core.stats().malformedRecordChunks, 1);
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
  assert.equal(core.stats().malformedRecordChunks, 0);
  assert.equal(writer.writeLog({ timeMs: 1, observedTimeMs: 1, severityNumber: 9, severityText: 'INFO', body: new Proxy([], { get() { throw new Error('trap'); } }), attributes: newAttributeList(), ids: [0, 0, 0, 0, 0, 0], traceFlags: 0, scopeName: 's', scopeVersion: '', eventName: '' }), false);
  assert.equal(writer.length, 0, 'the failed log record left nothing behind');
  core.free();
});

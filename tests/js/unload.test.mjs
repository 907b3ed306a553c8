// Page hide in Node: what the real fetch transport hands to `fetch` (keepalive flag and body
// sizes within the browser's budget), a retry sleeping in backoff, a compression in progress
// and a 413 when the page is hidden, a keepalive request failing after pagehide, and metrics
// collected at hide while an export is still waiting for its answer. The browser side (a real
// tab close and navigation, IndexedDB) is in tests/e2e/unload.e2e.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// `fetch` as the transport will see it: the transport captures the global when its module loads.
const fetched = [];
let answer = () => new Response(null, { status: 200, headers: { 'content-length': '0' } });
globalThis.fetch = async (url, init) => {
  // Bodies over 64 KiB go to fetch as a Blob (fetch_transport.ts), smaller ones as bytes.
  fetched.push({ url, keepalive: init.keepalive, bytes: init.body instanceof Blob ? init.body.size : init.body.byteLength, init });
  await new Promise((r) => setTimeout(r, 5));
  return answer(init);
};
const { fetchTransport, KEEPALIVE_BODY_LIMIT } = await import('../../build/pkg/dist/export/fetch_transport.js');
const { CoreHandle, Sender, TelemetrySdk, deliverySettings, fakeTransport, newCore, newSdk, encodedSpans } = await import('./load_core.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sender(core, transport, { hidden = () => false, sleep: sleepFn } = {}) {
  return new Sender(new CoreHandle(core, core.settings), transport, deliverySettings(core.settings), hidden, sleepFn);
}

test('fetchTransport: keepalive while the bytes in flight stay within the budget, and exactly the bytes it was given', async () => {
  fetched.length = 0;
  const first = new Uint8Array(40 * 1024);
  const second = new Uint8Array(30 * 1024);
  const third = new Uint8Array(15 * 1024);
  assert.equal(fetchTransport.keepaliveRoom(), KEEPALIVE_BODY_LIMIT);
  const answers = [first, second, third].map((b) => fetchTransport('http://h/v1/otlp/v1/traces', {}, b, 1000, true));
  assert.equal(fetchTransport.keepaliveRoom(), KEEPALIVE_BODY_LIMIT - 55 * 1024, 'the first and the third are counted');
  await Promise.all(answers);
  assert.deepEqual(
    fetched.map((f) => [f.bytes, f.keepalive]),
    [
      [40 * 1024, true],
      [30 * 1024, false], // 70 KiB would pass the budget: sent without keepalive
      [15 * 1024, true],
    ],
  );
  assert.ok(fetched.every((f) => f.init.credentials === 'omit' && f.init.method === 'POST'));
  await sleep(10); // the empty bodies are read in the background, then the budget is given back
  assert.equal(fetchTransport.keepaliveRoom(), KEEPALIVE_BODY_LIMIT);
});

test('page hidden: what fetch receives with keepalive stays within 64 KiB; nothing over it goes as a plain request or silently', async () => {
  fetched.length = 0;
  const core = newCore({ compression: 'none', batch: { maxExportBatchSize: 400, maxQueueSize: 400 } });
  const s = sender(core, fetchTransport, { hidden: () => true });
  const body = encodedSpans(core, 400, 1024);
  assert.ok(body.byteLength > 400 * 1024);
  await s.send(0, body, 400);
  assert.ok(fetched.length >= 1);
  assert.ok(fetched.every((f) => f.keepalive), 'no plain request, which a closing page would cancel');
  assert.ok(fetched.reduce((n, f) => n + f.bytes, 0) <= 64 * 1024, fetched.map((f) => f.bytes).join(', '));
  const stats = s.counters;
  // No IndexedDB in Node: the rest could not be kept, and says so in the counters.
  assert.equal(stats.spansExported + stats.spansFailedExport, 400);
  assert.ok(stats.spansExported > 0 && stats.spansFailedExport > 0);
});

test('a batch in flight as a plain request was split while visible: page hide splits nothing', async () => {
  // Firefox cancels a closing tab's running script: a split at pagehide was cut off mid-call.
  fetched.length = 0;
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 400, maxQueueSize: 400 } });
  let hiding = false;
  let splitsAtHide = 0;
  let hidden = false;
  const s = sender(core, fetchTransport, { hidden: () => hidden });
  const split = s.halves.bind(s);
  s.halves = (signal, body) => {
    if (hiding) splitsAtHide++;
    return split(signal, body);
  };
  const previous = answer;
  // The plain request stays in flight until page hide aborts it.
  let first = true;
  answer = (init) => {
    if (init.keepalive || !first) return previous(init);
    first = false;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
  };
  try {
    const sent = s.send(0, encodedSpans(core, 400, 1024), 400);
    await sleep(30);
    // What fits the keepalive budget goes as a keepalive request of its own while visible.
    assert.deepEqual(fetched.map((f) => f.keepalive), [true, false], 'a keepalive head, and the rest as one plain request in flight');
    assert.ok(fetched[0].bytes <= KEEPALIVE_BODY_LIMIT && fetched[1].bytes > KEEPALIVE_BODY_LIMIT, fetched.map((f) => f.bytes).join(', '));
    assert.equal(s.counters.requestsSplit, 1, 'head and rest; splits made ahead of time are not counted until used');
    hidden = true;
    hiding = true;
    s.pageHiding(true);
    hiding = false;
    await sent;
  } finally {
    answer = previous;
  }
  assert.equal(splitsAtHide, 0, 'no split in the page-hide task');
  const pieces = fetched.slice(2);
  assert.ok(pieces.length > 1 && pieces.every((f) => f.bytes <= KEEPALIVE_BODY_LIMIT), pieces.map((f) => f.bytes).join(', '));
  assert.equal(s.counters.requestsSplit, 1 + pieces.length - 1);
  assert.equal(s.counters.spansExported, 400);
});

test('a retry sleeping in backoff when the page hides goes at once with keepalive', async () => {
  const core = newCore({ offline: false, compression: 'none' });
  const { transport, calls } = fakeTransport([503, 200]);
  let hidden = false;
  const s = sender(core, transport, { hidden: () => hidden, sleep: () => new Promise(() => {}) }); // backoff never ends by itself
  const sent = s.send(0, encodedSpans(core, 5), 5);
  await sleep(30);
  assert.equal(calls.length, 1, 'first attempt answered 503; now sleeping');
  hidden = true;
  s.pageHiding(false);
  await Promise.race([sent, sleep(1000).then(() => assert.fail('the batch still sleeps after page hide'))]);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].keepalive, true);
  assert.equal(s.counters.spansExported, 5);
});

test('page hide during compression: the raw body goes at once with keepalive', async () => {
  const core = newCore({ offline: false, compression: { thresholdBytes: 100 } });
  const { transport, calls } = fakeTransport([200]);
  let hidden = false;
  const s = sender(core, transport, { hidden: () => hidden });
  const body = encodedSpans(core, 50, 200);
  const sent = s.send(0, body, 50);
  hidden = true; // before CompressionStream has answered
  s.pageHiding(false);
  await sent;
  assert.equal(calls.length, 1);
  assert.equal(calls[0].headers['content-encoding'], undefined);
  assert.equal(calls[0].bytes, body.byteLength);
  assert.equal(s.counters.spansExported, 50);
});

test('a 413 while the page is hidden is split, not dropped', async () => {
  const core = newCore({ offline: false, compression: 'none' });
  const { transport, calls } = fakeTransport([413, 200, 200]);
  const s = sender(core, transport, { hidden: () => true });
  await s.send(0, encodedSpans(core, 6), 6);
  assert.equal(calls.length, 3);
  assert.equal(s.counters.requestsSplit, 1);
  assert.equal(s.counters.spansExported, 6);
  assert.equal(s.counters.spansFailedExport, 0);
});

test('a keepalive request failing after pagehide is counted, not sent again', async () => {
  const core = newCore({ offline: false, compression: 'none' });
  const { transport, calls } = fakeTransport([0, 200]);
  const s = sender(core, transport, { hidden: () => true });
  s.pageHiding(true);
  await s.send(0, encodedSpans(core, 4), 4);
  assert.equal(calls.length, 1, 'the browser may still deliver it: a second copy could arrive twice');
  assert.equal(s.counters.itemsUnconfirmedAtUnload, 4);
});

test('metrics at page hide are collected and sent without waiting behind an export in flight', async () => {
  const calls = [];
  const release = [];
  const transport = (url, headers, body, timeoutMillis, keepalive) => {
    calls.push({ url, keepalive });
    return new Promise((resolve) => release.push(() => resolve({ status: 200, body: new Uint8Array(0) })));
  };
  const t = newSdk({ offline: false, metrics: { exportIntervalMillis: 60000 } }, transport);
  const counter = t.getMeter('m').createCounter('clicks');
  counter.add(1);
  void t.forceFlush(); // a metrics export that hangs: its answer comes after the page is gone
  await sleep(20);
  const metricCalls = () => calls.filter((c) => c.url.endsWith('/metrics'));
  assert.equal(metricCalls().length, 1);
  counter.add(2);
  void t['flushOnHide'](true); // what the pagehide listener runs
  await sleep(20);
  assert.equal(metricCalls().length, 2, 'collected and sent at hide, not after the export in flight');
  for (const r of release) r();
  await sleep(10);
});

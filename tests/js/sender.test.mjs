// Delivery rules with a fake transport and a recorded (not real) sleep: what is retried, how
// long it waits, what is never retried, and how a 413 is split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreHandle, RecordWriter, Sender, deliverySettings, fakeTransport, newCore, newAttributeList, retryDelay } from './load_core.mjs';

function setup(answers, config = {}) {
  const core = newCore({ offline: false, compression: 'none', ...config });
  const { transport, calls } = fakeTransport(answers);
  const sleeps = [];
  const sender = new Sender(new CoreHandle(core, core.settings), transport, deliverySettings(core.settings), () => false, async (ms) => sleeps.push(ms));
  return { core, sender, calls, sleeps };
}

/** An encoded trace request with `n` spans, from the core itself. */
function spans(core, n) {
  const writer = new RecordWriter();
  for (let i = 0; i < n; i++) {
    writer.writeSpan({
      t0: 1, t1: 2, t2: 3, t3: 4, s0: 5, s1: i + 1, p0: 0, p1: 0, traceFlags: 1, kind: 0, name: `s${i}`,
      scopeName: 'test', scopeVersion: '', traceState: '', startMs: 1.7e12, endMs: 1.7e12 + 1,
      statusCode: 0, statusMessage: '', attributes: newAttributeList(), events: undefined, droppedEvents: 0, links: undefined, droppedLinks: 0,
    });
  }
  core.ingest(0, writer.take());
  return core.takeRequest(0, 0);
}

const quiet = async (fn) => {
  const original = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(String(m));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return warnings;
};

test('retryable answers are retried with growing, jittered delays until accepted', async () => {
  const { core, sender, calls, sleeps } = setup([503, 0, 502, 200]);
  await sender.send(0, spans(core, 3), 3);
  assert.equal(calls.length, 4);
  assert.equal(sleeps.length, 3);
  [1000, 1500, 2250].forEach((base, i) => assert.ok(sleeps[i] >= base * 0.8 && sleeps[i] <= base * 1.2, `${sleeps[i]} ~ ${base}`));
  assert.equal(sender.counters.exportRetries, 3);
  assert.equal(sender.counters.spansExported, 3);
  assert.equal(sender.counters.spansFailedExport, 0);
});

test('Retry-After, in seconds or as a date, sets the wait', async () => {
  const { core, sender, sleeps } = setup([{ status: 429, retryAfter: '3' }, { status: 503, retryAfter: new Date(Date.now() + 10000).toUTCString() }, 200]);
  await sender.send(0, spans(core, 1), 1);
  assert.equal(sleeps[0], 3000);
  assert.ok(sleeps[1] > 8000 && sleeps[1] <= 10000, String(sleeps[1]));
  assert.equal(sender.counters.spansExported, 1);
  const s = deliverySettings(core.settings);
  assert.equal(retryDelay('0', 1, s), 0);
  assert.ok(retryDelay('soon', 1, s) >= 800, 'an unreadable value falls back to backoff');
  assert.equal(retryDelay(undefined, 10, s) <= 6000, true, 'capped at maxBackoffMillis (+20 %)');
});

test('answers that cannot succeed are not retried', async () => {
  for (const status of [400, 401, 403, 404, 500]) {
    const { core, sender, calls, sleeps } = setup([status]);
    const warnings = await quiet(() => sender.send(0, spans(core, 2), 2));
    assert.equal(calls.length, 1, `HTTP ${status}`);
    assert.equal(sleeps.length, 0);
    assert.equal(sender.counters.spansFailedExport, 2);
    assert.match(warnings[0], new RegExp(`HTTP ${status}`));
  }
});

test('a 413 is split in halves, each sent, nothing dropped', async () => {
  const { core, sender, calls } = setup([413, 413, 200, 200, 200]);
  await sender.send(0, spans(core, 4), 4);
  // 4 spans → 413 → 2+2; the first half 413 again → 1+1; then the second half.
  assert.equal(calls.length, 5);
  assert.equal(sender.counters.requestsSplit, 2);
  assert.equal(sender.counters.spansExported, 4);
  assert.ok(calls[2].bytes < calls[1].bytes && calls[1].bytes < calls[0].bytes);
});

test('past the last attempt, with no offline store, the batch is counted as failed', async () => {
  const { core, sender, calls } = setup([503, 503, 503], { retry: { maxAttempts: 3 } });
  const warnings = await quiet(() => sender.send(0, spans(core, 5), 5));
  assert.equal(calls.length, 3);
  assert.equal(sender.counters.spansFailedExport, 5);
  assert.match(warnings[0], /HTTP 503/);
});

test('large bodies are gzipped and say so', async () => {
  const core = newCore({ offline: false, compression: { thresholdBytes: 100 } });
  const { transport, calls } = fakeTransport([200]);
  const sender = new Sender(new CoreHandle(core, core.settings), transport, deliverySettings(core.settings), () => false);
  const body = spans(core, 50);
  await sender.send(0, body, 50);
  assert.equal(calls[0].headers['content-encoding'], 'gzip');
  assert.ok(calls[0].bytes < body.byteLength / 3, `${calls[0].bytes} vs ${body.byteLength}`);
  assert.deepEqual([...calls[0].body.subarray(0, 2)], [0x1f, 0x8b]);
});

test('while the page is hidden: keepalive, split under 60 KiB, no waiting', async () => {
  const core = newCore({ offline: false, compression: 'none', batch: { maxExportBatchSize: 2000, maxQueueSize: 2000 } });
  const { transport, calls } = fakeTransport();
  const sender = new Sender(new CoreHandle(core, core.settings), transport, deliverySettings(core.settings), () => true);
  const body = spans(core, 2000);
  assert.ok(body.byteLength > 60 * 1024);
  await sender.send(0, body, 2000);
  assert.ok(calls.length >= 2);
  assert.ok(calls.every((c) => c.keepalive && c.bytes <= 60 * 1024));
  assert.equal(sender.counters.spansExported, 2000);
});

// The export pipeline's behaviour in Node with a fake transport: batching, the schedule,
// flush and shutdown, bounded memory. (A core failure: core_failure.test.mjs, a real trap.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetrySdk, newCore, newSdk, fakeTransport } from './load_core.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a full batch exports at once; the rest waits for the scheduled delay', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ batch: { maxExportBatchSize: 4, scheduledDelayMillis: 100 } }, transport);
  for (let i = 0; i < 6; i++) t.tracer.startSpan(`s${i}`).end();
  await sleep(30);
  assert.equal(calls.length, 1, 'the first full batch went out without waiting');
  assert.equal(t.stats().spansQueued, 2, 'the other two wait for the scheduled delay');
  await sleep(150);
  assert.equal(calls.length, 2);
  const s = t.stats();
  assert.equal(s.spansExported, 6);
  assert.equal(s.spanExportRequests, 2);
  assert.equal(calls[0].url, 'http://127.0.0.1:4000/v1/otlp/v1/traces');
  assert.equal(calls[0].headers['x-greptime-pipeline-name'], 'greptime_trace_v1');
  assert.equal(calls[0].keepalive, true, 'asked for; what fetch then receives is checked in unload.test.mjs');
  await t.shutdown();
});

test('forceFlush exports everything and concurrent flushes all wait for it', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ batch: { maxExportBatchSize: 10, scheduledDelayMillis: 60000 } }, transport);
  for (let i = 0; i < 25; i++) t.tracer.startSpan('x').end();
  const flushes = [t.forceFlush(), t.forceFlush()];
  t.tracer.startSpan('late').end();
  const third = t.forceFlush();
  await Promise.all([...flushes, third]);
  assert.equal(t.stats().spansExported, 26);
  // 10 + 10 + 5 go out together (a flush sends up to three at once); the late span follows.
  assert.equal(calls.length, 4);
  assert.ok(calls.every((c) => c.bytes > 0));
  await t.shutdown();
});

test('memory stays bounded when the backend is down: the queue drops and counts', async () => {
  const { transport } = fakeTransport(new Array(1000).fill(503));
  const t = newSdk({ batch: { maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMillis: 60000 }, retry: { maxAttempts: 1 } }, transport);
  for (let i = 0; i < 5000; i++) t.tracer.startSpan('burst').end();
  const s = t.stats();
  assert.ok(s.spansQueued <= 100, `queued ${s.spansQueued}`);
  assert.ok(s.spansDroppedQueueFull >= 4800, `dropped ${s.spansDroppedQueueFull}`);
  await t.forceFlush();
  const after = t.stats();
  assert.equal(after.spansExported, 0);
  assert.equal(after.spansFailedExport + after.spansDroppedQueueFull + after.spansQueued, 5000);
  await t.shutdown();
});

test('shutdown flushes, frees the core, and later calls are harmless no-ops', async () => {
  const { transport, calls } = fakeTransport();
  const t = newSdk({ batch: { scheduledDelayMillis: 60000 } }, transport);
  t.tracer.startSpan('before').end();
  await t.shutdown();
  assert.equal(calls.length, 1);
  const span = t.tracer.startSpan('after');
  assert.equal(span.isRecording(), false);
  span.end();
  await t.forceFlush();
  await t.shutdown();
  const s = t.stats();
  assert.equal(s.spansExported, 1, 'stats survive shutdown');
  assert.equal(calls.length, 1);
});

// startTelemetry (one object model, telemetry.ts): spans, measurements and logs recorded before the WASM core has loaded are
// kept and sent once it is ready. Node stands in for a browser with a minimal `document`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { DIST } from './load_core.mjs';

globalThis.document = { visibilityState: 'visible', addEventListener() {}, removeEventListener() {} };

async function receiver() {
  const requests = [];
  const server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      requests.push(req.url);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

test('what is recorded before the core is ready is sent once it is', async () => {
  const { startTelemetry } = await import(`${DIST}index.js`);
  const server = await receiver();
  const t = startTelemetry({ endpoint: server.url, serviceName: 'early', batch: { scheduledDelayMillis: 60000 }, metrics: { exportIntervalMillis: 600000 } });
  assert.equal(t.enabled, true);
  const tracer = t.getTracer('boot');
  const parent = tracer.startSpan('app start');
  tracer.startActiveSpan('child', { parent }, () => t.logger.emit({ body: 'inside child' }));
  parent.end();
  const counter = t.meter.createCounter('boot.steps');
  counter.add(2);
  const gauge = t.meter.createObservableGauge('boot.gauge');
  gauge.addCallback((r) => r.observe(1));
  assert.equal(t.stats().spansStarted, 2);
  assert.equal(t.stats().spansExported, 0);

  const real = await t.ready;
  assert.equal(real.enabled, true);
  counter.add(3);
  t.tracer.startSpan('after ready').end();
  await t.forceFlush();
  const s = t.stats();
  assert.equal(s.spansStarted, 3);
  assert.equal(s.spansExported, 3);
  assert.equal(s.logsExported, 1);
  assert.equal(s.metricPointsExported, 2, 'the counter (2 + 3 in one series) and the gauge');
  assert.equal(s.droppedBeforeReady, 0);
  assert.deepEqual(server.requests.sort(), ['/v1/otlp/v1/logs', '/v1/otlp/v1/metrics', '/v1/otlp/v1/traces']);
  await t.shutdown();
  await server.close();
});

test('a configuration that cannot work becomes a no-op after ready, dropping what waited', async () => {
  const { startTelemetry } = await import(`${DIST}index.js`);
  const original = console.warn;
  const warnings = [];
  console.warn = (m) => warnings.push(String(m));
  try {
    const t = startTelemetry({ endpoint: 'not a url', serviceName: 'broken' });
    t.tracer.startSpan('x').end();
    t.meter.createCounter('c').add(1);
    const real = await t.ready;
    assert.equal(real.enabled, false);
    assert.equal(t.enabled, false);
    assert.equal(t.tracer.startSpan('y').isRecording(), false);
    assert.equal(t.tracer.startActiveSpan('z', () => 5), 5);
  } finally {
    console.warn = original;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /telemetry disabled: `endpoint` "not a url"/);
});

test('shutdown() before the core is ready records nothing more, and sends what waited once it is', async () => {
  const { startTelemetry } = await import(`${DIST}index.js`);
  const server = await receiver();
  const t = startTelemetry({ endpoint: server.url, serviceName: 'early-shutdown', batch: { scheduledDelayMillis: 60000 }, metrics: { exportIntervalMillis: 600000 } });
  t.tracer.startSpan('before shutdown').end();
  t.meter.createCounter('early.shutdown').add(4);
  const closing = t.shutdown();
  assert.equal(t.tracer.startSpan('after shutdown').isRecording(), false);
  await closing;
  const s = t.stats();
  assert.equal(s.spansExported, 1);
  assert.equal(s.metricPointsExported, 1);
  assert.equal(s.spansStarted, 1);
  assert.deepEqual(server.requests.sort(), ['/v1/otlp/v1/metrics', '/v1/otlp/v1/traces']);
  assert.equal(t.tracer.startSpan('after ready').isRecording(), false);
  await server.close();
});

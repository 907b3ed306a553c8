// Trace propagation in Chromium: fetch and XMLHttpRequest spans carry W3C traceparent to a
// listed backend (examples/traced-backend, OpenTelemetry's Python SDK), which continues the
// trace; unlisted origins get no header; sampling is decided once and followed on both sides.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, startBackend, useTestPage } from './harness.mjs';

const env = useTestPage();
let backend;
/** The backend, started on first use (after the receiver it exports to). */
const useBackend = async () => (backend ??= await startBackend(env.receiver.url));

after(async () => {
  await backend?.stop();
});

async function waitForSpans(predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = await env.receiver.spans();
    if (predicate(spans) || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a listed backend continues the browser’s trace; other origins get no header', async () => {
  await env.receiver.reset();
  await useBackend();
  const listed = `http://127.0.0.1:${backend.port}`;
  const unlisted = `http://localhost:${backend.port}`; // the same server, another origin
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(
    async ([endpoint, listed, unlisted]) => {
      const telemetry = await window.__gwt.initTelemetry({
        endpoint,
        serviceName: 'agent-web',
        instrumentFetch: true,
        instrumentXhr: true,
        propagateTraceHeaderCorsUrls: [listed],
      });
      const viaFetch = await telemetry.tracer.startActiveSpan('search clicked', async () => {
        const response = await fetch(`${listed}/api/search?q=greptime&token=secret`);
        return response.json();
      });
      const viaXhr = await telemetry.tracer.startActiveSpan('xhr clicked', () =>
        new Promise((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('GET', `${listed}/api/search?q=xhr`);
          xhr.onload = () => resolve(JSON.parse(xhr.responseText));
          xhr.send();
        }),
      );
      const unlistedAnswer = await (await fetch(`${unlisted}/api/search?q=other`)).json();
      await telemetry.forceFlush();
      return { viaFetch, viaXhr, unlistedAnswer };
    },
    [env.receiver.url, listed, unlisted],
  );
  assert.deepEqual(pageErrors, []);
  assert.match(result.viaFetch.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.match(result.viaXhr.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(result.unlistedAnswer.traceparent, null, 'no header to an unlisted origin (it would need a CORS preflight there)');

  const spans = await waitForSpans((s) => s.filter((x) => x.service_name === 'agent-backend').length >= 6);
  const by = (name, service) => spans.filter((s) => s.name === name && s.service_name === service);
  for (const [action, query] of [['search clicked', 'greptime'], ['xhr clicked', 'xhr']]) {
    const [root] = by(action, 'agent-web');
    const client = spans.find((s) => s.service_name === 'agent-web' && s.kind === 'SPAN_KIND_CLIENT' && s.parent_span_id === root.span_id);
    assert.ok(client, `${action}: the request is a client span under the action`);
    assert.equal(client.name, 'GET');
    assert.equal(client.attributes['url.full'].value, `${listed}/api/search`, 'no query string in url.full');
    assert.deepEqual(client.attributes['http.response.status_code'], { type: 'int', value: 200 });
    const server = spans.find((s) => s.service_name === 'agent-backend' && s.name === 'GET /api/search' && s.attributes['search.query']?.value === query);
    assert.equal(server.trace_id, root.trace_id, `${action}: one trace across browser and backend`);
    assert.equal(server.parent_span_id, client.span_id, `${action}: the backend's span is a child of the browser's request`);
    assert.equal(server.kind, 'SPAN_KIND_SERVER');
    const plan = spans.find((s) => s.name === 'agent.plan' && s.parent_span_id === server.span_id);
    assert.ok(plan);
  }
  // The exporter's own requests are never traced.
  assert.equal(spans.filter((s) => s.attributes['url.full']?.value?.includes('/v1/otlp')).length, 0);
  await page.close();
});

test('sampling: an unsampled trace records nothing on either side, and says so in traceparent', async () => {
  await env.receiver.reset();
  await useBackend();
  const listed = `http://127.0.0.1:${backend.port}`;
  const { page } = await openPage(env.browser, env.site.url);
  const answer = await page.evaluate(
    async ([endpoint, listed]) => {
      const telemetry = await window.__gwt.initTelemetry({
        endpoint,
        serviceName: 'agent-web',
        instrumentFetch: true,
        propagateTraceHeaderCorsUrls: [listed],
        sampleRatio: 0,
      });
      const result = await telemetry.tracer.startActiveSpan('unsampled action', async (span) => {
        const child = telemetry.tracer.startSpan('child');
        const recording = [span.isRecording(), child.isRecording()];
        child.end();
        const body = await (await fetch(`${listed}/api/search?q=unsampled`)).json();
        return { recording, body, traceId: span.spanContext().traceId };
      });
      await telemetry.forceFlush();
      return { ...result, stats: telemetry.stats() };
    },
    [env.receiver.url, listed],
  );
  assert.deepEqual(answer.recording, [false, false]);
  assert.match(answer.body.traceparent, new RegExp(`^00-${answer.traceId}-[0-9a-f]{16}-00$`));
  await new Promise((r) => setTimeout(r, 500));
  const spans = await env.receiver.spans();
  assert.deepEqual(spans.map((s) => s.name), [], 'the backend followed the sampled=0 flag');
  assert.equal(answer.stats.spansStarted, 0);

  // Half the traces, decided by the trace id: about half are recorded.
  const recorded = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'ratio', sampleRatio: 0.5 });
    let n = 0;
    for (let i = 0; i < 2000; i++) {
      const span = telemetry.tracer.startSpan('maybe');
      if (span.isRecording()) n++;
      span.end();
    }
    return n;
  }, env.receiver.url);
  assert.ok(recorded > 850 && recorded < 1150, `recorded ${recorded} of 2000`);
  await page.close();
});

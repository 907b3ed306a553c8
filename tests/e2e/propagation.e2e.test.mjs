// Trace propagation in Chromium: fetch and XMLHttpRequest spans carry W3C traceparent to a
// listed backend (examples/agent-backend: FastAPI with OpenTelemetry's Python SDK), which
// continues the trace; unlisted origins get no header; sampling is decided once and followed on
// both sides. What arrives is read back through the receiver's independent decode: the joined
// trace, the agent's metrics and its log correlated with its tool span.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, startBackend, useTestPage } from './harness.mjs';

let backend;
// Registered before the receiver's fixture, so it runs first: the agent flushes at shutdown,
// and a receiver already gone would hold that flush for the agent's export timeout.
after(async () => {
  await backend?.stop();
});
const env = useTestPage();
/** The agent, started on first use (after the receiver it exports to). */
const useBackend = async () => (backend ??= await startBackend(env.receiver.url));

async function waitForItems(read, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await read();
    if (predicate(items) || Date.now() > deadline) return items;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const waitForSpans = (predicate, timeoutMs) => waitForItems(env.receiver.spans, predicate, timeoutMs);

/** Latest point of each series of `name`, keyed by its attributes as `k=v,…` (sorted). */
function latestPoints(points, name) {
  const latest = new Map();
  for (const p of points.filter((x) => x.name === name && x.service_name === 'agent-backend')) {
    const key = Object.entries(p.attributes).map(([k, v]) => `${k}=${v.value}`).sort().join(',');
    latest.set(key, p);
  }
  return latest;
}

test('a listed agent continues the browser’s trace (click → tool call → FastAPI → tool span), with its metrics and a correlated log; other origins get no header', async () => {
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
      const { tracer } = telemetry;
      const post = (base, body) =>
        fetch(`${base}/api/agent?token=secret`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
      // As the example app does: a click span, a tool-call span inside it, its fetch inside that.
      const callTool = (tool) =>
        tracer.startActiveSpan(`click run ${tool}`, () => tracer.startActiveSpan('agent.tool_call', { attributes: { 'tool.name': tool } }, () => post(listed, { tool, input: 'greptime' })));
      const viaFetch = await callTool('search_docs');
      const broken = await callTool('broken_tool');
      const viaXhr = await tracer.startActiveSpan('xhr clicked', () =>
        new Promise((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', `${listed}/api/agent`);
          xhr.setRequestHeader('content-type', 'application/json');
          xhr.onload = () => resolve(JSON.parse(xhr.responseText));
          xhr.send(JSON.stringify({ tool: 'calculator', input: '2 3' }));
        }),
      );
      const unlistedAnswer = await post(unlisted, { tool: 'query_metrics' });
      // The UI reports its live elements to the agent: two added, one removed.
      for (const change of [1, 1, -1]) {
        await fetch(`${listed}/api/ui-elements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'card', change }) });
      }
      await telemetry.forceFlush();
      return { viaFetch, broken, viaXhr, unlistedAnswer };
    },
    [env.receiver.url, listed, unlisted],
  );
  assert.deepEqual(pageErrors, []);
  assert.match(result.viaFetch.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.match(result.viaXhr.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.deepEqual(result.viaXhr.results, [5]);
  assert.equal(result.broken.status, 'error');
  assert.equal(result.broken.error, 'tool failed: upstream timed out');
  assert.equal(result.unlistedAnswer.traceparent, null, 'no header to an unlisted origin (it would need a CORS preflight there)');
  assert.equal(result.unlistedAnswer.status, 'ok');

  // Per traced call: the FastAPI server span, agent_execution and the tool span (the unlisted
  // call and the UI element reports start traces of their own).
  const spans = await waitForSpans((s) => s.filter((x) => x.name.startsWith('execute_tool ')).length >= 4 && s.filter((x) => x.name === 'xhr clicked').length === 1);
  const by = (name, service) => spans.filter((s) => s.name === name && s.service_name === service);
  const childOf = (parent, predicate) => spans.filter((s) => s.parent_span_id === parent.span_id && predicate(s));
  for (const [action, tool] of [['click run search_docs', 'search_docs'], ['click run broken_tool', 'broken_tool'], ['xhr clicked', 'calculator']]) {
    const [root] = by(action, 'agent-web');
    assert.ok(root, `${action}: the browser's span arrived`);
    const [call] = tool === 'calculator' ? [root] : childOf(root, (s) => s.name === 'agent.tool_call');
    assert.ok(call, `${action}: the tool-call span is a child of the click`);
    const [client] = childOf(call, (s) => s.service_name === 'agent-web' && s.kind === 'SPAN_KIND_CLIENT');
    assert.ok(client, `${action}: the request is a client span under the tool call`);
    assert.equal(client.name, 'POST');
    assert.equal(client.attributes['url.full'].value, `${listed}/api/agent`, 'no query string in url.full');
    assert.deepEqual(client.attributes['http.response.status_code'], { type: 'int', value: 200 });
    const [server] = childOf(client, (s) => s.service_name === 'agent-backend');
    assert.ok(server, `${action}: the agent's FastAPI span is a child of the browser's request`);
    assert.equal(server.name, 'POST /api/agent');
    assert.equal(server.kind, 'SPAN_KIND_SERVER');
    assert.equal(server.trace_id, root.trace_id, `${action}: one trace across browser and agent`);
    const [execution] = childOf(server, (s) => s.name === 'agent_execution');
    assert.ok(execution, `${action}: agent_execution under the server span`);
    assert.equal(execution.attributes['agent.name'].value, 'workbench-agent');
    const [toolSpan] = childOf(execution, (s) => s.name === `execute_tool ${tool}`);
    assert.ok(toolSpan, `${action}: the tool span under agent_execution`);
    assert.equal(toolSpan.trace_id, root.trace_id);
    assert.equal(toolSpan.attributes['tool.name'].value, tool);
    assert.equal(toolSpan.attributes['agent.name'].value, 'workbench-agent');
    assert.equal(toolSpan.status.code, tool === 'broken_tool' ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET');
    assert.ok(BigInt(toolSpan.duration_nano) > 0n);
  }
  const unlistedServer = spans.find((s) => s.name === 'execute_tool query_metrics');
  assert.ok(!spans.some((s) => s.service_name === 'agent-web' && s.trace_id === unlistedServer.trace_id), 'the unlisted call started a trace of its own on the agent');
  // The exporter's own requests are never traced.
  assert.equal(spans.filter((s) => s.attributes['url.full']?.value?.includes('/v1/otlp')).length, 0);

  // The agent's log, written inside its failing tool span, carries that span's ids.
  const [brokenTool] = spans.filter((s) => s.name === 'execute_tool broken_tool');
  const logs = await waitForItems(env.receiver.logs, (l) => l.some((x) => x.severity_text === 'ERROR'));
  const failure = logs.find((l) => l.service_name === 'agent-backend' && l.severity_text === 'ERROR');
  assert.equal(failure.body.value, 'tool broken_tool failed: upstream timed out');
  assert.equal(failure.trace_id, brokenTool.trace_id, 'the log joins the browser’s trace');
  assert.equal(failure.span_id, brokenTool.span_id, 'and the agent’s tool span');
  assert.deepEqual(failure.attributes['tool.name'], { type: 'string', value: 'broken_tool' });

  // The agent's metrics (cumulative; exported every second in this test, every 15 s by default).
  const wanted = ['agent.requests', 'agent.tool.invocations', 'agent.tool.duration', 'agent.ui.elements'];
  const points = await waitForItems(env.receiver.metrics, (p) => {
    const calls = latestPoints(p, 'agent.tool.invocations');
    const ui = [...latestPoints(p, 'agent.ui.elements').values()];
    return calls.size === 4 && ui[0]?.value === 1;
  });
  const calls = latestPoints(points, 'agent.tool.invocations');
  const value = (map, key) => map.get(key)?.value;
  for (const tool of ['search_docs', 'calculator', 'query_metrics']) {
    assert.equal(value(calls, `agent.name=workbench-agent,status=ok,tool.name=${tool}`), 1, tool);
  }
  assert.equal(value(calls, 'agent.name=workbench-agent,status=error,tool.name=broken_tool'), 1);
  const requests = latestPoints(points, 'agent.requests');
  assert.equal(value(requests, 'agent.name=workbench-agent,status=ok'), 3);
  assert.equal(value(requests, 'agent.name=workbench-agent,status=error'), 1);
  assert.equal(value(latestPoints(points, 'agent.ui.elements'), 'ui.element.kind=card'), 1);
  const durations = latestPoints(points, 'agent.tool.duration');
  assert.equal(durations.size, 4);
  for (const p of durations.values()) {
    assert.equal(p.type, 'histogram');
    assert.equal(p.count, 1);
    assert.equal(p.unit, 's');
  }
  assert.deepEqual(wanted.filter((name) => !points.some((p) => p.name === name)), []);
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
        const body = await (await fetch(`${listed}/api/agent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tool: 'search_docs' }) })).json();
        return { recording, body, traceId: span.spanContext().traceId };
      });
      await telemetry.forceFlush();
      const stats = telemetry.stats();
      // Telemetry runs once per page: the next configuration needs this handle shut down first.
      await telemetry.shutdown();
      return { ...result, stats };
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

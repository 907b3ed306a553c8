// The example app, built by Vite from the packed tarball and also served by the Vite dev server
// (where dependency pre-bundling used to break WASM packages), driven like a user would in
// headless Chromium; the receiver's independent decode must show what the React hooks record.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startReceiver, serveStatic, launchBrowser, sdkWarnings } from '../../tests/e2e/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
let receiver, browser;

before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
});

async function openApp(url) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${url}/?endpoint=${encodeURIComponent(receiver.url)}`);
  await page.getByText('Agent workbench').waitFor();
  return { page, consoleMessages, pageErrors };
}

const byName = (spans, name) => spans.filter((s) => s.name === name);

test('production build: user actions, tracked callbacks, lifecycles, renders and errors arrive nested and measured', async () => {
  await receiver.reset();
  const site = await serveStatic(join(HERE, 'dist'));
  try {
    const { page, consoleMessages, pageErrors } = await openApp(site.url);
    await page.click('[data-tool="search_docs"]');
    await page.getByText('search_docs: 3 results').waitFor();
    await page.click('[data-tool="broken_tool"]');
    await page.getByText('broken_tool: tool failed: upstream timed out').waitFor();
    await page.click('[data-action="add-card"]');
    await page.waitForTimeout(150);
    await page.getByRole('button', { name: 'remove' }).click();
    await page.click('[data-action="rerender-chart"]');
    await page.click('[data-action="crash"]');
    await page.getByText('Widget failed: widget state is corrupt').waitFor();
    await page.evaluate(() => window.__telemetry.forceFlush());

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(sdkWarnings(consoleMessages), []);
    const spans = await receiver.spans();
    const names = spans.map((s) => s.name);

    // A click is a user action; the tracked tool call is its child; the fetch is the call's child.
    const [action] = byName(spans, 'click run search_docs');
    assert.ok(action, JSON.stringify(names));
    assert.equal(action.parent_span_id, '');
    assert.deepEqual(action.attributes['ui.button'], { type: 'string', value: 'search_docs' });
    const call = spans.find((s) => s.name === 'agent.tool_call' && s.parent_span_id === action.span_id);
    assert.ok(call, 'the tracked callback is a child of the user action');
    assert.equal(call.trace_id, action.trace_id);
    const fetchSpan = spans.find((s) => s.name === 'GET' && s.parent_span_id === call.span_id);
    assert.ok(fetchSpan, 'the fetch (instrumentFetch) is a client span under the tracked callback');
    assert.equal(fetchSpan.kind, 'SPAN_KIND_CLIENT');
    assert.equal(fetchSpan.attributes['url.full'].value, `${site.url}/tool-result.json`);
    assert.deepEqual(fetchSpan.attributes['http.response.status_code'], { type: 'int', value: 200 });
    assert.ok(BigInt(call.end_time_unix_nano) <= BigInt(action.end_time_unix_nano), 'the callback ends inside the action');
    assert.equal(action.scope.name, 'greptime-web-telemetry/react');

    // The failing tool: error status on the callback and the action, the log correlated.
    const [brokenAction] = byName(spans, 'click run broken_tool');
    const brokenCall = spans.find((s) => s.name === 'agent.tool_call' && s.parent_span_id === brokenAction.span_id);
    assert.deepEqual(brokenCall.status, { code: 'STATUS_CODE_ERROR', message: 'tool failed: upstream timed out' });
    assert.equal(brokenCall.events[0].name, 'exception');
    assert.equal(brokenAction.status.code, 'STATUS_CODE_UNSET', 'the click handler caught the error itself');

    // Lifecycles: the element lived at least the 150 ms it was shown; StrictMode did not double it.
    const lifecycles = byName(spans, 'UiElement lifecycle');
    assert.equal(lifecycles.length, 1);
    assert.ok(BigInt(lifecycles[0].duration_nano) >= 100000000n);
    assert.deepEqual(lifecycles[0].attributes['ui.element.kind'], { type: 'string', value: 'card' });
    assert.equal(byName(spans, 'AgentPanel lifecycle').length, 0, 'still mounted: its span has not ended');
    const upsert = byName(spans, 'ui.element upsert')[0];
    assert.ok(upsert, JSON.stringify(names));

    // The error boundary.
    const [boundary] = byName(spans, 'react.error_boundary');
    assert.equal(boundary.status.code, 'STATUS_CODE_ERROR');
    // A production build minifies component names; the stack still shows where in the tree it broke.
    assert.match(boundary.attributes['react.component_stack'].value, /at section[\s\S]*at main/);
    assert.deepEqual(boundary.events[0].attributes['exception.type'], { type: 'string', value: 'TypeError' });

    // Renders slower than 1 ms are spans too.
    assert.ok(byName(spans, 'render SlowChart').length >= 1);
    assert.equal(action.service_name, 'agent-workbench-web');

    // Metrics: the SDK's React metrics and the app's own.
    const points = await receiver.metrics();
    const find = (name, attrs) =>
      points.filter((p) => p.name === name && Object.entries(attrs).every(([k, v]) => p.attributes[k]?.value === v)).at(-1);
    assert.equal(find('agent.tool_calls', { 'tool.name': 'search_docs', status: 'ok' }).value, 1);
    assert.equal(find('agent.tool_calls', { 'tool.name': 'broken_tool', status: 'error' }).value, 1);
    assert.equal(find('react.callback.calls', { 'callback.name': 'agent.tool_call', status: 'ok' }).value, 1);
    assert.equal(find('react.callback.calls', { 'callback.name': 'agent.tool_call', status: 'error' }).value, 1);
    assert.equal(find('react.component.mounted', { 'react.component.name': 'UiElement' }).value, 0, 'mounted, then removed');
    assert.equal(find('react.component.mounted', { 'react.component.name': 'AgentPanel' }).value, 1);
    assert.equal(find('react.component.mounts', { 'react.component.name': 'AgentPanel' }).value, 1, 'StrictMode counted once');
    const lifetime = find('react.component.lifetime', { 'react.component.name': 'UiElement' });
    assert.equal(lifetime.count, 1);
    assert.ok(lifetime.sum >= 100);
    const renders = find('react.render.duration', { 'react.component.name': 'SlowChart', 'react.render.phase': 'update' });
    assert.ok(renders.count >= 1);

    // Logs: the tool failure (correlated) and the boundary's error.
    const logs = await receiver.logs();
    const failure = logs.find((l) => l.body?.value === 'tool broken_tool failed: tool failed: upstream timed out');
    assert.equal(failure.trace_id, brokenCall.trace_id, 'the log carries the failing call’s trace');
    assert.equal(failure.span_id, brokenCall.span_id, 'emitted after an await, still inside the tracked call');
    assert.ok(logs.some((l) => /React error boundary "widget" caught: TypeError: widget state is corrupt/.test(l.body?.value ?? '')));
    await page.close();
  } finally {
    await site.close();
  }
});

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test('Vite dev server, no plugin or optimizeDeps setting: the package loads and exports', async () => {
  await receiver.reset();
  const port = await freePort();
  const vite = spawn(join(HERE, 'node_modules/.bin/vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1', '--logLevel', 'warn'], { cwd: HERE, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (await fetch(url).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { page, consoleMessages, pageErrors } = await openApp(url);
    await page.click('[data-tool="query_metrics"]');
    await page.getByText('query_metrics: 3 results').waitFor();
    await page.evaluate(() => window.__telemetry.forceFlush());
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(sdkWarnings(consoleMessages), []);
    assert.equal(await page.evaluate(() => window.__telemetry.enabled), true);
    const spans = await receiver.spans();
    assert.equal(byName(spans, 'click run query_metrics').length, 1);
    assert.equal(byName(spans, 'agent.tool_call').length, 1);
    await page.close();
  } finally {
    vite.kill('SIGTERM');
  }
});

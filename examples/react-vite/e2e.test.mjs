// The example app, built by Vite from the packed tarball and also served by the Vite dev server
// (where dependency pre-bundling used to break WASM packages), driven like a user would in
// headless Chromium; the receiver's independent decode must show the nested spans.

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

test('production build: tool calls, errors, element lifetimes and renders arrive as nested spans', async () => {
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
    await page.evaluate(() => window.__telemetry.forceFlush());

    assert.deepEqual(pageErrors, []);
    assert.deepEqual(sdkWarnings(consoleMessages), []);
    const spans = await receiver.spans();
    const [tool] = byName(spans, 'agent.tool_call search_docs');
    assert.ok(tool, JSON.stringify(spans.map((s) => s.name)));
    assert.deepEqual(tool.attributes['tool.result_count'], { type: 'int', value: 3 });
    assert.equal(tool.status.code, 'STATUS_CODE_UNSET');
    const fetches = byName(spans, 'GET /tool-result.json');
    const toolFetch = fetches.find((f) => f.parent_span_id === tool.span_id);
    assert.ok(toolFetch, 'the fetch span is a child of its tool call');
    assert.equal(toolFetch.trace_id, tool.trace_id);
    assert.equal(toolFetch.kind, 'SPAN_KIND_CLIENT');
    assert.deepEqual(toolFetch.attributes['http.response.status_code'], { type: 'int', value: 200 });
    assert.ok(BigInt(toolFetch.end_time_unix_nano) <= BigInt(tool.end_time_unix_nano), 'the child ends inside its parent');

    const [broken] = byName(spans, 'agent.tool_call broken_tool');
    assert.deepEqual(broken.status, { code: 'STATUS_CODE_ERROR', message: 'tool failed: upstream timed out' });
    assert.equal(broken.events[0].name, 'exception');
    assert.deepEqual(broken.events[0].attributes['exception.type'], { type: 'string', value: 'Error' });

    assert.equal(byName(spans, 'ui.element upsert').length, 1);
    const lifetimes = byName(spans, 'ui.element lifetime');
    assert.equal(lifetimes.length, 1, 'production React mounts once');
    assert.ok(BigInt(lifetimes[0].duration_nano) >= 100000000n, 'the element lived at least the 150 ms it was shown');
    assert.ok(byName(spans, 'render SlowChart').length >= 2);
    assert.equal(tool.service_name, 'agent-workbench-web');
    assert.deepEqual([tool.scope.name, tool.scope.version], ['agent-workbench', '0.1.0']);

    // Metrics and logs from the same clicks.
    const points = await receiver.metrics();
    const calls = points.filter((p) => p.name === 'agent.tool_calls');
    const callValue = (tool, status) =>
      calls.find((p) => p.attributes['tool.name'].value === tool && p.attributes.status.value === status)?.value;
    assert.equal(callValue('search_docs', 'ok'), 1);
    assert.equal(callValue('broken_tool', 'error'), 1);
    const durations = points.filter((p) => p.name === 'agent.tool_call.duration');
    assert.equal(durations.reduce((n, p) => n + p.count, 0), 2);
    const live = points.find((p) => p.name === 'ui.elements.live');
    assert.equal(live.value, 0, 'the card was added and removed');
    const logs = await receiver.logs();
    const failure = logs.find((l) => l.body.value === 'tool broken_tool failed: tool failed: upstream timed out');
    assert.ok(failure, JSON.stringify(logs.map((l) => l.body)));
    assert.equal(failure.trace_id, broken.trace_id, 'the log is correlated with the failing tool call');
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
    assert.equal(byName(spans, 'agent.tool_call query_metrics').length, 1);
    assert.equal(byName(spans, 'ui.element lifetime').length, 0);
    await page.close();
  } finally {
    vite.kill('SIGTERM');
  }
});

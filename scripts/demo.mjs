// Runs the demo once the example is built (scripts/demo.sh builds it): receiver or real
// GreptimeDB, the app on http://127.0.0.1:5173, one scripted visit in headless Chromium, and a
// summary of the traces that arrived.
import { join } from 'node:path';
import { ROOT, startBackend, startReceiver, serveStatic, launchBrowser, sdkWarnings } from '../tests/e2e/harness.mjs';

const once = process.argv.includes('--once') || process.env.DEMO_ONCE === '1';
const realEndpoint = process.env.GREPTIME_ENDPOINT?.replace(/\/+$/, '');
const database = process.env.GREPTIME_DB || 'public';

let receiver;
if (!realEndpoint) {
  // --summary prints one line per request as it arrives: that is the live view.
  receiver = await startReceiver(['--summary'], { echo: true, port: Number(process.env.DEMO_RECEIVER_PORT || 4000) });
}
const endpoint = realEndpoint || receiver.url;
// The traced backend (examples/traced-backend): the app's tool calls go there, and its spans
// join the browser's traces. It exports to the same place (real GreptimeDB credentials aside:
// it sends none, so point it at a GreptimeDB without a user provider, or at the receiver).
const backend = await startBackend(endpoint, Number(process.env.DEMO_BACKEND_PORT || 8000));
const backendUrl = `http://127.0.0.1:${backend.port}`;
const site = await serveStatic(join(ROOT, 'examples/react-vite/dist'), Number(process.env.DEMO_PORT || 5173));
const appUrl = `${site.url}/?endpoint=${encodeURIComponent(endpoint)}&backend=${encodeURIComponent(backendUrl)}`;
console.log(`\n[demo] app:      ${appUrl}`);
console.log(`[demo] backend:  ${backendUrl} (Python, OpenTelemetry SDK; continues the browser's traces)`);
console.log(`[demo] telemetry → ${realEndpoint ? `GreptimeDB at ${endpoint} (database ${database})` : `local GreptimeDB-compatible receiver at ${endpoint}`}`);

async function visit() {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const messages = [];
    page.on('console', (m) => messages.push({ type: m.type(), text: m.text() }));
    await page.goto(appUrl);
    await page.getByText('Agent workbench').waitFor();
    console.log('[demo] a headless visitor runs three tool calls, adds and removes a card, re-renders the chart, breaks a widget…');
    for (const tool of ['search_docs', 'query_metrics', 'broken_tool']) {
      await page.click(`[data-tool="${tool}"]`);
      await page.getByText(new RegExp(`^${tool}: `)).waitFor();
    }
    await page.click('[data-action="add-card"]');
    await page.waitForTimeout(200);
    await page.getByRole('button', { name: 'remove' }).click();
    await page.click('[data-action="rerender-chart"]');
    await page.click('[data-action="crash"]');
    await page.getByText('Widget failed').waitFor();
    const stats = await page.evaluate(async () => {
      await window.__telemetry.forceFlush();
      return window.__telemetry.stats();
    });
    console.log(
      `[demo] page stats: ${stats.spansExported} spans, ${stats.metricPointsExported} metric points, ${stats.logsExported} logs exported; ${stats.spansFailedExport + stats.metricPointsFailedExport + stats.logsFailedExport} failed`,
    );
    for (const w of sdkWarnings(messages)) console.log(`[demo] page warning: ${w}`);
  } finally {
    await browser.close();
  }
}

function printTraces(spans) {
  const children = new Map();
  for (const s of spans) {
    const list = children.get(s.parent_span_id) ?? [];
    list.push(s);
    children.set(s.parent_span_id, list);
  }
  const ids = new Set(spans.map((s) => s.span_id));
  const line = (s, depth) => {
    const ms = (Number(BigInt(s.duration_nano) / 1000n) / 1000).toFixed(1);
    const status = s.status.code === 'STATUS_CODE_ERROR' ? `  ERROR: ${s.status.message}` : '';
    console.log(`  ${'  '.repeat(depth)}${s.name}  [${s.service_name}]  ${ms} ms  trace ${s.trace_id.slice(0, 8)}…${status}`);
    for (const c of children.get(s.span_id) ?? []) line(c, depth + 1);
  };
  console.log(`\n[demo] ${spans.length} spans arrived (decoded by the receiver with the official opentelemetry-proto package):`);
  for (const root of spans.filter((s) => !ids.has(s.parent_span_id))) line(root, 0);
}

async function queryGreptime() {
  const sql = `SELECT span_name, span_status_code, duration_nano / 1000000 AS ms, trace_id FROM opentelemetry_traces WHERE service_name = 'agent-workbench-web' ORDER BY "timestamp" DESC LIMIT 20`;
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (process.env.GREPTIME_USERNAME) {
    headers.authorization = `Basic ${Buffer.from(`${process.env.GREPTIME_USERNAME}:${process.env.GREPTIME_PASSWORD ?? ''}`).toString('base64')}`;
  }
  const res = await fetch(`${endpoint}/v1/sql?db=${encodeURIComponent(database)}`, { method: 'POST', headers, body: new URLSearchParams({ sql }) });
  const body = await res.json().catch(() => ({}));
  const records = body.output?.[0]?.records;
  if (!res.ok || !records) {
    console.log(`[demo] SQL query answered HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    console.log('[demo] (a write-only user cannot read; query with a read user, see the README)');
    return;
  }
  console.log(`\n[demo] GreptimeDB: ${sql}`);
  console.log(`  ${records.schema.column_schemas.map((c) => c.name).join(' | ')}`);
  for (const row of records.rows) console.log(`  ${row.join(' | ')}`);
}

function printMetricsAndLogs(points, logs) {
  console.log(`\n[demo] ${points.length} metric data points arrived (latest of each series):`);
  const latest = new Map();
  for (const p of points) latest.set(`${p.name} ${JSON.stringify(p.attributes)}`, p);
  for (const p of latest.values()) {
    const labels = Object.entries(p.attributes).map(([k, v]) => `${k}=${v.value}`).join(',');
    const value = p.type === 'histogram' ? `count ${p.count}, sum ${Number(p.sum).toFixed(1)}` : p.value;
    console.log(`  ${p.name}{${labels}} ${p.type}: ${value}`);
  }
  console.log(`\n[demo] ${logs.length} log records arrived:`);
  for (const l of logs) console.log(`  ${l.severity_text || '-'} ${l.body?.value ?? ''}${l.trace_id ? `  (trace ${l.trace_id.slice(0, 8)}…)` : ''}`);
}

try {
  await visit();
  if (receiver) {
    printTraces(await receiver.spans());
    printMetricsAndLogs(await receiver.metrics(), await receiver.logs());
  } else {
    await queryGreptime();
  }
} catch (error) {
  console.error(`[demo] the scripted visit failed: ${error.stack || error}`);
  process.exitCode = 1;
}

const stop = async () => {
  await site.close();
  await backend.stop();
  await receiver?.stop();
  process.exit(process.exitCode ?? 0);
};
if (once || process.exitCode) {
  await stop();
} else {
  console.log(`\n[demo] still serving: open ${appUrl} in your browser and click around; new requests show up above. Ctrl-C to stop.`);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

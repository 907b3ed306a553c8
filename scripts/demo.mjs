// Runs the demo once the example is built (scripts/demo.sh builds it): receiver or real
// GreptimeDB, the app on http://127.0.0.1:5173, one scripted visit in headless Chromium, and a
// summary of the traces that arrived.
import { join } from 'node:path';
import { ROOT, startBackend, startReceiver, serveStatic, launchBrowser, sdkWarnings } from '../tests/e2e/harness.mjs';
import { BROWSER_SIGNAL_QUERIES, isBrowserEvent, printBrowserSignals } from './demo_browser_signals.mjs';

const once = process.argv.includes('--once') || process.env.DEMO_ONCE === '1';
const realEndpoint = process.env.GREPTIME_ENDPOINT?.replace(/\/+$/, '');
const database = process.env.GREPTIME_DB || 'public';

let receiver;
if (!realEndpoint) {
  // --summary prints one line per request as it arrives: that is the live view.
  receiver = await startReceiver(['--summary'], { echo: true, port: Number(process.env.DEMO_RECEIVER_PORT || 4000) });
}
const endpoint = realEndpoint || receiver.url;
// The agent (examples/agent-backend, FastAPI): the app's tool calls go there, and its spans join
// the browser's traces. Its traces, metrics and logs go to the same place, with the same
// GREPTIME_DB / GREPTIME_USERNAME / GREPTIME_PASSWORD (inherited from this environment).
const backend = await startBackend(endpoint, Number(process.env.DEMO_BACKEND_PORT || 8000), { echo: true });
const backendUrl = `http://127.0.0.1:${backend.port}`;
const site = await serveStatic(join(ROOT, 'examples/react-vite/dist'), Number(process.env.DEMO_PORT || 5173));
const appUrl = `${site.url}/?endpoint=${encodeURIComponent(endpoint)}&backend=${encodeURIComponent(backendUrl)}`;
console.log(`\n[demo] app:      ${appUrl}`);
console.log(`[demo] agent:    ${backendUrl} (FastAPI, OpenTelemetry's Python SDK; continues the browser's traces)`);
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
    // A same-document route change, as a router makes (a navigation record once navigations are on).
    await page.evaluate(() => history.pushState(history.state, '', `/results${location.search}`));
    const stats = await page.evaluate(async () => {
      await window.__telemetry.forceFlush();
      return window.__telemetry.stats();
    });
    console.log(
      `[demo] page stats: ${stats.spansExported} spans, ${stats.metricPointsExported} metric points, ${stats.logsExported} logs exported; ${stats.spansFailedExport + stats.metricPointsFailedExport + stats.logsFailedExport} failed`,
    );
    for (const w of sdkWarnings(messages)) console.log(`[demo] page warning: ${w}`);
    // Leaving the page hides it: Web Vitals report LCP, CLS and INP then, and the SDK flushes
    // what is left with keepalive; give that a moment before the browser quits.
    await page.close();
    await new Promise((r) => setTimeout(r, 500));
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
  // Traces that cross from the browser into the agent first; the agent's CORS preflights
  // (a root span each, no traceparent is sent with them) as one line.
  const services = new Map();
  for (const s of spans) services.set(s.trace_id, (services.get(s.trace_id) ?? new Set()).add(s.service_name));
  const roots = spans.filter((s) => !ids.has(s.parent_span_id));
  const preflights = roots.filter((s) => s.name.startsWith('OPTIONS '));
  const joined = (s) => (services.get(s.trace_id).size > 1 ? 0 : 1);
  for (const root of roots.filter((s) => !preflights.includes(s)).sort((a, b) => joined(a) - joined(b))) line(root, 0);
  if (preflights.length) console.log(`  (and ${preflights.length} CORS preflight spans of the agent: ${[...new Set(preflights.map((s) => s.name))].join(', ')})`);
}

async function queryGreptime() {
  // Both runtimes: the browser's spans and the agent's, joined by trace_id.
  await runSql(`SELECT service_name, span_name, span_status_code, duration_nano / 1000000 AS ms, trace_id FROM opentelemetry_traces WHERE service_name IN ('agent-workbench-web', 'agent-backend') ORDER BY "timestamp" DESC LIMIT 30`);
  // What the browser reports by itself; a query may fail while a kind has never arrived (its column does not exist yet).
  for (const [kind, sql] of BROWSER_SIGNAL_QUERIES) await runSql(sql, kind);
}

async function runSql(sql, optionalKind) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (process.env.GREPTIME_USERNAME) {
    headers.authorization = `Basic ${Buffer.from(`${process.env.GREPTIME_USERNAME}:${process.env.GREPTIME_PASSWORD ?? ''}`).toString('base64')}`;
  }
  const res = await fetch(`${endpoint}/v1/sql?db=${encodeURIComponent(database)}`, { method: 'POST', headers, body: new URLSearchParams({ sql }) });
  const body = await res.json().catch(() => ({}));
  const records = body.output?.[0]?.records;
  if (optionalKind && (!res.ok || !records?.rows?.length)) {
    console.log(`\n[demo] GreptimeDB: no ${optionalKind} yet${res.ok ? '' : ` (HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)})`}`);
    return;
  }
  if (!res.ok || !records) {
    console.log(`[demo] SQL query answered HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    console.log('[demo] (a write-only user cannot read; query with a read user, see the README)');
    return;
  }
  console.log(`\n[demo] GreptimeDB: ${sql}`);
  console.log(`  ${records.schema.column_schemas.map((c) => c.name).join(' | ')}`);
  for (const row of records.rows) console.log(`  ${row.join(' | ')}`);
}

/** The table GreptimeDB stores a metric in (the README's naming rules). */
function greptimeTable(p) {
  const units = { ms: 'milliseconds', s: 'seconds', By: 'bytes' };
  let name = p.name.split(/[^a-zA-Z0-9]+/).filter(Boolean).join('_');
  const unit = units[p.unit] ?? (p.unit && p.unit !== '1' && !p.unit.startsWith('{') ? p.unit.split(/[^a-zA-Z0-9]+/).filter(Boolean).join('_') : '');
  if (unit) name += `_${unit}`;
  if (p.type === 'sum' && p.is_monotonic) name += '_total';
  return p.type === 'histogram' ? `${name}_bucket/_sum/_count` : name;
}

function printMetricsAndLogs(points, logs) {
  console.log(`\n[demo] ${points.length} metric data points arrived (latest of each series, by service; GreptimeDB table in brackets):`);
  const latest = new Map();
  for (const p of points) latest.set(`${p.service_name} ${p.name} ${JSON.stringify(p.attributes)}`, p);
  for (const service of new Set([...latest.values()].map((p) => p.service_name))) {
    console.log(`  ${service}:`);
    for (const p of [...latest.values()].filter((x) => x.service_name === service)) {
      const labels = Object.entries(p.attributes).map(([k, v]) => `${k}=${v.value}`).join(',');
      const value = p.type === 'histogram' ? `count ${p.count}, sum ${Number(p.sum).toFixed(p.unit === 's' ? 4 : 1)}` : p.value;
      console.log(`    ${p.name}{${labels}} ${p.type}: ${value}  [${greptimeTable(p)}]`);
    }
  }
  const plain = logs.filter((l) => !isBrowserEvent(l));
  console.log(`\n[demo] ${logs.length} log records arrived${plain.length < logs.length ? ` (${logs.length - plain.length} browser events listed below)` : ''}:`);
  for (const l of plain) console.log(`  ${l.severity_text || '-'} ${l.body?.value ?? ''}  [${l.service_name}]${l.trace_id ? `  (trace ${l.trace_id.slice(0, 8)}…, span ${l.span_id.slice(0, 8)}…)` : ''}`);
}

/** Waits (up to 5 s) until the agent's spans and metrics for the visit have arrived. */
async function waitForAgent() {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const [spans, points] = await Promise.all([receiver.spans(), receiver.metrics()]);
    const tools = spans.filter((s) => s.name.startsWith('execute_tool ')).length;
    if (tools >= 3 && points.some((p) => p.name === 'agent.ui.elements')) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  await visit();
  if (receiver) {
    await waitForAgent();
    printTraces(await receiver.spans());
    const logs = await receiver.logs();
    printMetricsAndLogs(await receiver.metrics(), logs);
    printBrowserSignals(await receiver.spans(), logs);
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

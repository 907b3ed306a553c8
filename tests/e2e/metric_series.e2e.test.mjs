// Metrics from many browsers, as GreptimeDB would store them: several pages (separate browser
// contexts, one service) export the same instruments, and the receiver's model of GreptimeDB's
// series identity (tests/receiver/metric_series.py: promoted resource keys, job/instance,
// scalar attributes only, same-millisecond overwrite) must give the sums the README promises.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { CHROMIUM, ROOT, serveStatic, startReceiver } from './harness.mjs';

const env = {};
before(async () => {
  env.receiver = await startReceiver();
  env.site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
  // One browser, a fresh context per page: separate visitors, as far as the SDK can tell.
  env.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
after(async () => {
  await env.browser?.close();
  await env.site?.close();
  await env.receiver?.stop();
});

const rows = async (table) => {
  const res = await fetch(`${env.receiver.url}/_receiver/metric_rows?table=${encodeURIComponent(table)}`);
  return res.json();
};

/** The latest row of each series (tags), as an instant PromQL query or `SELECT … ORDER BY ts DESC` per series sees it. */
function latestPerSeries(tableRows) {
  const latest = new Map();
  for (const row of tableRows) {
    const key = JSON.stringify(Object.entries(row.tags).sort());
    const seen = latest.get(key);
    if (!seen || row.timestamp_ms >= seen.timestamp_ms) latest.set(key, row);
  }
  return [...latest.values()];
}
const sum = (values) => values.reduce((a, b) => a + b, 0);

async function openVisitor() {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  page.on('console', (m) => m.text().includes('[greptime-web-telemetry]') && warnings.push(m.text()));
  await page.goto(env.site.url);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 10000 });
  return { context, page, warnings };
}

test('three pages of one service: sums over series equal what the pages recorded', async () => {
  await env.receiver.reset();
  const visitors = await Promise.all([0, 1, 2].map(() => openVisitor()));
  // Each page records its own amounts, then all collect at once (twice), as visitors would.
  const recorded = await Promise.all(
    visitors.map(({ page }, i) =>
      page.evaluate(
        async ({ endpoint, i }) => {
          const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'series-e2e', metrics: { exportIntervalMillis: 600000 } });
          window.__telemetry = telemetry;
          const meter = telemetry.getMeter('series');
          const calls = meter.createCounter('agent.tool_calls', { unit: '{call}' });
          const live = meter.createUpDownCounter('ui.elements.live');
          const duration = meter.createHistogram('tool.duration', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
          calls.add(i + 1, { 'tool.name': 'search' });
          live.add(10 * (i + 1));
          live.add(-(i + 1));
          for (let k = 0; k <= i; k++) duration.record(5 + 50 * k, { 'tool.name': 'search' });
          return { calls: i + 1, live: 9 * (i + 1), durations: i + 1 };
        },
        { endpoint: env.receiver.url, i },
      ),
    ),
  );
  for (let round = 0; round < 2; round++) {
    await Promise.all(visitors.map(({ page }) => page.evaluate(() => window.__telemetry.forceFlush())));
  }
  // A later collection on one page only: the others' series keep their last value.
  await visitors[0].page.evaluate(() => window.__telemetry.getMeter('series').createCounter('agent.tool_calls', { unit: '{call}' }).add(4, { 'tool.name': 'search' }));
  await visitors[0].page.evaluate(() => window.__telemetry.forceFlush());
  recorded[0].calls += 4;

  const calls = await rows('agent_tool_calls_total');
  const callSeries = latestPerSeries(calls);
  assert.equal(callSeries.length, 3, `one series per page, got ${JSON.stringify(callSeries.map((r) => r.tags))}`);
  for (const row of callSeries) {
    assert.equal(row.tags.job, 'series-e2e');
    assert.equal(row.tags.tool_name, 'search');
    assert.match(row.tags.instance, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID v4 per page');
    assert.equal(row.tags.service_instance_id, row.tags.instance);
  }
  // sum by (tool_name) (agent_tool_calls_total): what every page counted.
  assert.equal(sum(callSeries.map((r) => r.value)), sum(recorded.map((r) => r.calls)));
  // rate() needs each series to only grow: no resets from other pages' points.
  for (const series of callSeries) {
    const points = calls.filter((r) => r.tags.instance === series.tags.instance).sort((a, b) => a.timestamp_ms - b.timestamp_ms);
    for (let k = 1; k < points.length; k++) assert.ok(points[k].value >= points[k - 1].value, `a reset in ${series.tags.instance}`);
  }

  // sum(ui_elements_live): the live total across pages, not whichever page wrote last.
  const live = latestPerSeries(await rows('ui_elements_live'));
  assert.equal(live.length, 3);
  assert.equal(sum(live.map((r) => r.value)), sum(recorded.map((r) => r.live)));

  // histogram_quantile over sum by (le): the buckets add up across pages.
  const buckets = latestPerSeries(await rows('tool_duration_milliseconds_bucket'));
  const byLe = {};
  for (const row of buckets) byLe[row.tags.le] = (byLe[row.tags.le] ?? 0) + row.value;
  // Page i recorded 5, 55, 105, … (i + 1 values): le=10 holds one per page, le=100 two for pages 1 and 2.
  assert.deepEqual(byLe, { 10: 3, 100: 5, inf: 6 });
  const counts = latestPerSeries(await rows('tool_duration_milliseconds_count'));
  assert.equal(sum(counts.map((r) => r.value)), sum(recorded.map((r) => r.durations)));

  for (const { context, warnings } of visitors) {
    assert.deepEqual(warnings, []);
    await context.close();
  }
});

test('the overflow series and boolean attributes keep their identity in GreptimeDB', async () => {
  await env.receiver.reset();
  const { context, page, warnings } = await openVisitor();
  const stats = await page.evaluate(async (endpoint) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'series-e2e', metrics: { exportIntervalMillis: 600000, cardinalityLimit: 4 } });
    const meter = telemetry.getMeter('series');
    const c = meter.createCounter('clicks');
    c.add(1); // the attribute-less series
    c.add(1, { button: 'a' });
    c.add(1, { button: 'b' });
    for (const button of ['c', 'd', 'e']) c.add(10, { button }); // past the limit: one overflow series
    const flags = meter.createCounter('flags');
    flags.add(1, { enabled: true });
    flags.add(2, { enabled: false });
    flags.add(4, { list: ['x', 'y'] });
    await telemetry.forceFlush();
    return telemetry.stats();
  }, env.receiver.url);
  const clicks = latestPerSeries(await rows('clicks_total'));
  const values = Object.fromEntries(clicks.map((r) => [r.tags.otel_metric_overflow ? 'overflow' : (r.tags.button ?? 'none'), r.value]));
  assert.deepEqual(values, { none: 1, a: 1, b: 1, overflow: 30 }, JSON.stringify(clicks.map((r) => r.tags)));
  assert.equal(clicks.find((r) => r.tags.otel_metric_overflow).tags.otel_metric_overflow, 'true');
  assert.equal(stats.metricSeriesOverflowed, 3);
  assert.ok(warnings.some((w) => w.includes('"clicks"') && w.includes('metrics.cardinalityLimit')), warnings.join('\n'));

  // Booleans and arrays are sent as strings GreptimeDB keeps, so true and false stay two series.
  const flags = latestPerSeries(await rows('flags_total'));
  const byTag = Object.fromEntries(flags.map((r) => [r.tags.enabled ?? r.tags.list, r.value]));
  assert.deepEqual(byTag, { true: 1, false: 2, '["x","y"]': 4 });
  assert.equal(stats.metricAttributesConverted, 3);
  assert.equal(warnings.filter((w) => w.includes('metricAttributesConverted')).length, 1, warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('"enabled"') && w.includes('"flags"')), warnings.join('\n'));
  await context.close();
});

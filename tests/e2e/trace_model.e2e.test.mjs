// `traceModel: 'v2'` end to end in headless Chromium: the page sends GreptimeDB 1.3's
// greptime_trace_v2 pipeline header and its own table, and the receiver (which keeps v2 as
// GreptimeDB does: attributes in JSON columns, one model per table) stores what v1 would
// reject. Then the mistake the setting warns about: v2 into the v1 default table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, statsWhen, useTestPage } from './harness.mjs';

const env = useTestPage();
/** The receiver's column types per `database.table` (its /_receiver/columns route). */
const tableColumns = async () => (await fetch(`${env.receiver.url}/_receiver/columns`)).json();

async function sendSpans(page, config) {
  return page.evaluate(async ({ endpoint, config }) => {
    const telemetry = await window.__gwt.initTelemetry({ endpoint, serviceName: 'model-web', batch: { scheduledDelayMillis: 60000 }, ...config });
    window.__t = telemetry;
    const tracer = telemetry.getTracer('model');
    // One key, two value types: v1 makes `span_attributes.route.id` an Int64 column and must
    // refuse the string; v2 keeps both in its JSON column.
    tracer.startSpan('first', { attributes: { 'route.id': 7, 'url.full': 'https://shop.example/cart' } }).end();
    tracer.startSpan('second', { attributes: { 'route.id': 'seven' } }).end();
    await telemetry.forceFlush();
  }, { endpoint: env.receiver.url, config });
}

test("traceModel 'v2' sends greptime_trace_v2 into opentelemetry_traces_v2, attributes kept as JSON", async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  await sendSpans(page, { traceModel: 'v2' });
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.pipeline, 'greptime_trace_v2');
  assert.equal(request.table, 'opentelemetry_traces_v2');
  assert.deepEqual([request.status, request.accepted, request.rejected], [200, 2, 0]);
  const spans = await env.receiver.spans();
  assert.deepEqual(spans.map((s) => [s.name, s.attributes['route.id']]), [
    ['first', { type: 'int', value: 7 }],
    ['second', { type: 'string', value: 'seven' }],
  ]);
  const columns = await tableColumns();
  assert.deepEqual(columns['public.opentelemetry_traces_v2'], { resource_attributes: 'Json', scope_attributes: 'Json', span_attributes: 'Json' });
  assert.deepEqual(sdkWarnings(consoleMessages), []);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test("the default (v1) is unchanged: greptime_trace_v1, GreptimeDB's default table, typed columns", async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  await sendSpans(page, {});
  const [request] = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.equal(request.pipeline, 'greptime_trace_v1');
  assert.equal(request.table, 'opentelemetry_traces');
  assert.deepEqual([request.status, request.accepted, request.rejected], [200, 1, 1]);
  assert.equal((await tableColumns())['public.opentelemetry_traces']['span_attributes.route.id'], 'Int64');
  const stats = await statsWhen(page, (s) => s.spansRejectedByServer === 1);
  assert.equal(stats.spansRejectedByServer, 1);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test("v2 pointed at the v1 table: one configuration warning, and GreptimeDB's refusal counted as a failed export", async () => {
  await env.receiver.reset();
  const v1 = await openPage(env.browser, env.site.url);
  await sendSpans(v1.page, {});
  await v1.page.close();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  await sendSpans(page, { traceModel: 'v2', traceTable: 'opentelemetry_traces' });
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.filter((w) => w.includes('traceModel')).length, 1, warnings.join('\n'));
  const last = (await env.receiver.requests()).filter((r) => r.signal === 'traces').at(-1);
  assert.deepEqual([last.pipeline, last.table, last.status, last.rejected], ['greptime_trace_v2', 'opentelemetry_traces', 400, 2]);
  // A 400 for the whole request: the batch is lost as a failed export (not retried: 400 never is).
  const stats = await statsWhen(page, (s) => s.spansFailedExport === 2);
  assert.deepEqual([stats.spansFailedExport, stats.spansExported], [2, 0]);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

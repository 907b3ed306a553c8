// The OpenTelemetry API bridge in Chromium, judged by the receiver: with
// `registerGlobals(telemetry)` from greptime-web-telemetry/otel, OpenTelemetry's own
// instrumentation-fetch (registered with registerInstrumentations) and a library using only
// @opentelemetry/api export through us; their spans nest under our active span (also after
// awaits), ours under theirs, the contrib fetch's `traceparent` names its span, API metrics and
// logs arrive. And with another SDK on another @opentelemetry/api version registered first: no
// error, one warning, a result saying nothing was registered, our own spans still exported.
// The page (tests/e2e/otel/page.src.js) is bundled with the packed tarball installed into
// tests/e2e/otel next to the contrib packages (installed there by scripts/setup.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, installPackedTarball, sdkWarnings, useBundledPage } from './harness.mjs';

const PAGE_DIR = join(ROOT, 'tests/e2e/otel');
const env = useBundledPage(join(PAGE_DIR, 'page.src.js'), { apiBody: '{"ok":true}' }, () => installPackedTarball(PAGE_DIR));

async function openPage(query) {
  const page = await env.browser.newPage();
  const errors = [];
  const consoleMessages = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  await page.goto(`${env.site}/?endpoint=${encodeURIComponent(env.receiver.url)}${query}`);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 15000 });
  return { page, errors, consoleMessages };
}

test('contrib instrumentation-fetch and @opentelemetry/api spans, metrics and logs export through us, nested with our spans', async () => {
  await env.receiver.reset();
  env.seen.length = 0;
  const { page, errors, consoleMessages } = await openPage('');
  assert.deepEqual(await page.evaluate(() => window.__gwt.registered), {
    tracerProvider: true, meterProvider: true, loggerProvider: true, contextManager: true, propagator: true,
  });
  await page.evaluate(() => window.__gwt.run());
  await env.receiver.waitFor('traces', 6);
  await env.receiver.waitFor('logs', 1);
  const spans = await env.receiver.spans();
  const byName = (name) => spans.filter((s) => s.name === name);
  const one = (name) => {
    const found = byName(name);
    assert.equal(found.length, 1, `one span "${name}" in ${spans.map((s) => s.name).join(', ')}`);
    return found[0];
  };
  const checkout = one('checkout');
  const libSync = one('lib sync');
  const libAfter = one('lib after await');
  const oursInLib = one('ours in lib');
  const gets = byName('GET');
  assert.equal(gets.length, 2, 'two contrib fetch spans');
  const [first, second] = ['first', 'second'].map((q) => gets.find((s) => s.attributes['url.full']?.value === `${env.site}/api?${q}`));
  assert.ok(first && second, JSON.stringify(gets.map((g) => g.attributes)));

  assert.equal(checkout.parent_span_id, '');
  for (const s of [libSync, libAfter, oursInLib, first, second]) assert.equal(s.trace_id, checkout.trace_id, s.name);
  assert.equal(libSync.parent_span_id, checkout.span_id, 'API span under our active span');
  assert.equal(first.parent_span_id, checkout.span_id, 'contrib fetch span under our active span');
  assert.equal(libAfter.parent_span_id, checkout.span_id, 'API span under our span after awaits');
  assert.equal(second.parent_span_id, libAfter.span_id, 'contrib fetch span under the API active span after its await');
  assert.equal(oursInLib.parent_span_id, libAfter.span_id, 'our span under the API active span');

  assert.equal(first.scope.name, '@opentelemetry/instrumentation-fetch');
  assert.deepEqual([libSync.scope.name, libSync.scope.version], ['app-lib', '3.1.0']);
  assert.equal(first.kind, 'SPAN_KIND_CLIENT');
  assert.equal(first.attributes['http.request.method'].value, 'GET');
  assert.deepEqual(first.attributes['http.response.status_code'], { type: 'int', value: 200 });
  assert.ok(first.events.length > 0, 'network timing events from resource timing');
  // The contrib instrumentation injected traceparent through our propagator: it names its own span.
  assert.equal(env.seen.find((r) => r.query === 'first')?.traceparent, `00-${checkout.trace_id}-${first.span_id}-01`);
  assert.equal(env.seen.find((r) => r.query === 'second')?.traceparent, `00-${checkout.trace_id}-${second.span_id}-01`);

  const [log] = (await env.receiver.logs()).filter((l) => l.body?.value === 'lib done');
  assert.ok(log, 'the API log record arrived');
  assert.equal(log.trace_id, checkout.trace_id);
  assert.equal(log.span_id, libAfter.span_id, 'correlated with the API active span');
  assert.equal(log.scope.name, 'app-lib');

  await env.receiver.waitFor('metrics', 1);
  const calls = (await env.receiver.metrics()).filter((m) => m.name === 'lib.calls');
  assert.equal(calls.length, 1, 'the API counter arrived');
  assert.equal(calls[0].value, 2);
  assert.equal(calls[0].attributes.route.value, '/api');

  assert.deepEqual(errors, []);
  assert.deepEqual(sdkWarnings(consoleMessages), []);
  await page.close();
});

test('another SDK on another @opentelemetry/api version registered first: no error, one warning, ours still exported', async () => {
  await env.receiver.reset();
  env.seen.length = 0;
  const { page, errors, consoleMessages } = await openPage('&preregistered');
  assert.deepEqual(await page.evaluate(() => window.__gwt.registered), {
    tracerProvider: false, meterProvider: false, loggerProvider: false, contextManager: false, propagator: false,
  });
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /already had a global tracerProvider, meterProvider, loggerProvider, contextManager, propagator/);
  await page.evaluate(() => window.__gwt.run());
  await env.receiver.waitFor('traces', 2);
  const names = (await env.receiver.spans()).map((s) => s.name).sort();
  assert.deepEqual(names, ['checkout', 'ours in lib'], 'API and contrib spans went to the SDK registered first');
  assert.deepEqual((await page.evaluate(() => window.__gwt.theirs)).sort(), ['GET', 'GET', 'lib after await', 'lib sync']);
  assert.equal(env.seen.length, 2, 'the app kept working');
  assert.deepEqual(errors, []);
  await page.close();
});

// `startTelemetry`/`initTelemetry` called a second time on a page while the first handle runs
// (a module evaluated twice, an app and a library both starting it): the browser signals, the
// fetch instrumentation and the page-hide listeners must run once, not twice. In headless
// Chromium with the browser signals on; what arrives is judged by the receiver's decode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage, waitForPageFunction } from './harness.mjs';

const env = useTestPage();

test('a second start while one runs: the running handle, one warning, each browser signal and fetch span once', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  await page.evaluate(() => localStorage.clear());
  const service = 'init-twice';
  const same = await page.evaluate(
    async ([endpoint, serviceName]) => {
      // `rum: {}`: the browser signals with their defaults (the test page turns them off otherwise).
      const config = { endpoint, serviceName, rum: {}, instrumentFetch: true, batch: { scheduledDelayMillis: 100 }, logBatch: { scheduledDelayMillis: 100 } };
      const first = window.__gwt.startTelemetry(config);
      const second = await window.__gwt.initTelemetry({ ...config, serviceName: `${serviceName}-second` });
      window.__t = first;
      await first.ready;
      const button = document.createElement('button');
      button.id = 'go';
      button.textContent = 'Go';
      document.body.append(button);
      return second === first;
    },
    [env.receiver.url, service],
  );
  // Let the signals' chunks load and start (each a chunk of its own), then: a click, a fetch, a
  // route change, a hide.
  await waitForPageFunction(page, () => {
    const loaded = performance.getEntriesByType('resource').map((r) => r.name);
    return ['document_load-', 'navigation-', 'web_vitals-', 'user_actions-'].every((chunk) => loaded.some((n) => n.includes(chunk)));
  }, null);
  await page.waitForTimeout(200);
  await page.click('#go');
  await page.evaluate(async () => {
    await (await fetch('/index.html?probe')).text();
    history.pushState({}, '', '/second-route');
  });
  await page.waitForTimeout(200);
  await page.evaluate(async () => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await window.__t.forceFlush();
  });
  await env.receiver.waitFor('logs', 4, 10000);
  await env.receiver.waitFor('traces', 4, 10000);
  const spans = await env.receiver.spans();
  const logs = await env.receiver.logs();
  const count = (items, pick) => items.filter(pick).length;
  const spanCount = (name) => count(spans, (s) => s.name === name);
  const eventCount = (name) => count(logs, (l) => l.event_name === name);
  assert.equal(spanCount('documentLoad'), 1, `one documentLoad (spans: ${spans.map((s) => s.name)})`);
  assert.equal(spanCount('documentFetch'), 1);
  assert.equal(spanCount('click Go'), 1, 'one automatic user-action span per click');
  assert.equal(count(spans, (s) => s.kind === 'SPAN_KIND_CLIENT' && s.attributes['url.full']?.value.endsWith('/index.html')), 1, 'one fetch span');
  assert.equal(eventCount('session.start'), 1, `one session (events: ${logs.map((l) => l.event_name)})`);
  assert.equal(eventCount('browser.navigation'), 2, 'the page load and the pushState, once each');
  const ttfb = count(logs, (l) => l.event_name === 'browser.web_vital' && l.attributes['browser.web_vital.name']?.value === 'ttfb');
  assert.equal(ttfb, 1, 'one TTFB');
  const sessions = new Set([...spans, ...logs].map((r) => r.attributes['session.id']?.value));
  assert.equal(sessions.size, 1, `one session.id on everything: ${[...sessions]}`);

  assert.deepEqual([...new Set([...spans, ...logs].map((r) => r.service_name))], [service], 'all from the first handle’s configuration');
  assert.equal(same, true, 'the second call resolves to the running handle');

  // After shutdown, a new start is a new, working handle (the first one no longer runs).
  const restarted = await page.evaluate(async (endpoint) => {
    const first = window.__t;
    await first.shutdown();
    const next = await window.__gwt.initTelemetry({ endpoint, serviceName: 'init-twice-after', rum: false });
    const result = { fresh: next !== first, enabled: next.enabled };
    await next.shutdown();
    return result;
  }, env.receiver.url);
  assert.deepEqual(restarted, { fresh: true, enabled: true });
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, `one warning: ${JSON.stringify(warnings)}`);
  assert.match(warnings[0], /called again while telemetry is running/);
  await page.close();
});

// The browser signals of `rum` (issue 14) end to end: the page load trace, SPA navigations,
// sessions shared by two tabs, a session that expires and rotates, storage that throws; in
// headless Chromium, and navigations and shared sessions in Firefox ESR too. What arrives is
// judged by the receiver's independent decode (official opentelemetry-proto package), including
// the row GreptimeDB's log table would store (`greptime_row`: no event_name column).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchFirefox, openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();
const FAST = { batch: { scheduledDelayMillis: 100 }, logBatch: { scheduledDelayMillis: 100 } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until it returns something truthy (or fails after `timeoutMs`). */
async function until(read, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Opens the test page in `context` (a fresh origin state unless `keepStorage`) and starts telemetry with `rum`. */
async function startPage(context, service, rum, { path = '/', before, keepStorage = false } = {}) {
  const opened = await openPage(context, env.site.url + path);
  if (!keepStorage) await opened.page.evaluate(() => localStorage.clear());
  if (before) await opened.page.evaluate(before);
  const enabled = await opened.page.evaluate(
    async ([endpoint, serviceName, rum, fast]) => {
      window.__t = await window.__gwt.initTelemetry({ endpoint, serviceName, rum, ...fast });
      return window.__t.enabled;
    },
    [env.receiver.url, service, rum, FAST],
  );
  assert.equal(enabled, true);
  return opened;
}

const ofService = async (kind, service) => (await env.receiver[kind]()).filter((r) => r.service_name === service);
const attr = (record, key) => record.attributes[key]?.value;
const events = async (service, name) => (await ofService('logs', service)).filter((l) => l.event_name === name);
/** At least `n` events `name` (an empty list is not "arrived"). */
const eventsArrived = (service, name, n = 1) => async () => {
  const found = await events(service, name);
  return found.length >= n ? found : undefined;
};

test('page load: a documentLoad trace with a documentFetch child, navigation-timing events, session.id and a browser.navigation event', async () => {
  await env.receiver.reset();
  const service = 'rum-load';
  const { page, consoleMessages, pageErrors } = await startPage(env.browser, service, { resourceTiming: true }, { path: '/?token=secret#top' });
  const startedAt = Date.now();
  const spans = await until(async () => {
    const s = await ofService('spans', service);
    return s.length >= 2 ? s : undefined;
  }, 'documentLoad and documentFetch');
  const root = spans.find((s) => s.name === 'documentLoad');
  const fetchSpan = spans.find((s) => s.name === 'documentFetch');
  assert.ok(root && fetchSpan, spans.map((s) => s.name).join());
  // resourceTiming: a resourceFetch child per resource loaded before the load event (page.js at least).
  const resources = spans.filter((s) => s.name === 'resourceFetch');
  const script = resources.find((s) => s.attributes['url.full'].value === `${env.site.url}/page.js`);
  assert.ok(script, resources.map((s) => s.attributes['url.full'].value).join());
  assert.ok(resources.every((s) => s.parent_span_id === root.span_id && s.trace_id === root.trace_id));
  assert.deepEqual(
    ['fetchStart', 'responseEnd'].filter((n) => !script.events.some((e) => e.name === n)),
    [],
    'network events on resourceFetch',
  );
  assert.ok(BigInt(script.end_time_unix_nano) <= BigInt(root.end_time_unix_nano));
  assert.equal(root.parent_span_id, '', 'documentLoad starts its own trace');
  assert.equal(fetchSpan.parent_span_id, root.span_id);
  assert.equal(fetchSpan.trace_id, root.trace_id);
  assert.equal(root.scope.name, 'greptime-web-telemetry/rum');
  assert.equal(attr(root, 'url.full'), `${env.site.url}/#top`, 'query string stripped, fragment kept');
  assert.equal(attr(fetchSpan, 'url.full'), `${env.site.url}/#top`);
  assert.ok(attr(root, 'user_agent.original').includes('Chrome'));

  const names = (span) => span.events.map((e) => e.name);
  for (const name of ['fetchStart', 'domInteractive', 'domContentLoadedEventStart', 'domContentLoadedEventEnd', 'domComplete', 'loadEventStart', 'loadEventEnd']) {
    assert.ok(names(root).includes(name), `documentLoad event ${name}: ${names(root)}`);
  }
  for (const name of ['fetchStart', 'requestStart', 'responseStart', 'responseEnd']) {
    assert.ok(names(fetchSpan).includes(name), `documentFetch event ${name}: ${names(fetchSpan)}`);
  }
  const t = (e) => BigInt(e.time_unix_nano);
  for (const span of [root, fetchSpan]) {
    for (let i = 1; i < span.events.length; i++) assert.ok(t(span.events[i]) >= t(span.events[i - 1]), `${span.name}: events in time order`);
  }
  const start = BigInt(root.start_time_unix_nano);
  assert.equal(BigInt(fetchSpan.start_time_unix_nano), start, 'both start at fetchStart');
  assert.ok(BigInt(fetchSpan.end_time_unix_nano) <= BigInt(root.end_time_unix_nano));
  assert.equal(root.end_time_unix_nano, root.events.find((e) => e.name === 'loadEventEnd').time_unix_nano, 'ends at loadEventEnd');
  assert.equal(fetchSpan.end_time_unix_nano, fetchSpan.events.find((e) => e.name === 'responseEnd').time_unix_nano, 'ends at responseEnd');
  assert.ok(Math.abs(Number(start / 1_000_000n) - startedAt) < 30_000, 'wall-clock times');

  const [started] = await until(eventsArrived(service, 'session.start'), 'session.start');
  const sessionId = attr(started, 'session.id');
  assert.match(sessionId, /^[0-9a-f]{32}$/);
  assert.equal(attr(started, 'session.previous_id'), undefined, 'a first session continues nothing');
  assert.equal(attr(root, 'session.id'), sessionId);
  assert.equal(attr(fetchSpan, 'session.id'), sessionId);
  assert.equal(started.greptime_row.log_attributes['event.name'], 'session.start', 'queryable in GreptimeDB');
  assert.equal(started.greptime_row.log_attributes['session.id'], sessionId);

  const [load] = await until(eventsArrived(service, 'browser.navigation'), 'browser.navigation');
  assert.deepEqual(load.greptime_row.log_attributes, {
    'url.full': `${env.site.url}/#top`,
    'browser.navigation.same_document': false,
    'browser.navigation.hash_change': false,
    'browser.navigation.type': 'push',
    'event.name': 'browser.navigation',
    'session.id': sessionId,
  });
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(sdkWarnings(consoleMessages), []);
  await page.close();
});

/** pushState with a route pattern, a hash change, replaceState and back: one event each. */
async function navigationScenario(context, service) {
  const { page, pageErrors } = await startPage(context, service, { documentLoad: false });
  await until(eventsArrived(service, 'browser.navigation'), 'the page load navigation');
  await page.evaluate(() => {
    window.__gwt.setRoutePattern('/users/:id');
    history.pushState({}, '', '/users/42?tab=orders');
  });
  await sleep(50);
  await page.evaluate(() => (location.hash = '#details'));
  await sleep(50);
  await page.evaluate(() => history.replaceState({}, '', '/users/43'));
  await sleep(50);
  await page.evaluate(() => history.replaceState({ same: 'url' }, '', '/users/43')); // state only: no navigation
  await sleep(50);
  await page.evaluate(() => history.replaceState({}, '', '/users/43?sort=asc')); // the query string alone (stripped): none either
  await sleep(50);
  await page.evaluate(() => history.back());
  const navs = await until(eventsArrived(service, 'browser.navigation', 5), 'five navigation events');
  await sleep(300);
  const all = await events(service, 'browser.navigation');
  assert.equal(all.length, 5, 'no event for a state-only or query-only replaceState');
  const row = (e) => {
    const a = e.greptime_row.log_attributes;
    return [a['url.full'], a['browser.navigation.type'], a['browser.navigation.same_document'], a['browser.navigation.hash_change'], a['url.template']];
  };
  const base = env.site.url;
  assert.deepEqual(navs.map(row), [
    [`${base}/`, 'push', false, false, undefined],
    [`${base}/users/42`, 'push', true, false, '/users/:id'],
    [`${base}/users/42#details`, 'push', true, true, '/users/:id'],
    [`${base}/users/43`, 'replace', true, false, '/users/:id'],
    [`${base}/users/42`, 'traverse', true, false, '/users/:id'],
  ]);
  const sessionIds = new Set(navs.map((e) => e.greptime_row.log_attributes['session.id']));
  assert.equal(sessionIds.size, 1);
  assert.deepEqual(pageErrors, []);
  await page.close();
}

test('SPA navigations: pushState, a hash change, replaceState and back, with url.full stripped and the route pattern', async () => {
  await env.receiver.reset();
  await navigationScenario(env.browser, 'rum-nav');
});

/** Two tabs of one origin: the second adopts the first one's session; one session.start. */
async function twoTabsScenario(context, service) {
  const a = await startPage(context, service, { documentLoad: false, navigation: false });
  const b = await startPage(context, service, { documentLoad: false, navigation: false }, { keepStorage: true });
  for (const [tab, name] of [
    [a, 'in tab a'],
    [b, 'in tab b'],
  ]) {
    await tab.page.evaluate((name) => {
      window.__t.tracer.startSpan(name).end();
      window.__t.logger.emit({ body: name });
    }, name);
  }
  const spans = await until(async () => {
    const s = await ofService('spans', service);
    return s.length >= 2 ? s : undefined;
  }, 'both tabs’ spans');
  const logs = await until(async () => {
    const l = (await ofService('logs', service)).filter((r) => r.body?.value?.startsWith?.('in tab'));
    return l.length >= 2 ? l : undefined;
  }, 'both tabs’ logs');
  const starts = await events(service, 'session.start');
  assert.equal(starts.length, 1, 'the second tab started no session of its own');
  const id = attr(starts[0], 'session.id');
  assert.deepEqual(
    [...spans, ...logs].map((r) => attr(r, 'session.id')),
    [id, id, id, id],
  );
  assert.deepEqual([...a.pageErrors, ...b.pageErrors], []);
  await a.page.close();
  await b.page.close();
}

test('two tabs of one origin share one session.id', async () => {
  await env.receiver.reset();
  await twoTabsScenario(env.browser, 'rum-tabs');
});

test('a session ends after the configured inactivity (activity keeps it alive) and the next one names it as session.previous_id', async () => {
  await env.receiver.reset();
  const service = 'rum-expiry';
  const { page, pageErrors } = await startPage(env.browser, service, {
    documentLoad: false,
    navigation: false,
    session: { inactivityTimeoutMillis: 1000 },
  });
  await page.evaluate(() => window.__t.tracer.startSpan('first').end());
  // 1.6 s of clicks, 250 ms apart: longer than the timeout, but never 1 s without activity.
  for (let i = 0; i < 7; i++) {
    await page.mouse.click(5, 5);
    await sleep(250);
  }
  await page.evaluate(() => window.__t.forceFlush());
  assert.deepEqual(await events(service, 'session.end'), [], 'user activity kept the session alive');
  const [ended] = await until(eventsArrived(service, 'session.end'), 'session.end after 1 s without activity', 5000);
  const [first] = await events(service, 'session.start');
  const firstId = attr(first, 'session.id');
  assert.equal(attr(ended, 'session.id'), firstId);
  assert.equal(ended.greptime_row.log_attributes['event.name'], 'session.end');
  await page.evaluate(() => window.__t.logger.emit({ body: 'after the session ended' }));
  const starts = await until(eventsArrived(service, 'session.start', 2), 'the second session.start');
  const secondId = attr(starts[1], 'session.id');
  assert.notEqual(secondId, firstId);
  assert.equal(attr(starts[1], 'session.previous_id'), firstId);
  const after = await until(async () => (await ofService('logs', service)).find((l) => l.body?.value === 'after the session ended'), 'the later log');
  assert.equal(attr(after, 'session.id'), secondId);
  const [firstSpan] = await ofService('spans', service);
  assert.equal(attr(firstSpan, 'session.id'), firstId);
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('storage that throws (denied, or a full quota): a session kept in memory, one console line, no error', async () => {
  await env.receiver.reset();
  const cases = [
    [
      'rum-denied',
      () =>
        Object.defineProperty(window, 'localStorage', {
          configurable: true,
          get() {
            throw new DOMException('The operation is insecure.', 'SecurityError');
          },
        }),
      'SecurityError',
    ],
    [
      'rum-full',
      () => {
        Storage.prototype.setItem = function () {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
      },
      'QuotaExceededError',
    ],
  ];
  for (const [service, before, errorName] of cases) {
    const { page, consoleMessages, pageErrors } = await startPage(env.browser, service, { documentLoad: false, navigation: false }, { before });
    await page.evaluate(() => {
      window.__t.tracer.startSpan('x').end();
      window.__t.tracer.startSpan('y').end();
    });
    const spans = await until(async () => {
      const s = await ofService('spans', service);
      return s.length >= 2 ? s : undefined;
    }, `${service} spans`);
    const [started] = await until(eventsArrived(service, 'session.start'), `${service} session.start`);
    const id = attr(started, 'session.id');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      spans.map((s) => attr(s, 'session.id')),
      [id, id],
    );
    assert.deepEqual(pageErrors, []);
    const warnings = sdkWarnings(consoleMessages);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.ok(warnings[0].includes(`session storage unavailable (${errorName}); sessions are kept in memory for this page`), warnings[0]);
    await page.close();
  }
});

test('Firefox: SPA navigations, a session shared by two tabs, the page load trace', async () => {
  const firefox = await launchFirefox();
  try {
    await env.receiver.reset();
    await navigationScenario(firefox, 'rum-nav-firefox');
    await twoTabsScenario(firefox, 'rum-tabs-firefox');
    // The page load trace too (Firefox has Navigation Timing Level 2).
    const { page, pageErrors, consoleMessages } = await startPage(firefox, 'rum-load-firefox', {});
    const spans = await until(async () => {
      const found = await ofService('spans', 'rum-load-firefox');
      return found.length >= 2 ? found : undefined;
    }, 'the Firefox page load trace');
    const root = spans.find((s) => s.name === 'documentLoad');
    const child = spans.find((s) => s.name === 'documentFetch');
    assert.ok(root && child && child.parent_span_id === root.span_id, spans.map((s) => s.name).join());
    assert.ok(root.events.some((e) => e.name === 'loadEventEnd'), `documentLoad events: ${root.events.map((e) => e.name)}`);
    assert.ok(child.events.some((e) => e.name === 'responseEnd'), `documentFetch events: ${child.events.map((e) => e.name)}`);
    assert.deepEqual(pageErrors, []);
    // What Firefox cannot report (no long-animation-frame or layout-shift entries): one console
    // line per signal, saying what is missing, and nothing else.
    await until(eventsArrived('rum-load-firefox', 'browser.web_vital'), 'a web vital Firefox has (TTFB)');
    const lines = sdkWarnings(consoleMessages).sort();
    assert.equal(lines.length, 2, `a line per signal: ${JSON.stringify(lines)}`);
    assert.match(lines[0], /long animation frames: this browser has no long-animation-frame entries/);
    assert.match(lines[1], /web vitals: this browser cannot measure CLS; only the others are recorded/);
    await page.close();
  } finally {
    await firefox.close();
  }
});

test("an app's own event (logger.emit with eventName) is queryable in GreptimeDB's log table: event.name in log_attributes", async () => {
  await env.receiver.reset();
  const service = 'rum-app-event';
  const { page, pageErrors } = await startPage(env.browser, service, false);
  await page.evaluate(() => {
    window.__t.logger.emit({ eventName: 'checkout.completed', attributes: { 'cart.items': 3 } });
    window.__t.logger.emit({ eventName: 'own.name', attributes: { 'event.name': 'kept as set' } });
  });
  const [completed] = await until(eventsArrived(service, 'checkout.completed'), 'the app event');
  assert.deepEqual(completed.greptime_row.log_attributes, { 'cart.items': 3, 'event.name': 'checkout.completed' });
  assert.equal(completed.greptime_row.log_attributes['session.id'], undefined, 'rum: false: no session');
  const [own] = await until(eventsArrived(service, 'own.name'), 'the second event');
  assert.deepEqual(own.greptime_row.log_attributes, { 'event.name': 'kept as set' }, "the app's own event.name attribute wins");
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('sampleBySession: sampleRatio is decided once per session (all of its traces or none), not per trace', async () => {
  await env.receiver.reset();
  const record = async (service, session) => {
    const { page, pageErrors } = await openPage(env.browser, env.site.url);
    await page.evaluate(() => localStorage.clear());
    await page.evaluate(
      async ([endpoint, serviceName, session]) => {
        window.__t = await window.__gwt.initTelemetry({
          endpoint,
          serviceName,
          sampleRatio: 0.5,
          rum: { documentLoad: false, navigation: false, session },
          batch: { scheduledDelayMillis: 100 },
          logBatch: { scheduledDelayMillis: 100 },
        });
        for (let i = 0; i < 40; i++) window.__t.tracer.startSpan(`trace ${i}`).end();
        await window.__t.forceFlush();
      },
      [env.receiver.url, service, session],
    );
    assert.deepEqual(pageErrors, []);
    await page.close();
  };
  await record('rum-per-trace', {});
  await record('rum-per-session', { sampleBySession: true });
  await sleep(300);
  const perTrace = (await ofService('spans', 'rum-per-trace')).length;
  assert.ok(perTrace > 0 && perTrace < 40, `per trace: some of 40 traces (${perTrace})`);
  const starts = await events('rum-per-session', 'session.start');
  const id = attr(starts.at(-1), 'session.id');
  const sampled = parseInt(id.slice(24), 16) / 2 ** 32 < 0.5;
  const perSession = await ofService('spans', 'rum-per-session');
  assert.equal(perSession.length, sampled ? 40 : 0, `session ${id}: all or none`);
  assert.ok(perSession.every((s) => attr(s, 'session.id') === id));
});

test('maxDurationMillis ends a session however active; storage: sessionStorage gives each tab its own', async () => {
  await env.receiver.reset();
  const service = 'rum-max';
  const { page, pageErrors } = await startPage(env.browser, service, {
    documentLoad: false,
    navigation: false,
    session: { inactivityTimeoutMillis: 60000, maxDurationMillis: 1500 },
  });
  for (let i = 0; i < 8; i++) {
    await page.mouse.click(5, 5);
    await sleep(250);
  }
  const [ended] = await until(eventsArrived(service, 'session.end'), 'session.end at the maximum duration', 5000);
  const [first] = await events(service, 'session.start');
  assert.equal(attr(ended, 'session.id'), attr(first, 'session.id'));
  await page.mouse.click(5, 5); // activity starts the next one
  const starts = await until(eventsArrived(service, 'session.start', 2), 'the next session');
  assert.equal(attr(starts[1], 'session.previous_id'), attr(first, 'session.id'));
  assert.deepEqual(pageErrors, []);
  await page.close();

  const perTab = 'rum-per-tab';
  const options = { documentLoad: false, navigation: false, session: { storage: 'sessionStorage' } };
  const a = await startPage(env.browser, perTab, options);
  const b = await startPage(env.browser, perTab, options, { keepStorage: true });
  const tabStarts = await until(eventsArrived(perTab, 'session.start', 2), 'one session per tab');
  assert.notEqual(attr(tabStarts[0], 'session.id'), attr(tabStarts[1], 'session.id'));
  assert.deepEqual([...a.pageErrors, ...b.pageErrors], []);
  await a.page.close();
  await b.page.close();
});

test('a browser-signal chunk that fails to load: one console line, telemetry works without it', async () => {
  await env.receiver.reset();
  const service = 'rum-chunk-lost';
  const page = await env.browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.route(/\/(rum|navigation)-[A-Z0-9]+\.js$/, (route) => route.abort());
  await page.goto(env.site.url);
  await page.waitForFunction(() => window.__gwt !== undefined);
  const enabled = await page.evaluate(
    async ([endpoint, serviceName, fast]) => {
      const t = await window.__gwt.initTelemetry({ endpoint, serviceName, rum: {}, ...fast });
      t.tracer.startSpan('still recorded').end();
      await t.forceFlush();
      return t.enabled;
    },
    [env.receiver.url, service, FAST],
  );
  assert.equal(enabled, true);
  const span = await until(async () => (await ofService('spans', service)).find((s) => s.name === 'still recorded'), 'the span');
  assert.equal(attr(span, 'session.id'), undefined, 'no session without its chunk');
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /rum: the browser signals could not be loaded/);
  await page.close();
});

test('the default signals all load through the loader: web vitals, a long animation frame and a user action arrive', async () => {
  await env.receiver.reset();
  const service = 'rum-defaults';
  const { page, pageErrors } = await startPage(env.browser, service, {});
  await page.evaluate(() => {
    const button = document.createElement('button');
    button.id = 'busy';
    button.textContent = 'Busy';
    button.addEventListener('click', () => {
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // A long animation frame.
      }
    });
    document.body.append(button);
  });
  await page.click('#busy');
  const flush = () => page.evaluate(() => window.__t.forceFlush());
  const vitals = await until(async () => {
    await flush();
    const found = await events(service, 'browser.web_vital');
    const names = new Set(found.map((e) => attr(e, 'browser.web_vital.name')));
    return names.has('ttfb') && names.has('fcp') ? found : undefined;
  }, 'TTFB and FCP');
  assert.ok(vitals.every((e) => attr(e, 'session.id')), 'vitals carry session.id');
  const [frame] = await until(eventsArrived(service, 'browser.long_animation_frame'), 'a long animation frame');
  assert.ok(frame.greptime_row.log_attributes['event.name'] === 'browser.long_animation_frame');
  const action = await until(async () => (await ofService('spans', service)).find((s) => s.name === 'click Busy'), 'the click action');
  assert.equal(action.scope.name, 'greptime-web-telemetry/user-actions');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

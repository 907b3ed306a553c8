// Hostile values at every public entry point (issue 15 §4): nothing may throw into the app,
// nothing may corrupt what is sent next to it, and each kind costs one console warning and a
// count in stats(). Checked in Chromium against the receiver's independent decode.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, sdkWarnings, useTestPage } from './harness.mjs';

const env = useTestPage();

test('hostile values at every public entry point never throw and leave the good data intact', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const { initTelemetry, startTelemetry } = window.__gwt;
    const cyclic = { name: 'c' };
    cyclic.self = cyclic;
    const badDate = new Date();
    badDate.getTime = () => {
      throw new Error('getTime');
    };
    const trap = () => {
      throw new Error('trap');
    };
    const hostile = (window.__hostile = {
      nullProto: Object.create(null),
      nullProtoArray: [Object.create(null)],
      throwingToString: { toString: trap, valueOf: trap, [Symbol.toPrimitive]: trap },
      throwingToStringArray: [{ toString: trap }],
      proxy: new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap }),
      proxyArray: new Proxy([1, 2], { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap }),
      symbol: Symbol('s'),
      symbolArray: [Symbol('s')],
      frozenError: Object.freeze(new Error('frozen')),
      cyclic,
      getter: Object.defineProperty({}, 'a', { enumerable: true, get: trap }),
      huge: 'h'.repeat(1 << 20),
      badDate,
      bigint: 10n,
    });
    const t = await initTelemetry({ endpoint, serviceName: 'never-throw', batch: { maxExportBatchSize: 64 } });
    const threw = (window.__threw = []);
    const attempt = (window.__attempt = (label, fn) => {
      try {
        const r = fn();
        if (r && typeof r.then === 'function') r.then(undefined, (e) => threw.push(`${label} (async): ${e?.message}`));
      } catch (e) {
        let text;
        try {
          text = String(e?.message ?? e);
        } catch {
          text = 'unprintable';
        }
        threw.push(`${label}: ${text}`);
      }
    });
    const tracer = t.getTracer('never-throw');
    const meter = t.getMeter('never-throw');
    const logger = t.getLogger('never-throw');
    for (const [label, h] of Object.entries(hostile)) {
      attempt(`getTracer ${label}`, () => t.getTracer(h, h).startSpan('scoped').end());
      attempt(`getMeter ${label}`, () => t.getMeter(h, h));
      attempt(`getLogger ${label}`, () => t.getLogger(h, h).emit({ body: 'scoped' }));
      attempt(`startSpan name ${label}`, () => tracer.startSpan(h).end());
      attempt(`startSpan options ${label}`, () => tracer.startSpan('o', h).end());
      attempt(`startSpan attributes ${label}`, () => tracer.startSpan('o', { attributes: h, links: h, startTime: h, kind: h, parent: h }).end());
      attempt(`startActiveSpan ${label}`, () => tracer.startActiveSpan('a', h, (s) => s.end()));
      attempt(`startActiveSpan no fn ${label}`, () => tracer.startActiveSpan('a', h));
      const span = tracer.startSpan(`victim ${label}`);
      attempt(`setAttribute key ${label}`, () => span.setAttribute(h, 1));
      attempt(`setAttribute value ${label}`, () => span.setAttribute('v', h));
      attempt(`setAttributes ${label}`, () => span.setAttributes(h));
      attempt(`setAttributes nested ${label}`, () => span.setAttributes({ nested: h }));
      attempt(`addEvent ${label}`, () => span.addEvent(h, h, h));
      attempt(`addEvent attributes ${label}`, () => span.addEvent('e', { x: h }));
      attempt(`addEvent time ${label}`, () => span.addEvent('e', h));
      attempt(`addLink ${label}`, () => span.addLink(h));
      attempt(`addLink attributes ${label}`, () => span.addLink({ context: span.spanContext(), attributes: h }));
      attempt(`addLinks ${label}`, () => span.addLinks(h));
      attempt(`setStatus ${label}`, () => span.setStatus(h));
      attempt(`setStatus message ${label}`, () => span.setStatus({ code: 2, message: h }));
      attempt(`recordException ${label}`, () => span.recordException(h, h));
      attempt(`updateName ${label}`, () => tracer.startSpan('renamed').updateName(h).end());
      attempt(`end ${label}`, () => span.end(h));
      attempt(`isRecording ${label}`, () => span.isRecording());
      for (const create of ['createCounter', 'createUpDownCounter', 'createHistogram', 'createGauge']) {
        attempt(`${create} ${label}`, () => meter[create](h, h));
        const instrument = meter[create](`ok.${create}`);
        const method = instrument.add ? 'add' : 'record';
        attempt(`${create}.${method} value ${label}`, () => instrument[method](h));
        attempt(`${create}.${method} attributes ${label}`, () => instrument[method](1, h));
        attempt(`${create}.${method} attribute value ${label}`, () => instrument[method](1, { a: h }));
        attempt(`${create}.${method} attribute array ${label}`, () => instrument[method](1, { a: [h] }));
      }
      attempt(`createObservableGauge ${label}`, () => meter.createObservableGauge(h, h).addCallback(h));
      const observable = meter.createObservableGauge('ok.observable');
      attempt(`observable callback ${label}`, () => observable.addCallback((r) => r.observe(1, h)));
      attempt(`observable callback throws ${label}`, () =>
        observable.addCallback(() => {
          throw h;
        }),
      );
      attempt(`emit ${label}`, () => logger.emit(h));
      attempt(`emit fields ${label}`, () => logger.emit({ body: h, attributes: h, severityText: h, severityNumber: h, timestamp: h, span: h, eventName: h }));
      attempt(`emit attribute ${label}`, () => logger.emit({ body: 'b', attributes: { a: h } }));
    }
    await new Promise((r) => setTimeout(r, 50));
    // What the app recorded properly still arrives, whole.
    const good = tracer.startSpan('good after storm', { attributes: { 'good.string': 'kept', 'good.int': 7 } });
    good.addEvent('fine', { n: 1 });
    good.end();
    meter.createCounter('good.counter').add(3, { 'good.key': 'v' });
    logger.emit({ severityText: 'INFO', body: 'good log' });
    await t.forceFlush();
    await new Promise((r) => setTimeout(r, 200));
    await t.forceFlush();
    return { threw, stats: t.stats() };
  }, env.receiver.url);

  assert.deepEqual(result.threw, [], 'nothing throws into the app');
  assert.deepEqual(pageErrors, [], 'no uncaught error or unhandled rejection');
  const s = result.stats;
  assert.equal(s.malformedRecordChunks ?? 0, 0, `no corrupt chunk reached the core: ${JSON.stringify(s)}`);
  assert.ok(s.invalidAttributes > 0 && s.invalidArguments > 0 && s.invalidMeasurements > 0 && s.callbackErrors > 0, JSON.stringify(s));

  const spans = await env.receiver.spans();
  const good = spans.find((x) => x.name === 'good after storm');
  assert.ok(good, 'the good span arrived');
  assert.deepEqual(good.attributes, { 'good.string': { type: 'string', value: 'kept' }, 'good.int': { type: 'int', value: 7 } });
  assert.deepEqual(good.events.map((e) => e.name), ['fine']);
  const victims = spans.filter((x) => x.name.startsWith('victim '));
  assert.ok(victims.length >= 10, `victim spans arrived: ${victims.length}`);
  const logs = await env.receiver.logs();
  assert.ok(logs.some((l) => l.body === 'good log' || l.body?.value === 'good log'), 'the good log arrived');
  const metrics = await env.receiver.metrics();
  assert.ok(JSON.stringify(metrics).includes('good.counter'), 'the good counter arrived');

  // One warning per kind, never a flood.
  const warnings = sdkWarnings(consoleMessages);
  const perKind = new Map();
  for (const w of warnings) {
    const kind = /stats\(\)\.(\w+)/.exec(w)?.[1];
    if (kind) perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
  }
  for (const [kind, n] of perKind) assert.equal(n, 1, `${kind} warned ${n} times:\n${warnings.join('\n')}`);

  // The public API's other doors: initTelemetry and startTelemetry with hostile configurations.
  const doors = await page.evaluate(async (endpoint) => {
    const { initTelemetry, startTelemetry } = window.__gwt;
    const attempt = window.__attempt;
    const hostile = window.__hostile;
    const threw = ((window.__threw.length = 0), window.__threw);
    for (const [label, h] of Object.entries(hostile)) {
      attempt(`initTelemetry ${label}`, () => initTelemetry(h).then((x) => x.shutdown()));
      attempt(`initTelemetry fields ${label}`, () =>
        initTelemetry({ endpoint, enabled: true, serviceName: h, headers: h, resourceAttributes: h, batch: h, spanLimits: h }).then((x) => x.shutdown()),
      );
      attempt(`startTelemetry ${label}`, () => startTelemetry(h).shutdown());
      attempt(`startTelemetry fields ${label}`, () => startTelemetry({ endpoint, serviceName: h, headers: h }).shutdown());
    }
    // Captured console calls with hostile arguments: the app's console.error must not throw.
    const captured = await initTelemetry({ endpoint, serviceName: 'never-throw-console', captureConsole: ['error'], captureErrors: true });
    for (const [label, h] of Object.entries(hostile)) {
      if (label === 'huge') continue;
      attempt(`console.error ${label}`, () => console.error('hostile', h));
      attempt(`console.error alone ${label}`, () => console.error(h));
    }
    await captured.shutdown();
    // The same calls on a startTelemetry handle before its core has loaded (they are kept, then replayed).
    const early = startTelemetry({ endpoint, serviceName: 'never-throw-early' });
    for (const [label, h] of Object.entries(hostile)) {
      attempt(`early span ${label}`, () => early.tracer.startSpan('early', { attributes: { a: h } }).setAttribute('v', h).addEvent(h, h).end(h));
      attempt(`early counter ${label}`, () => early.getMeter('m').createCounter(h, h).add(1, { a: [h] }));
      attempt(`early counter value ${label}`, () => early.getMeter('m').createCounter('early.counter').add(h, h));
      attempt(`early emit ${label}`, () => early.getLogger('l').emit({ body: h, attributes: { a: h } }));
    }
    await early.ready;
    await early.forceFlush();
    await new Promise((r) => setTimeout(r, 200));
    return threw;
  }, env.receiver.url);
  assert.deepEqual(doors, [], 'initTelemetry and startTelemetry never throw or reject');
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('spans from 300 tracers each arrive under their own tracer\'s scope', async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'many-tracers', batch: { maxExportBatchSize: 1000, scheduledDelayMillis: 600000 } });
    for (let i = 0; i < 300; i++) t.getTracer(`tracer-${i}`, `1.${i}`).startSpan(`span-${i}`).end();
    await t.forceFlush();
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  const spans = await env.receiver.spans();
  assert.equal(spans.length, 300);
  const wrong = spans.filter((s) => s.scope.name !== s.name.replace('span-', 'tracer-') || s.scope.version !== s.name.replace('span-', '1.'));
  assert.deepEqual(wrong.map((s) => `${s.name} under ${s.scope.name}@${s.scope.version}`), []);
  await page.close();
});

test('a few huge spans cannot take unbounded memory: the queue is bounded in bytes, with a count and one warning', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'huge-spans', batch: { scheduledDelayMillis: 600000, maxExportBatchSize: 4, maxQueueSize: 2048 } });
    const tracer = t.getTracer('huge');
    // About 1 MiB each: 128 attributes of 8 KiB (the default limits), distinct so nothing interns.
    for (let i = 0; i < 12; i++) {
      const span = tracer.startSpan(`huge-${i}`);
      for (let a = 0; a < 128; a++) span.setAttribute(`a${a}`, String.fromCharCode(97 + ((i + a) % 26)).repeat(8192));
      span.end();
    }
    // Hand everything over without sending: queueing is what is measured.
    await new Promise((r) => setTimeout(r, 0));
    const queued = t.stats();
    await t.forceFlush();
    return { queued, after: t.stats() };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  const { queued, after } = result;
  // Batches of 4 leave as they fill, so how many were queued at once depends on timing; what may
  // never happen is the queue holding more than 4 MiB: with ~1 MiB spans, at most 4 at a time.
  assert.ok(queued.spansQueued <= 4, JSON.stringify(queued));
  const spans = await env.receiver.spans();
  assert.equal(spans.length + after.spansDroppedQueueFull, 12, `every span either arrived or was counted: ${JSON.stringify(after)}`);
  const warnings = sdkWarnings(consoleMessages).filter((w) => /queue over 4096 KiB of encoded data/.test(w));
  assert.ok(after.spansDroppedQueueFull === 0 || warnings.length === 1, warnings.join('\n'));
  await page.close();
});

test('a header value fetch cannot send is refused at configuration, never retried', async () => {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const bad = await window.__gwt.initTelemetry({ endpoint, serviceName: 'bad-db', database: 'données_日本' });
    bad.tracer.startSpan('never sent').end();
    await bad.forceFlush();
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'bad-header', headers: { 'x-team': 'チーム', 'x-ok': 'fine' }, retry: { maxAttempts: 2 } });
    t.tracer.startSpan('sent without the bad header').end();
    await t.forceFlush();
    return { badEnabled: bad.enabled, enabled: t.enabled, stats: t.stats() };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  assert.equal(result.badEnabled, false, 'a database name that cannot be sent disables telemetry');
  assert.equal(result.enabled, true);
  assert.equal(result.stats.exportRetries, 0);
  assert.equal(result.stats.spansExported, 1);
  const warnings = sdkWarnings(consoleMessages);
  assert.ok(warnings.some((w) => /telemetry disabled: `database` "données_日本" cannot be sent: .*Latin-1/.test(w)), warnings.join('\n'));
  assert.ok(warnings.some((w) => /header `x-team` ignored: .*Latin-1/.test(w)), warnings.join('\n'));
  assert.ok(!warnings.some((w) => /is GreptimeDB running/.test(w)), warnings.join('\n'));
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces');
  assert.equal(requests.length, 1);
  assert.equal(requests[0].headers['x-ok'], 'fine');
  await page.close();
});

test('a reused XMLHttpRequest ends one span per send and gains no listener per send', async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'xhr-reuse', instrumentXhr: true });
    const xhr = new XMLHttpRequest();
    let added = 0;
    const add = xhr.addEventListener;
    xhr.addEventListener = function (...args) {
      added++;
      return add.apply(this, args);
    };
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => {
        xhr.open('GET', `/index.html?n=${i}`);
        xhr.onloadend = resolve;
        xhr.send();
      });
    }
    await t.forceFlush();
    return { added };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  assert.ok(result.added <= 1, `listeners added to one reused XMLHttpRequest: ${result.added}`);
  const spans = (await env.receiver.spans()).filter((s) => s.name === 'GET');
  assert.equal(spans.length, 5);
  for (const s of spans) assert.equal(s.attributes['http.response.status_code']?.value, 200, JSON.stringify(s));
  await page.close();
});

test('huge spans do not wait in JS either: they are handed to the bounded queue as they end', async () => {
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    // Fewer than a batch, and a long delay: without a byte bound they would all wait in JS.
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'huge-waiting', batch: { scheduledDelayMillis: 600000 } });
    const tracer = t.getTracer('huge');
    for (let i = 0; i < 40; i++) {
      const span = tracer.startSpan(`huge-${i}`);
      for (let a = 0; a < 128; a++) span.setAttribute(`a${a}`, String.fromCharCode(97 + ((i + a) % 26)).repeat(8192));
      span.end();
    }
    const s = t.stats();
    await t.shutdown();
    return { queued: s.spansQueued, dropped: s.spansDroppedQueueFull };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  // ~40 MiB ended in one task: at most about 4 MiB (the queue's byte bound at the default
  // maxQueueSize) may still wait in JS, the rest is in the core's queue (under 4 MiB) or counted
  // as dropped.
  assert.ok(result.queued + result.dropped >= 36, JSON.stringify(result));
  assert.ok(result.queued <= 4, JSON.stringify(result));
  await page.close();
});

test('a fetch rejected with a value String() cannot convert: the app gets it unchanged and its span still ends, as an error', async () => {
  await env.receiver.reset();
  const { page, pageErrors } = await openPage(env.browser, env.site.url);
  const result = await page.evaluate(async (endpoint) => {
    // The exporter keeps the page's fetch from when the package loaded; the app's fetch below
    // (another library's wrapper, a mock) rejects with a null-prototype object.
    const hostile = Object.create(null);
    const pageFetch = window.fetch;
    window.fetch = () => Promise.reject(hostile);
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'fetch-hostile', instrumentFetch: true, rum: false });
    let caught;
    try {
      await fetch('/hostile');
    } catch (e) {
      caught = e;
    }
    await new Promise((r) => setTimeout(r, 50));
    await t.forceFlush();
    await t.shutdown();
    window.fetch = pageFetch;
    return { same: caught === hostile };
  }, env.receiver.url);
  assert.deepEqual(pageErrors, []);
  assert.equal(result.same, true, 'the app sees its own rejection');
  const spans = (await env.receiver.spans()).filter((s) => s.name === 'GET');
  assert.equal(spans.length, 1, 'the fetch span ends and arrives');
  assert.equal(spans[0].status.code, 'STATUS_CODE_ERROR');
  await page.close();
});

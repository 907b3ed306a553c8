// The offline store in a real browser (Chromium): where each kept request goes, exactly once
// across tabs (plain HTTP: no Web Locks) and across a navigation, IndexedDB's error paths
// (quota at commit, a delete that never commits, an older schema, a hung open, a failed import
// of the store's chunk), its limits (maxBytes, maxAgeMillis) and an outage with spans arriving
// steadily. What arrives is judged by the receiver (official opentelemetry-proto decoder).
//
// Each test gets its own origin (`http://<name>.test:<port>`, mapped to 127.0.0.1 with
// --host-resolver-rules), hence its own IndexedDB; those origins are not secure contexts (no
// Web Locks, no crypto.subtle), as a plain-HTTP deployment is. One test uses 127.0.0.1 (secure).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { CHROMIUM, ROOT, serveStatic, startReceiver, sdkWarnings } from './harness.mjs';

const DIST = join(ROOT, 'tests/e2e/page/dist');
const env = {};
before(async () => {
  env.receiver = await startReceiver();
  env.site = await serveStatic(DIST);
  env.port = Number(new URL(env.site.url).port);
  env.browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'gwt-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.test 127.0.0.1'],
  });
});
after(async () => {
  await env.browser?.close();
  await env.site?.close();
  await env.receiver?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const origin = (name) => `http://${name}.test:${env.port}`;

/** Opens the test page at `url`; `setup` runs in the page before the SDK starts (stubs). */
async function open(url, { setup, setupArg } = {}) {
  const page = await env.browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await env.browser.setOffline(false); // a failed test may have left it offline
  await page.goto(url);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 10000 });
  if (setup) await page.evaluate(setup, setupArg);
  return { page, consoleMessages, pageErrors, warnings: () => sdkWarnings(consoleMessages) };
}

async function init(page, config) {
  await page.evaluate(async (cfg) => {
    window.__t = await window.__gwt.initTelemetry(cfg);
  }, config);
}

const makeSpans = (prefix, n) => `for (let i = 0; i < ${n}; i++) window.__t.tracer.startSpan('${prefix} ' + i).end();`;
const flush = (page) => page.evaluate(() => window.__t.forceFlush());
const stats = (page) => page.evaluate(() => window.__t.stats());

async function spansNamed(prefix) {
  return (await env.receiver.spans()).filter((s) => s.name.startsWith(prefix + ' '));
}

async function waitForSpans(prefix, min, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = await spansNamed(prefix);
    if (spans.length >= min || Date.now() > deadline) return spans;
    await sleep(200);
  }
}

/** What the page's IndexedDB holds (records of the SDK's store), read by the test itself. */
const storedRecords = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const r = indexedDB.open('greptime-web-telemetry');
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const db = r.result;
          if (!db.objectStoreNames.contains('requests')) return (db.close(), resolve([]));
          const all = db.transaction('requests').objectStore('requests').getAll();
          all.onsuccess = () => (db.close(), resolve(all.result.map((x) => ({ ...x, body: x.body.byteLength }))));
          all.onerror = () => reject(all.error);
        };
      }),
  );

/** Keeps `n` spans named `prefix i` in the store of `url` (offline), then closes that page. */
async function keepOffline(url, config, prefix, n) {
  const { page } = await open(url);
  await init(page, config);
  await env.browser.setOffline(true);
  await page.evaluate(makeSpans(prefix, n));
  await flush(page);
  const s = await stats(page);
  await page.close();
  await env.browser.setOffline(false);
  return s;
}

test('three configurations on one origin: each drains only its own requests, to its endpoint and database, with its credentials', { timeout: 60000 }, async () => {
  const receiver = await startReceiver(['--auth', 'alice:pa', '--auth', 'bob:pb', '--databases', 'db_a,db_b']);
  await env.receiver.reset();
  try {
    const url = 'http://127.0.0.1:' + env.port; // secure: the fingerprint is SHA-256 here
    const a = { endpoint: receiver.url, serviceName: 'app-a', database: 'db_a', username: 'alice', password: 'pa', batch: { scheduledDelayMillis: 60000 } };
    const b = { ...a, serviceName: 'app-b', database: 'db_b', username: 'bob', password: 'pb' };
    const c = { endpoint: env.receiver.url, serviceName: 'app-c', batch: { scheduledDelayMillis: 60000 } }; // another endpoint
    assert.equal((await keepOffline(url, c, 'C', 3)).itemsPersistedOffline, 3);
    assert.equal((await keepOffline(url, a, 'A', 10)).itemsPersistedOffline, 10);
    assert.equal((await keepOffline(url, b, 'B', 7)).itemsPersistedOffline, 7);

    const pageB = (await open(url)).page;
    const records = await storedRecords(pageB);
    assert.equal(records.length, 3);
    assert.deepEqual(records.map((r) => [r.url, r.headers['x-greptime-db-name']]), [
      [`${env.receiver.url}/v1/otlp/v1/traces`, 'public'],
      [`${receiver.url}/v1/otlp/v1/traces`, 'db_a'],
      [`${receiver.url}/v1/otlp/v1/traces`, 'db_b'],
    ]);
    for (const r of records) assert.ok(!JSON.stringify(r).includes(Buffer.from('alice:pa').toString('base64')) && !JSON.stringify(r).includes(Buffer.from('bob:pb').toString('base64')), 'no credentials in clear in IndexedDB');
    await init(pageB, b); // drains at start: B's request only
    await sleep(1500);
    let spans = await receiver.spans();
    assert.deepEqual([...new Set(spans.map((s) => s.service_name))], ['app-b'], 'B drained only B’s spans');
    assert.equal(spans.length, 7);
    assert.ok(spans.every((s) => s.database === 'db_b'));
    assert.equal((await stats(pageB)).itemsRestoredFromOffline, 7);
    assert.equal((await storedRecords(pageB)).length, 2, 'A’s and C’s requests stay for them');

    const pageA = (await open(url)).page;
    await init(pageA, a);
    await sleep(1500);
    spans = await receiver.spans();
    const fromA = spans.filter((s) => s.service_name === 'app-a');
    assert.equal(fromA.length, 10);
    assert.ok(fromA.every((s) => s.database === 'db_a'), 'A’s spans in A’s database');
    const requests = await receiver.requests();
    assert.ok(requests.every((r) => r.status === 200), `statuses ${requests.map((r) => r.status)}`);
    assert.equal(spans.length, 17, 'nothing of C’s at A’s and B’s endpoint');
    assert.equal((await env.receiver.spans()).length, 0, 'C’s request waits for C');
    assert.equal((await storedRecords(pageA)).length, 1);

    const pageC = (await open(url)).page;
    await init(pageC, c);
    const fromC = await waitForSpans('C', 3, 5000);
    assert.equal(fromC.length, 3);
    assert.ok(fromC.every((s) => s.service_name === 'app-c' && s.database === 'public'));
    assert.equal((await storedRecords(pageC)).length, 0);
    await pageA.close();
    await pageB.close();
    await pageC.close();
  } finally {
    await receiver.stop();
  }
});

test('two tabs on a plain-HTTP origin drain the same store: each span arrives exactly once', { timeout: 60000 }, async () => {
  await env.receiver.reset();
  const url = origin('twotabs');
  const config = { endpoint: env.receiver.url, serviceName: 'two-tabs', batch: { scheduledDelayMillis: 60000, maxExportBatchSize: 10 } };
  const kept = await keepOffline(url, config, 'tabs', 60);
  assert.equal(kept.itemsPersistedOffline, 60);
  // Slow answers, so that both tabs' drains overlap.
  await env.receiver.faults({ statuses: new Array(12).fill(200), delay_ms: 300, signal: 'traces' });
  const [one, two] = await Promise.all([open(url), open(url)]);
  assert.equal(await one.page.evaluate(() => isSecureContext), false, 'the page is not a secure context');
  assert.equal(await one.page.evaluate(() => 'locks' in navigator), false, 'no Web Locks here');
  await Promise.all([init(one.page, config), init(two.page, config)]);
  const spans = await waitForSpans('tabs', 60, 15000);
  await sleep(2000); // a second copy would arrive by now
  const all = await spansNamed('tabs');
  const [s1, s2] = [await stats(one.page), await stats(two.page)];
  console.log(`[offline] two tabs: received ${all.length} (${new Set(all.map((s) => s.span_id)).size} distinct); restored ${s1.itemsRestoredFromOffline} + ${s2.itemsRestoredFromOffline}`);
  assert.equal(spans.length, 60);
  assert.equal(all.length, 60, 'no span twice');
  assert.equal(s1.itemsRestoredFromOffline + s2.itemsRestoredFromOffline, 60);
  await one.page.close();
  await two.page.close();
});

test('a navigation while a drain request is on its way: the request lands once, the next load does not send it again', { timeout: 60000 }, async () => {
  await env.receiver.reset();
  const url = origin('navigate');
  const config = { endpoint: env.receiver.url, serviceName: 'navigate', batch: { scheduledDelayMillis: 60000, exportTimeoutMillis: 3000 }, retry: { maxBackoffMillis: 500 } };
  assert.equal((await keepOffline(url, config, 'nav', 10)).itemsPersistedOffline, 10);
  await env.receiver.faults({ statuses: [200], delay_ms: 1500, signal: 'traces' });
  const { page } = await open(url);
  await init(page, config); // the drain starts: its answer takes 1.5 s
  await sleep(400);
  await page.goto(url); // the user navigates away mid-drain
  await page.waitForFunction(() => window.__gwt !== undefined);
  await init(page, config);
  await sleep(7000); // the first request's answer, its claim's end (3 s timeout + 2 s), and a drain pass
  const spans = await spansNamed('nav');
  const s = await stats(page);
  console.log(`[offline] navigation mid-drain: received ${spans.length}; next page: restored ${s.itemsRestoredFromOffline}, unconfirmed ${s.itemsUnconfirmedOffline}`);
  assert.equal(spans.length, 10, 'each span once');
  assert.equal(s.itemsRestoredFromOffline, 0, 'not sent again');
  assert.equal(s.itemsUnconfirmedOffline, 10, 'counted: sent by a page that went away before the answer');
  assert.equal((await storedRecords(page)).length, 0);
  await page.close();
});

test('a quota error when the put commits: counted as lost with a warning, not as kept', async () => {
  await env.receiver.reset();
  const url = origin('quota');
  // Every write that adds a record fails at commit, as a full disk does.
  const setup = () => {
    for (const method of ['add', 'put']) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (...args) {
        const request = original.apply(this, args);
        const tx = this.transaction;
        if (args[0] && args[0].body) {
          request.addEventListener('success', () => {
            Object.defineProperty(tx, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
            tx.abort();
          });
        }
        return request;
      };
    }
  };
  const { page, warnings } = await open(url, { setup });
  await init(page, { endpoint: env.receiver.url, serviceName: 'quota', batch: { scheduledDelayMillis: 60000 } });
  await env.browser.setOffline(true);
  await page.evaluate(makeSpans('quota', 12));
  await flush(page);
  const s = await stats(page);
  await env.browser.setOffline(false);
  assert.equal(s.itemsPersistedOffline, 0, 'nothing was kept');
  assert.equal(s.itemsDroppedOffline, 12, 'counted as lost by the offline store');
  assert.ok(warnings().some((w) => /QuotaExceededError|quota/i.test(w)), warnings().join('\n'));
  assert.equal((await storedRecords(page)).length, 0);
  await page.close();
});

test('a delete that never commits: the accepted request is not sent again, and the page says so', { timeout: 30000 }, async () => {
  await env.receiver.reset();
  const url = origin('nodelete');
  const config = { endpoint: env.receiver.url, serviceName: 'nodelete', batch: { scheduledDelayMillis: 60000 }, retry: { maxBackoffMillis: 300 } };
  assert.equal((await keepOffline(url, config, 'nodel', 8)).itemsPersistedOffline, 8);
  const setup = () => {
    const original = IDBObjectStore.prototype.delete;
    IDBObjectStore.prototype.delete = function (...args) {
      const request = original.apply(this, args);
      const tx = this.transaction;
      request.addEventListener('success', () => tx.abort());
      return request;
    };
  };
  const { page, warnings } = await open(url, { setup });
  await init(page, config);
  await sleep(3000); // several drain passes (every 0.6 s)
  const spans = await spansNamed('nodel');
  assert.equal(spans.length, 8, `each span once (got ${spans.length})`);
  assert.ok(warnings().some((w) => /delete|remove/i.test(w)), warnings().join('\n'));
  await page.close();
});

test('offline.maxBytes evicts the oldest, offline.maxAgeMillis expires; each with one warning, counted', { timeout: 30000 }, async () => {
  await env.receiver.reset();
  const url = origin('limits');
  const config = { endpoint: env.receiver.url, serviceName: 'limits', compression: 'none', batch: { scheduledDelayMillis: 60000 }, offline: { maxBytes: 4000, maxAgeMillis: 3000 } };
  const { page, warnings } = await open(url);
  await init(page, config);
  await env.browser.setOffline(true);
  for (let i = 0; i < 6; i++) {
    await page.evaluate(makeSpans(`lim${i}`, 10)); // ~1 KB a request: six do not fit in 4000 bytes
    await flush(page);
  }
  let s = await stats(page);
  const kept = await storedRecords(page);
  const bytes = kept.reduce((n, r) => n + r.body, 0);
  assert.equal(s.itemsPersistedOffline, 60);
  assert.ok(bytes <= 4000, `${bytes} bytes kept`);
  assert.ok(kept.length >= 2 && kept.length < 6, `${kept.length} requests kept`);
  assert.equal(s.itemsDroppedOffline, (6 - kept.length) * 10, 'evicted items counted');
  assert.ok(warnings().some((w) => /maxBytes/.test(w)), warnings().join('\n'));
  // Older than maxAgeMillis when the connection comes back: expired, not sent.
  await sleep(3500);
  await env.browser.setOffline(false);
  await sleep(1500);
  s = await stats(page);
  assert.equal((await spansNamed('lim5')).length, 0, 'expired requests are not sent');
  assert.equal(s.itemsDroppedOffline, 60);
  assert.equal(s.itemsRestoredFromOffline, 0);
  assert.ok(warnings().some((w) => /maxAgeMillis/.test(w)), warnings().join('\n'));
  assert.equal(warnings().filter((w) => /maxBytes/.test(w)).length, 1, 'one warning per kind');
  assert.equal((await storedRecords(page)).length, 0);
  await page.close();
});

test('a same-named database with an older schema is upgraded, and the store works', async () => {
  await env.receiver.reset();
  const url = origin('oldschema');
  // An older version of the database (version 1, no object store) left by someone else.
  const setup = () =>
    new Promise((resolve, reject) => {
      const r = indexedDB.open('greptime-web-telemetry', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('something-else');
      r.onsuccess = () => (r.result.close(), resolve());
      r.onerror = () => reject(r.error);
    });
  const { page } = await open(url, { setup });
  await init(page, { endpoint: env.receiver.url, serviceName: 'oldschema', batch: { scheduledDelayMillis: 60000 } });
  await env.browser.setOffline(true);
  await page.evaluate(makeSpans('old', 5));
  await flush(page);
  await env.browser.setOffline(false);
  const s = await stats(page);
  assert.equal(s.itemsPersistedOffline, 5);
  assert.equal((await waitForSpans('old', 5, 8000)).length, 5);
  await page.close();
});

test('a hung indexedDB.open does not block the span pipeline: counted, one warning, and later spans still go', { timeout: 30000 }, async () => {
  await env.receiver.reset();
  const url = origin('hung');
  const setup = () => {
    // A request that never fires success, error or blocked.
    indexedDB.open = () => new EventTarget();
  };
  const { page, warnings } = await open(url, { setup });
  await init(page, { endpoint: env.receiver.url, serviceName: 'hung', batch: { scheduledDelayMillis: 60000 } });
  await env.browser.setOffline(true);
  await page.evaluate(makeSpans('hung', 5));
  const outcome = await page.evaluate(() => Promise.race([window.__t.forceFlush().then(() => 'flushed'), new Promise((r) => setTimeout(() => r('hung'), 10000))]));
  await env.browser.setOffline(false);
  assert.equal(outcome, 'flushed');
  const s = await stats(page);
  assert.equal(s.spansFailedExport, 5, 'the batch that could not be kept is counted');
  assert.ok(warnings().some((w) => /IndexedDB|offline store/.test(w)), warnings().join('\n'));
  await page.evaluate(makeSpans('after', 5));
  await flush(page);
  assert.equal((await spansNamed('after')).length, 5);
  await page.close();
});

test('the offline store’s chunk fails to load: the batches that needed it are counted and warned about, never thrown', { timeout: 30000 }, async () => {
  await env.receiver.reset();
  const url = origin('noimport');
  const { page, warnings, pageErrors } = await open(url);
  let blocked = 0;
  // The bundler's chunk for the lazily imported offline store (named after its module).
  await page.route(/\/offline_store-[^/]*\.js$/, (route) => {
    blocked++;
    return route.fulfill({ status: 404, body: 'not found' });
  });
  // Every export fails once and is not retried (the backend down): the batch needs the store.
  await env.receiver.faults({ statuses: new Array(10).fill(503), signal: 'traces' });
  await init(page, { endpoint: env.receiver.url, serviceName: 'noimport', batch: { scheduledDelayMillis: 60000 }, retry: { maxAttempts: 1 } });
  await page.evaluate(makeSpans('noimp', 5));
  const first = await page.evaluate(() => window.__t.forceFlush().then(() => 'ok', (e) => `threw ${e}`));
  assert.equal((await stats(page)).spansFailedExport, 5, 'the batch that needed the store is counted as lost');
  await page.unroute(/\/offline_store-[^/]*\.js$/); // the chunk can be loaded again
  let requestedAgain = 0;
  page.on('request', (r) => /offline_store-/.test(r.url()) && requestedAgain++);
  await page.evaluate(makeSpans('noimp2', 4));
  const second = await page.evaluate(() => window.__t.forceFlush().then(() => 'ok', (e) => `threw ${e}`));
  await env.receiver.clearFaults();
  const s = await stats(page);
  assert.ok(blocked > 0, 'the chunk was requested and refused');
  assert.equal(first, 'ok');
  assert.equal(second, 'ok');
  console.log(`[offline] chunk 404: requested ${blocked} times while refused, ${requestedAgain} after; then lost ${s.spansFailedExport}, kept ${s.itemsPersistedOffline}`);
  assert.equal(s.spansFailedExport, 5);
  assert.equal(s.itemsPersistedOffline, 4, 'a failed load is not cached: the next batch loads the store and is kept');
  assert.ok(warnings().some((w) => /offline store/.test(w)), warnings().join('\n'));
  assert.deepEqual(pageErrors, []);
  await page.close();
});

test('an outage with spans arriving steadily: full batches go to the offline store instead of overflowing the queue, and all come back', { timeout: 90000 }, async () => {
  await env.receiver.reset();
  const url = origin('outage');
  const config = {
    endpoint: env.receiver.url,
    serviceName: 'outage',
    batch: { maxQueueSize: 200, maxExportBatchSize: 50, scheduledDelayMillis: 500 },
    retry: { initialBackoffMillis: 500, maxBackoffMillis: 1000 },
  };
  await env.receiver.faults({ statuses: new Array(2000).fill(503), signal: 'traces' });
  const { page } = await open(url);
  await init(page, config);
  // 200 spans a second for 10 s, every export answered 503.
  const created = 2000;
  for (let tick = 0; tick < 40; tick++) {
    await page.evaluate(makeSpans(`out${tick}`, 50));
    await sleep(250);
  }
  let s = await stats(page);
  const dropped = s.spansDroppedQueueFull + s.spansFailedExport + s.itemsDroppedOffline;
  console.log(`[offline] outage 10 s at 200 spans/s, queue 200: dropped ${dropped} (queue full ${s.spansDroppedQueueFull}, failed ${s.spansFailedExport}, offline ${s.itemsDroppedOffline}), kept offline ${s.itemsPersistedOffline}, retries ${s.exportRetries}`);
  await env.receiver.clearFaults();
  await flush(page);
  const deadline = Date.now() + 30000;
  let spans = [];
  while (Date.now() < deadline) {
    spans = (await env.receiver.spans()).filter((x) => x.service_name === 'outage');
    s = await stats(page);
    if (spans.length >= created - dropped && s.itemsRestoredFromOffline >= s.itemsPersistedOffline) break;
    await sleep(500);
  }
  console.log(`[offline] outage recovered: received ${spans.length} (${new Set(spans.map((x) => x.span_id)).size} distinct), restored ${s.itemsRestoredFromOffline} of ${s.itemsPersistedOffline}`);
  assert.ok(dropped <= created * 0.05, `dropped ${dropped} of ${created}`);
  assert.equal(s.itemsRestoredFromOffline, s.itemsPersistedOffline, 'everything kept came back');
  assert.equal(spans.length, created - dropped);
  assert.equal(new Set(spans.map((x) => x.span_id)).size, spans.length, 'nothing twice');
  await page.close();
});

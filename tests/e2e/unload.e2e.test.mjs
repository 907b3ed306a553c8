// A real tab close and a real navigation with spans queued, in Chromium and in Firefox ESR.
// The receiver runs in hold mode while the page goes away: it reads a request's body only after
// HOLD_MS and counts it only if the browser still waits for the answer, so only what the
// browser keeps alive after the page is gone (keepalive) can count as "received at unload";
// a request cancelled with the page is listed as abandoned. Then the page is opened again in
// the same profile and what the last one kept in IndexedDB must arrive: every span exactly once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchNamedBrowser, openPage, waitForPageFunction } from './harness.mjs';
import { useReceiverAndSite } from './receiver_site.mjs';

const HOLD_MS = 1500;
const KEEPALIVE_BUDGET = 64 * 1024;
const STORE_OPEN_MS = 300;
const COPIES_WAIT_MS = 2000;
const REPEAT = Number(process.env.UNLOAD_REPEAT ?? 1);
/** UNLOAD_BROWSERS=firefox (comma-separated) runs one browser only. */
const BROWSERS = (process.env.UNLOAD_BROWSERS ?? 'chromium,firefox').split(',');
const env = useReceiverAndSite();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Spans of `service` that arrived, and the requests that carried them. */
async function arrived(service) {
  const spans = (await env.receiver.spans()).filter((s) => s.service_name === service);
  const requests = (await env.receiver.requests()).filter((r) => r.signal === 'traces' && (r.services ?? []).includes(service));
  return { spans, requests };
}

async function waitForSpans(service, min, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await arrived(service);
    if (got.spans.length >= min || Date.now() > deadline) return got;
    await sleep(250);
  }
}

/** In the page: init, then `count` spans, each with a `blob` attribute made by `payload`. */
async function recordSpans(page, config, count, payload) {
  await page.evaluate(
    async ({ config, count, payload }) => {
      window.__t ??= await window.__gwt.initTelemetry(config);
      const tracer = window.__t.getTracer('unload-test');
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/!#$%&()*,-.:;<=>?@[]^_{|}~';
      const random = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => alphabet[b % alphabet.length]).join('');
      for (let i = 0; i < count; i++) {
        const span = tracer.startSpan(`unload ${i}`);
        if (payload.kind === 'repeated') span.setAttribute('blob', payload.char.repeat(payload.size));
        else span.setAttribute('blob', random(payload.size));
        span.end();
      }
    },
    { config, count, payload },
  );
}

/**
 * Items in the page's offline store (IndexedDB) right now: `held`, copies the page still sends
 * itself (written while visible, see js/export/tail_backup.ts), and all of them.
 */
async function storedItems(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('greptime-web-telemetry');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('requests')) return resolve({ held: 0, all: 0 });
          const all = db.transaction('requests', 'readonly').objectStore('requests').getAll();
          all.onsuccess = () => {
            db.close();
            const records = all.result;
            resolve({ held: records.filter((r) => r.hold).reduce((n, r) => n + r.items, 0), all: records.reduce((n, r) => n + r.items, 0) });
          };
        };
      }),
  );
}

/**
 * Records `count` spans, makes the page go away (`how`: 'close', 'navigation', or 'crash': the
 * renderer is killed, so nothing of page hide runs, as when Firefox discards a closing tab's
 * work), measures what arrived while it went, opens the page again and inits again; returns the
 * figures.
 */
async function unloadAndReload(browser, how, { service, count, payload, config = {}, copies = false, closeAtOnce = false }) {
  await env.receiver.reset();
  await env.receiver.hold(HOLD_MS);
  const fullConfig = { endpoint: env.receiver.url, serviceName: service, ...config };
  const { page } = await openPage(browser, env.site.url);
  if (closeAtOnce) {
    // `closeAtOnce`: init and let the store open first, then record and go away at once,
    // while the exports the spans started are still on their way.
    await page.evaluate(async (cfg) => {
      window.__t = await window.__gwt.initTelemetry(cfg);
    }, fullConfig);
    await sleep(STORE_OPEN_MS);
  }
  await recordSpans(page, fullConfig, count, payload);
  // The offline store opens in the background at init (its module is a lazily loaded chunk):
  // a page closed within its first few dozen milliseconds can only send what fits keepalive.
  if (!closeAtOnce) await sleep(STORE_OPEN_MS);
  // What the page wrote while still visible: all that page hide cannot send with keepalive.
  // `copies`: a rest is expected; on a loaded machine the store's first open and the write can
  // take longer than STORE_OPEN_MS, so wait for it (at most COPIES_WAIT_MS more; timed).
  let beforeHide = closeAtOnce ? { held: 0, all: 0 } : await storedItems(page);
  const waitStart = Date.now();
  while (copies && beforeHide.all === 0 && Date.now() - waitStart < COPIES_WAIT_MS) {
    await sleep(50);
    beforeHide = await storedItems(page);
  }
  const copiesWaitMs = copies ? Date.now() - waitStart : 0;
  if (how === 'close') {
    await page.close({ runBeforeUnload: true });
  } else if (how === 'crash') {
    const cdp = await page.context().newCDPSession(page);
    // Neither call answers once the renderer is gone.
    await Promise.race([cdp.send('Page.crash').catch(() => {}), sleep(1000)]);
    await Promise.race([page.close().catch(() => {}), sleep(1000)]);
  } else {
    await page.evaluate(() => {
      location.href = 'about:blank';
    }).catch(() => {}); // the context may be gone before evaluate answers
    await waitForPageFunction(page, () => location.href === 'about:blank', null).catch(() => {});
  }
  await sleep(HOLD_MS + 1000);
  const atUnload = await arrived(service);
  const abandoned = (await env.receiver.abandoned()).length;
  await env.receiver.hold(0);

  let next;
  if (how !== 'navigation') {
    ({ page: next } = await openPage(browser, env.site.url));
  } else {
    next = page;
    await next.goto(env.site.url);
    await waitForPageFunction(next, () => window.__gwt !== undefined, null);
  }
  await next.evaluate(async (cfg) => {
    window.__t = await window.__gwt.initTelemetry(cfg);
  }, fullConfig);
  const all = await waitForSpans(service, count, 20000);
  await sleep(500); // anything sent twice would arrive now
  const final = await arrived(service);
  const stats = await next.evaluate(() => window.__t.stats());
  await next.close();
  const ids = new Set(final.spans.map((s) => s.span_id));
  const figures = {
    created: count,
    atUnload: atUnload.spans.length,
    unloadRequests: atUnload.requests.map((r) => r.body_bytes),
    abandoned,
    persistedBeforeHide: beforeHide.all,
    copiesWaitMs,
    restored: stats.itemsRestoredFromOffline,
    received: final.spans.length,
    distinct: ids.size,
  };
  console.log(
    `[unload] ${browser.browserName ?? 'chromium'} ${how}, ${count} spans (${payload.kind} ${payload.size} B): created ${count}, ` +
      `received at unload ${figures.atUnload} in ${figures.unloadRequests.length} requests (bytes ${figures.unloadRequests.join(', ')}), ` +
      `abandoned requests ${abandoned}, in IndexedDB before page hide ${figures.persistedBeforeHide} (waited ${copiesWaitMs} ms more), restored on the next load ${figures.restored}, ` +
      `received ${figures.received} (${figures.distinct} distinct), ` +
      `dropped ${count - figures.distinct}`,
  );
  void all;
  return figures;
}

function assertAllOnce(f) {
  assert.equal(f.distinct, f.created, `every span arrives: ${JSON.stringify(f)}`);
  assert.equal(f.received, f.created, `each exactly once: ${JSON.stringify(f)}`);
  assert.equal(f.atUnload + f.restored, f.created, `at unload or restored: ${JSON.stringify(f)}`);
  assert.ok(f.unloadRequests.every((b) => b <= KEEPALIVE_BUDGET), `keepalive bodies within 64 KiB: ${f.unloadRequests}`);
}

for (const browserName of BROWSERS) {
  describe(`page unload in ${browserName}`, () => {
    let browser;
    before(async () => {
      browser = await launchNamedBrowser(browserName);
    });
    after(async () => {
      await browser?.close();
    });

    for (const [how, kind] of [
      ['close', 'repeated'],
      ['navigation', 'repeated'],
      ['close', 'random'],
      ['navigation', 'random'],
    ]) {
      test(`${how} with 400 spans of 1 KiB (${kind}) queued: nothing lost, nothing twice`, { timeout: 60000 }, async () => {
        const f = await unloadAndReload(browser, how, { service: `unload-${how}-${kind}`, count: 400, payload: { kind, char: 'x', size: 1024 }, copies: kind === 'random' });
        assertAllOnce(f);
        assert.ok(f.atUnload > 0, 'part is sent while the page goes away');
        if (kind === 'repeated') assert.equal(f.atUnload, f.created, 'compressed, a compressible queue fits the keepalive budget whole');
        // Firefox may discard what a closing tab starts at pagehide: all that keepalive cannot
        // carry was in IndexedDB while the page was still visible.
        if (kind === 'random') assert.equal(f.persistedBeforeHide, f.created - f.atUnload, `the rest was kept before page hide: ${JSON.stringify(f)}`);
      });
    }

    test('tab closed while a batch sleeps in retry backoff: it goes at unload or is restored, once', { timeout: 60000 }, async () => {
      await env.receiver.reset();
      await env.receiver.faults({ statuses: [503], signal: 'traces' });
      const service = 'unload-backoff';
      const config = { endpoint: env.receiver.url, serviceName: service, retry: { initialBackoffMillis: 30000, maxBackoffMillis: 30000 } };
      const { page } = await openPage(browser, env.site.url);
      await recordSpans(page, config, 10, { kind: 'repeated', char: 'b', size: 10 });
      await page.evaluate(() => void window.__t.forceFlush());
      const deadline = Date.now() + 5000;
      while ((await env.receiver.requests()).filter((r) => r.status === 503).length === 0 && Date.now() < deadline) await sleep(50);
      // The receiver has answered 503; the page must also have read it and be asleep in backoff
      // (exportRetries counts the retry as the sleep starts): closed in between, the batch is a
      // keepalive request in flight, which page hide does not interrupt.
      while ((await page.evaluate(() => window.__t.stats().exportRetries)) === 0 && Date.now() < deadline) await sleep(50);
      await env.receiver.hold(HOLD_MS); // the batch now sleeps 30 s before its next attempt
      await page.close({ runBeforeUnload: true });
      await sleep(HOLD_MS + 1000);
      const atUnload = (await arrived(service)).spans.length;
      await env.receiver.hold(0);
      const { page: next } = await openPage(browser, env.site.url);
      await next.evaluate(async (cfg) => {
        window.__t = await window.__gwt.initTelemetry(cfg);
      }, config);
      const { spans } = await waitForSpans(service, 10, 10000);
      await next.close();
      console.log(`[unload] ${browserName} close during backoff: created 10, received at unload ${atUnload}, received ${spans.length}`);
      assert.equal(new Set(spans.map((s) => s.span_id)).size, spans.length, 'nothing twice');
      assert.equal(spans.length, 10);
    });

    // The last word, recorded right before a real close (a small tail of spans and log records,
    // and a counter's last increments): it can only go with the page's hide. UNLOAD_REPEAT runs
    // each of these N times (the flake hunt). Firefox ESR 153 discards what page hide sends in
    // some closes (README, Page unload: "Firefox, the last word"): 2 of 30 runs lost the final
    // metrics and 6 of 30 the spans of the small tail before page hide was resumable; the
    // metrics now go twice (pagehide, visibilitychange; the same row in GreptimeDB): 0 of 25
    // lost. The small tail, which cannot go twice, was still lost in 1 of 60 closes, so
    // Firefox's small-tail test is `todo`: it runs and reports, and does not fail the test command.
    const lastWord = { timeout: 60000 };
    const lastTail = { timeout: 60000, ...(browserName === 'firefox' ? { todo: 'Firefox stops a closing page\'s script: the whole small tail was lost in 1 of 60 closes (README, "Firefox, the last word")' } : {}) };
    for (let run = 1; run <= REPEAT; run++) {
      const nth = REPEAT > 1 ? ` (run ${run})` : '';
      test(`tab closed while a metrics export waits for its answer, 5 added just before: final value 6 stored once${nth}`, lastWord, async () => {
        await env.receiver.reset();
        await env.receiver.hold(HOLD_MS);
        const service = `unload-metrics-${browserName}-${run}`;
        const config = { endpoint: env.receiver.url, serviceName: service, rum: false, metrics: { exportIntervalMillis: 60000 } };
        const { page } = await openPage(browser, env.site.url);
        await page.evaluate(async (cfg) => {
          window.__t = await window.__gwt.initTelemetry(cfg);
          window.__clicks = window.__t.getMeter('unload-test').createCounter('unload.clicks');
          window.__clicks.add(1);
          void window.__t.forceFlush(); // held by the receiver: still waiting when the page goes
        }, config);
        await sleep(STORE_OPEN_MS);
        await page.evaluate(() => window.__clicks.add(5));
        await page.close({ runBeforeUnload: true });
        await sleep(HOLD_MS + 1500);
        const abandoned = await env.receiver.abandoned();
        await env.receiver.hold(0);
        // The next load drains whatever the closed page kept, then its own collection is ignored.
        const { page: next } = await openPage(browser, env.site.url);
        await next.evaluate(async (cfg) => {
          window.__t = await window.__gwt.initTelemetry(cfg);
        }, { ...config, serviceName: `${service}-next` });
        await sleep(1000);
        await next.close();
        const points = (await env.receiver.metrics()).filter((m) => m.name === 'unload.clicks' && m.service_name === service);
        const rows = (await (await fetch(`${env.receiver.url}/_receiver/metric_rows?table=unload_clicks_total`)).json()).filter((r) => r.tags?.job === service);
        console.log(
          `[unload] ${browserName} metrics at close${nth}: points ${points.map((p) => p.value).join(', ')}; rows ${rows.map((r) => r.value).join(', ')}; ` +
            `abandoned requests ${JSON.stringify(abandoned.map((a) => [a.path, a.body_bytes]))}`,
        );
        // The collection at hide goes at pagehide and once more, byte for byte, at the
        // visibilitychange after it (Firefox discards some of the first): one or two copies of
        // one point (same timestamp), which GreptimeDB stores as one row.
        const finals = points.filter((p) => p.value === 6);
        assert.ok(finals.length >= 1 && finals.length <= 2, `the collection at hide (cumulative 6) arrived: ${JSON.stringify(points.map((p) => p.value))}`);
        assert.equal(new Set(finals.map((p) => p.time_unix_nano)).size, 1, `its copies are the same point: ${JSON.stringify(finals)}`);
        assert.equal(rows.filter((r) => r.value === 6).length, 1, `one stored row holds the final value: ${JSON.stringify(rows)}`);
        assert.ok(points.every((p) => p.value === 1 || p.value === 6), `no other value: ${JSON.stringify(points.map((p) => p.value))}`);
      });

      test(`tab closed right after a small tail (20 spans, 5 log records, under 32 KiB) was recorded: each arrives once${nth}`, lastTail, async () => {
        await env.receiver.reset();
        await env.receiver.hold(HOLD_MS);
        const service = `unload-small-tail-${browserName}-${run}`;
        const config = { endpoint: env.receiver.url, serviceName: service, rum: false };
        const { page } = await openPage(browser, env.site.url);
        await page.evaluate(async (cfg) => {
          window.__t = await window.__gwt.initTelemetry(cfg);
        }, config);
        await sleep(STORE_OPEN_MS);
        await page.evaluate(() => {
          const tracer = window.__t.getTracer('unload-test');
          const logger = window.__t.getLogger('unload-test');
          for (let i = 0; i < 20; i++) tracer.startSpan(`tail ${i}`, { attributes: { i } }).end();
          for (let i = 0; i < 5; i++) logger.emit({ body: `tail log ${i}` });
        });
        await page.close({ runBeforeUnload: true });
        await sleep(HOLD_MS + 1000);
        const atUnload = (await arrived(service)).spans.length;
        const abandoned = await env.receiver.abandoned();
        await env.receiver.hold(0);
        const { page: next } = await openPage(browser, env.site.url);
        await next.evaluate(async (cfg) => {
          window.__t = await window.__gwt.initTelemetry(cfg);
        }, config);
        await waitForSpans(service, 20, 5000);
        await sleep(500); // anything sent twice would arrive now
        await next.close();
        const { spans } = await arrived(service);
        const logs = (await env.receiver.logs()).filter((l) => l.service_name === service);
        console.log(
          `[unload] ${browserName} small tail at close${nth}: created 20 spans + 5 logs, at unload ${atUnload} spans; received ${spans.length} spans, ${logs.length} logs; ` +
            `abandoned requests ${JSON.stringify(abandoned.map((a) => [a.path, a.body_bytes]))}`,
        );
        assert.deepEqual(spans.map((s) => s.name).sort(), Array.from({ length: 20 }, (_, i) => `tail ${i}`).sort(), 'every span, once');
        assert.deepEqual(logs.map((l) => l.body?.value).sort(), Array.from({ length: 5 }, (_, i) => `tail log ${i}`).sort(), 'every log record, once');
      });
    }

    test('tab closed with 600 spans queued in one batch: all arrive, each once', { timeout: 60000 }, async () => {
      const f = await unloadAndReload(browser, 'close', {
        service: 'closed-600',
        count: 600,
        payload: { kind: 'repeated', char: 'x', size: 200 },
        config: { batch: { scheduledDelayMillis: 60000, maxExportBatchSize: 2048 } },
      });
      assertAllOnce(f);
    });

    test('tab closed with 1,400 spans in three default-size batches: all arrive, each once', { timeout: 60000 }, async () => {
      const f = await unloadAndReload(browser, 'close', {
        service: 'closed-1400',
        count: 1400,
        payload: { kind: 'repeated', char: 'y', size: 100 },
        config: { batch: { scheduledDelayMillis: 60000 } },
      });
      assertAllOnce(f);
    });

    // Chromium only: CDP kills the renderer (Firefox over BiDi has no such call).
    if (browserName === 'chromium') {
      // Firefox may discard what a closing tab starts at pagehide (see the README): only
      // copies written while visible survive that, and these batches have none yet.
      test('tab closed right after two batches of random 1 KiB spans left as plain requests (before their pieces were made): all arrive, each once', { timeout: 60000 }, async () => {
        const f = await unloadAndReload(browser, 'close', {
          service: 'closed-in-flight',
          count: 1024,
          payload: { kind: 'random', size: 1024 },
          // Uncompressed: both batches leave at once as plain requests (the first with a keepalive head).
          config: { compression: 'none' },
          closeAtOnce: true,
        });
        assertAllOnce(f);
        assert.ok(f.restored > 0, `what keepalive could not carry was kept at page hide: ${JSON.stringify(f)}`);
      });

      test('renderer killed with 400 spans of random 1 KiB queued (nothing of page hide runs): all arrive, each once', { timeout: 60000 }, async () => {
        const f = await unloadAndReload(browser, 'crash', { service: 'unload-crash-random', count: 400, payload: { kind: 'random', size: 1024 }, copies: true });
        assertAllOnce(f);
        assert.ok(f.atUnload > 0 && f.restored > 0, `part went with keepalive while visible, the rest from IndexedDB: ${JSON.stringify(f)}`);
      });
    }
  });
}

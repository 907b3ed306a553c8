// What the browser signals cost on a page view, in headless Chromium (numbers for the README):
// - main-thread time of each signal alone over one scripted page view (load, a late layout
//   shift, four clicks, hidden): its start() plus every PerformanceObserver callback, event
//   listener, requestAnimationFrame and requestIdleCallback callback registered after telemetry
//   was initialised (web-vitals' internals included), timed by wrappers installed before the
//   page's scripts; median over RUNS. Encoding and sending what the signal recorded happens in
//   the SDK's batch timers and is not included (see the README's benchmark for that cost).
// - volume: long animation frames per page view at 1x and 4x CPU throttling (a mid-range phone).
// Run: bash scripts/build-package.sh && node bench/rum_cost.mjs   (about a minute)
import { join } from 'node:path';
import { ROOT, launchBrowser, serveBundledPage, startReceiver } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const VARIANTS = ['none', 'webVitals', 'longAnimationFrames', 'userActions'];
const HERO = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">${Array.from({ length: 600 }, (_, i) => `<rect x="${(i % 30) * 40}" y="${Math.floor(i / 30) * 40}" width="40" height="40" fill="#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/>`).join('')}</svg>`;

const server = await serveBundledPage(join(ROOT, 'tests/e2e/page/rum_signals.src.js'), {
  bodyHtml:
    '<h1>RUM</h1><p><button id="report" data-action-name="load report">Load</button> <button id="busy">Busy work</button><button id="rage">x</button></p>' +
    '<img id="hero" src="/hero.svg" width="900" height="600" alt="hero">',
  routes: { '/hero.svg': (_q, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(HERO), 200) },
});
const receiver = await startReceiver();
const browser = await launchBrowser();

/** Times callbacks the browser runs for code registered once `window.__armed` is set. */
const WRAPPERS = () => {
  window.__cost = 0;
  window.__armed = false;
  const timed = (fn) =>
    typeof fn !== 'function'
      ? fn
      : function (...args) {
          const t0 = performance.now();
          try {
            return fn.apply(this, args);
          } finally {
            window.__cost += performance.now() - t0;
          }
        };
  const PO = window.PerformanceObserver;
  window.PerformanceObserver = class extends PO {
    constructor(cb) {
      super(window.__armed ? timed(cb) : cb);
    }
  };
  const add = EventTarget.prototype.addEventListener;
  const wrapped = new WeakMap();
  EventTarget.prototype.addEventListener = function (type, fn, opts) {
    if (window.__armed && typeof fn === 'function') {
      if (!wrapped.has(fn)) wrapped.set(fn, timed(fn));
      return add.call(this, type, wrapped.get(fn), opts);
    }
    return add.call(this, type, fn, opts);
  };
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.removeEventListener = function (type, fn, opts) {
    return remove.call(this, type, wrapped.get(fn) ?? fn, opts);
  };
  for (const name of ['requestAnimationFrame', 'requestIdleCallback']) {
    const original = window[name];
    if (original) window[name] = (cb, o) => original.call(window, window.__armed ? timed(cb) : cb, o);
  }
};

async function pageView(variant, throttle = 1) {
  const page = await browser.newPage();
  await page.addInitScript(WRAPPERS);
  if (throttle > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.goto(server.site);
  await page.waitForFunction(() => window.__rum !== undefined && document.getElementById('hero').complete);
  await page.evaluate(async (endpoint) => {
    window.__t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'rum-cost' });
  }, receiver.url);
  await page.evaluate((v) => {
    const start = { webVitals: window.__rum.startWebVitals, longAnimationFrames: window.__rum.startLongAnimationFrames, userActions: window.__rum.startUserActions }[v];
    window.__armed = true;
    const t0 = performance.now();
    start?.(window.__t, {});
    window.__cost += performance.now() - t0;
  }, variant);
  await page.waitForTimeout(700);
  for (const id of ['#report', '#busy', '#rage', '#rage']) await page.click(id);
  await page.waitForTimeout(1200);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });
  await page.evaluate(() => window.__t.forceFlush());
  const { cost, own, frames } = await page.evaluate(() => ({
    cost: window.__cost,
    own: window.__rum.rumMainThreadMillis(),
    frames: performance.getEntriesByType('long-animation-frame').length,
  }));
  await page.close();
  return { total: cost, own: variant === 'none' ? 0 : own[variant], frames };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const v of VARIANTS) (results[v] ??= []).push(await pageView(v));
}
for (const v of VARIANTS.slice(1)) {
  const rs = results[v];
  if (process.env.VERBOSE) console.log(v, rs.map((r) => r.total.toFixed(1)).join(' '));
  console.log(`${v}: ${median(rs.map((r) => r.total)).toFixed(1)} ms on the main thread over the page view (median of ${RUNS}); rumMainThreadMillis(), which also counts its timers: ${median(rs.map((r) => r.own)).toFixed(1)} ms`);
}
const loaf1 = median(results.none.map((r) => r.frames));
const loaf4 = [];
for (let run = 0; run < 3; run++) loaf4.push((await pageView('none', 4)).frames);
await receiver.reset();
const throttled = await pageView('longAnimationFrames', 4);
const logRequests = (await receiver.requests()).filter((r) => r.signal === 'logs');
const records = (await receiver.logs()).filter((l) => l.event_name === 'browser.long_animation_frame').length;
const bytes = logRequests.reduce((sum, r) => sum + (r.decoded_bytes ?? 0), 0);
const gz = logRequests.reduce((sum, r) => sum + (r.body_bytes ?? 0), 0);
console.log(`long animation frame events at 4x: ${records} in ${bytes} B protobuf (${gz} B on the wire) over ${logRequests.length} requests: ~${Math.round(bytes / Math.max(records, 1))} B each with the request overhead; ${throttled.frames} frames seen`);
console.log(`long animation frames per page view (load + 4 clicks, one a 200 ms handler): ${loaf1} at 1x CPU, ${median(loaf4)} at 4x CPU throttling`);
await browser.close();
await receiver.stop();
await server.close();

// Speed in headless Chromium, ours against OpenTelemetry JS in the same run, both exporting to
// the local receiver: S1 (10,000 spans: setup, create, then flush until acknowledged; JS heap
// after), encoding alone, S2 (100,000 metric recordings, then export), setup (until a handle
// records, until it exports, main-thread time), and page load (each SDK alone in a page that
// starts it at its top level, unthrottled and at slow 4G: from navigation until the app's code
// runs and until the SDK can export, and the page's main-thread time, its code's loading
// included). S1 runs again against the fast sink
// (bench/fast_sink.mjs), where the flush figure is the SDKs' own cost rather than the
// receiver's. Seven runs of each in fresh pages; medians, min and max; the receiver's (and the
// sink's) count checks that both did the same work.
import { execFileSync } from 'node:child_process';
import { launchBrowser, serveStatic, startReceiver } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';
import { startFastSink } from './fast_sink.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 7);
// A subset for quick comparisons while working on one stage, e.g. BENCH_SCENARIOS=encode.
// S1 is the receiver's, S1fast the fast sink's.
const SCENARIOS = (process.env.BENCH_SCENARIOS || 'S1,S1fast,encode,S2,setup,load').split(',');
const STAGES = ['write', 'ingest', 'request'];
// BENCH_BASELINE=<a packed .tgz of another build>: that build runs too ("baseline"), in the same
// session and alternating with this one, for before → after comparisons on a noisy machine.
const BASELINE = process.env.BENCH_BASELINE;
const receiver = await startReceiver(['--quiet']);
const fastSink = await startFastSink();
// BENCH_CACHE=1: the pages are served cacheable (content-hashed chunk names, as a deployed app
// serves them) and each measured page follows two that ran the same scenario: a returning
// visitor, whose chunks come from the browser's cache, their compiled code from V8's code cache
// (Chromium stores it on a script's second load and uses it from the third).
const CACHE = process.env.BENCH_CACHE === '1';
const cacheHeaders = CACHE ? { 'cache-control': 'max-age=3600' } : {};
const site = await serveStatic(await buildBenchPage('bench-speed', 'speed.page.js'), 0, cacheHeaders);
const baselineSite = BASELINE ? await serveStatic(await buildBenchPage('bench-speed-baseline', 'speed.page.js', { tarball: BASELINE }), 0, cacheHeaders) : undefined;
// BENCH_COMPRESSION=gzip: ours compresses S1's requests as it does by default (OpenTelemetry's
// browser exporters cannot), e.g. to measure what keepalive costs: gzipped batches fit its budget.
const COMPRESSION = process.env.BENCH_COMPRESSION || 'none';
const SDKS = BASELINE ? ['ours', 'baseline', 'opentelemetry'] : ['ours', 'opentelemetry'];
// Setup and page load run a third way too: ours with `import 'greptime-web-telemetry/eager'`.
const eagerSite = SCENARIOS.includes('setup') ? await serveStatic(await buildBenchPage('bench-speed-eager', 'setup_eager.page.js'), 0, cacheHeaders) : undefined;
// Page load: one page per SDK with nothing else in it (bench/load_*.page.js), and an empty one,
// built by Vite as most React apps are (esbuild would add a request before our entry runs: see
// bench_page.mjs).
const loadPage = async (name, page, tarball) => serveStatic(await buildBenchPage(`bench-load-${name}`, page, { tarball, vite: true }), 0, cacheHeaders, { gzip: true });
// Chromium's "slow 4G" preset, as tests/packaging/measure-startup.mjs uses it.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };
const loadSites = SCENARIOS.includes('load')
  ? {
      ours: await loadPage('ours', 'load_ours.page.js'),
      eager: await loadPage('eager', 'load_eager.page.js'),
      opentelemetry: await loadPage('otel', 'load_otel.page.js'),
      none: await loadPage('none', 'load_none.page.js'),
      ...(BASELINE ? { baseline: await loadPage('baseline', 'load_ours.page.js', BASELINE) } : {}),
    }
  : {};
const browser = await launchBrowser();
const results = {};
const add = (key, value) => (results[key] ??= []).push(value);

/**
 * A fresh page of `sdk`'s load site (or the empty one, `none`), its scripts served gzipped,
 * unthrottled or at `network` conditions, measured from navigation: when the app's code starts
 * running and when the SDK can export (ms since navigation started), and Chromium's main-thread
 * time (TaskDuration) from before the navigation until 100 ms after that, its code's download,
 * parsing and evaluation included, where the setup scenario starts with the code loaded. The
 * page says when with console messages: polling it (waitForFunction) would run the harness's
 * own scripts on the main thread while our core loads, and not while theirs, constructed at once.
 */
async function runLoad(sdk, network, warm = CACHE) {
  for (let i = 0; warm && i < 2; i++) await runLoad(sdk, network, false);
  const page = await browser.newPage();
  const said = {};
  const ready = new Promise((resolve) =>
    page.on('console', (m) => {
      const [name, value] = m.text().split(' ');
      said[name] = Number(value);
      if (name === '__ready') resolve(said);
    }),
  );
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Performance.enable');
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
  const before = await busy();
  await page.goto(`${loadSites[sdk].url}/?endpoint=${encodeURIComponent(receiver.url)}`, { waitUntil: 'commit' });
  const { __start: startMs, __ready: readyMs } = await ready;
  if (readyMs < 0) throw new Error(`${sdk} load: telemetry did not start`);
  await new Promise((r) => setTimeout(r, 100));
  const mainThreadMs = (await busy()) - before;
  await page.close();
  return { startMs, readyMs, mainThreadMs };
}

async function run(sdk, scenario, warm = CACHE) {
  for (let i = 0; warm && i < 2; i++) await run(sdk, scenario, false);
  const sink = scenario === 'S1fast' ? fastSink : receiver;
  await sink.reset();
  const page = await browser.newPage();
  await page.goto(sdk === 'baseline' ? baselineSite.url : sdk === 'eager' ? eagerSite.url : site.url);
  if (sdk === 'baseline' || sdk === 'eager') sdk = 'ours';
  await page.waitForFunction(() => typeof window.runS1 === 'function');
  const cdp = await browser.newCDPSession(page);
  await cdp.send('Performance.enable');
  let out;
  if (scenario === 'S1' || scenario === 'S1fast') {
    out = await page.evaluate(([s, e, c]) => window.runS1(s, e, c), [sdk, sink.url, COMPRESSION]);
    await cdp.send('HeapProfiler.collectGarbage');
    out.heapMb = (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1048576;
    const spans = await sink.waitFor('traces', 10000, 10000);
    if (spans.count !== 10000) throw new Error(`${sdk} ${scenario}: the sink counted ${spans.count} spans, not 10000`);
  } else if (scenario === 'S2') {
    out = await page.evaluate(([s, e]) => window.runS2(s, e), [sdk, receiver.url]);
    const points = (await receiver.metrics()).filter((p) => p.name.startsWith('bench.'));
    const total = points.filter((p) => p.name === 'bench.requests').reduce((n, p) => n + p.value, 0);
    const histogramCount = points.filter((p) => p.name === 'bench.latency').reduce((n, p) => n + p.count, 0);
    if (total !== 50000 || histogramCount !== 50000) throw new Error(`${sdk} S2: the receiver saw ${total} adds and ${histogramCount} records`);
  } else if (scenario === 'setup') {
    // Main-thread time (Chromium's TaskDuration) around the call: what setup costs the page
    // while it waits, as opposed to the wall time, which includes fetching our core's chunk.
    const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value * 1000;
    const before = await busy();
    out = await page.evaluate(([s, e]) => window.runSetup(s, e), [sdk, receiver.url]);
    out.mainThreadMs = (await busy()) - before;
  } else {
    out = await page.evaluate((s) => window.runEncode(s), sdk);
  }
  await page.close();
  return out;
}

try {
  for (let i = 0; i < RUNS; i++) {
    // The order rotates run by run: a page's place in the sequence moved its figures (GC and
    // compile caches of the page before it), which would otherwise favour one side.
    for (const sdk of [...SDKS.slice(i % SDKS.length), ...SDKS.slice(0, i % SDKS.length)]) {
      for (const [scenario, tag] of [['S1', 'S1'], ['S1fast', 'S1 fast sink']]) {
        if (!SCENARIOS.includes(scenario)) continue;
        const s1 = await run(sdk, scenario);
        add(`${sdk} ${tag} setup (ms)`, s1.setupMs);
        add(`${sdk} ${tag} create (ms)`, s1.createMs);
        add(`${sdk} ${tag} flush until acknowledged (ms)`, s1.flushMs);
        add(`${sdk} ${tag} create + flush (ms)`, s1.createMs + s1.flushMs);
        add(`${sdk} ${tag} JS heap after (MB)`, s1.heapMb);
        add(`${sdk} ${tag} JS heap + WASM memory after (MB)`, s1.heapMb + s1.wasmMb);
      }
      if (SCENARIOS.includes('encode')) {
        const enc = await run(sdk, 'encode');
        for (const [pass, label] of [['first', 'first pass'], ['warm', 'warm']]) {
          add(`${sdk} encode per span, ${label} (µs)`, (enc[pass].ms * 1000) / 10000);
          if (sdk === 'ours') for (const part of STAGES) add(`encode stage ${part}, ${label} (µs per span)`, (enc[pass][`${part}Ms`] * 1000) / 10000);
        }
        add(`${sdk} encoded bytes per span`, enc.first.bytes / 10000);
      }
      if (SCENARIOS.includes('setup')) {
        for (const who of sdk === 'ours' ? ['ours', 'eager'] : [sdk]) {
          const setup = await run(who, 'setup');
          add(`${who} setup, until a handle records (ms)`, setup.handleMs);
          add(`${who} setup, until it exports (ms)`, setup.readyMs);
          add(`${who} setup, main-thread time (ms)`, setup.mainThreadMs);
        }
      }
      if (SCENARIOS.includes('load')) {
        for (const [network, tag] of [[undefined, ''], [SLOW_4G, ', slow 4G']]) {
          for (const who of sdk === 'ours' ? ['ours', 'eager', 'none'] : [sdk]) {
            const load = await runLoad(who, network);
            add(`${who} page load${tag}, until the app's code runs (ms since navigation)`, load.startMs);
            add(`${who} page load${tag}, until it exports (ms since navigation)`, load.readyMs);
            if (!network) add(`${who} page load, main-thread time (ms)`, load.mainThreadMs);
          }
        }
      }
      if (SCENARIOS.includes('S2')) {
        const s2 = await run(sdk, 'S2');
        add(`${sdk} S2 record 100,000 (ms)`, s2.recordMs);
        add(`${sdk} S2 export (ms)`, s2.exportMs);
      }
    }
  }
} finally {
  await browser.close();
  await site.close();
  await baselineSite?.close();
  await eagerSite?.close();
  for (const loadSite of Object.values(loadSites)) await loadSite.close();
  await receiver.stop();
  await fastSink.stop();
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s.at(-1) };
};
const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const chromium = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
console.log(`Speed, ${RUNS} runs each in fresh pages of headless ${chromium}; median (min–max); both SDKs export to the local receiver, which decoded every span and measurement, or (S1 fast sink) to bench/fast_sink.mjs, which counted every span:`);
for (const metric of [...new Set(Object.keys(results).filter((k) => /^(ours|opentelemetry) /.test(k)).map((k) => k.replace(/^(ours|opentelemetry) /, '')))]) {
  const ours = stat(results[`ours ${metric}`]);
  const otel = stat(results[`opentelemetry ${metric}`]);
  const base = results[`baseline ${metric}`] && stat(results[`baseline ${metric}`]);
  const eager = results[`eager ${metric}`] && stat(results[`eager ${metric}`]);
  console.log(
    `  ${metric.padEnd(50)} ours ${f(ours.median)} (${f(ours.min)}–${f(ours.max)})   OpenTelemetry ${f(otel.median)} (${f(otel.min)}–${f(otel.max)})   ratio ${(ours.median / otel.median).toFixed(2)}` +
      (eager ? `   ours with /eager ${f(eager.median)} (${f(eager.min)}–${f(eager.max)}), ratio ${(eager.median / otel.median).toFixed(2)}` : '') +
      (base
        ? `   baseline ${f(base.median)} (${f(base.min)}–${f(base.max)}), ratio ${(base.median / otel.median).toFixed(2)}; ours / baseline, median of the runs' ratios ${stat(results[`ours ${metric}`].map((x, i) => x / results[`baseline ${metric}`][i])).median.toFixed(2)}`
        : ''),
  );
}
if (SCENARIOS.includes('load')) {
  const none = (metric) => f(stat(results[`none page load${metric}`]).median);
  console.log(
    `  page load: the same page without telemetry ran its code at ${none(", until the app's code runs (ms since navigation)")} ms (slow 4G ${none(", slow 4G, until the app's code runs (ms since navigation)")} ms),` +
      ` main-thread time ${none(', main-thread time (ms)')} ms (medians).`,
  );
}
if (SCENARIOS.includes('encode')) {
  console.log('  Where our encoding time goes (median µs per span): JS record writing, WASM ingest (records transcoded to OTLP protobuf), WASM request (the envelope around the spans):');
  for (const label of ['first pass', 'warm']) {
    const parts = STAGES.map((part) => {
      const st = stat(results[`encode stage ${part}, ${label} (µs per span)`]);
      return `${part} ${f(st.median)} (${f(st.min)}–${f(st.max)})`;
    });
    console.log(`    ${label.padEnd(10)} ${parts.join('   ')}`);
  }
  console.log(`  "first pass": 10,000 spans encoded once in a fresh page, while the code is still being compiled; "warm": the median of the 5 passes after it (same spans, fresh core each pass).`);
}

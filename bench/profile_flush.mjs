// Where S1's flush time goes (issue 13 §5): the benchmark page (unminified, so the profile names
// functions) sends 10,000 spans, about 20 requests, to the fast sink while Chromium's sampling
// profiler runs (CDP Profiler, 50 µs). Prints self time by function and by kind (our JS, the
// WASM core, the browser's native work, GC, idle), summed over BENCH_RUNS fresh pages, and the
// requests' timeline as the sink saw them (when each arrived and was answered, concurrency).
// Run after scripts/build-package.sh; BENCH_SDK=opentelemetry profiles OpenTelemetry JS instead,
// BENCH_COMPRESSION=gzip has ours compress, BENCH_TIMELINE=1 prints what ran in each 5 ms,
// BENCH_LINES=<function name> the samples of that function's own lines (which line of it is hot),
// BENCH_TOP=<n> that many functions (30). Self times are wall-clock: a function that waits on
// another process (as `new Blob` seems to) or is descheduled on a loaded machine counts in full;
// BENCH_SAMPLES=1 counts samples instead (shares, not milliseconds: Chromium samples less often
// than asked), and bench/flush_cost.mjs measures the main thread's CPU time.
import { launchBrowser, serveStatic } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';
import { startFastSink } from './fast_sink.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const SDK = process.env.BENCH_SDK || 'ours';
const TOP = 30;
const sink = await startFastSink();
// BENCH_BASELINE=<another build's .tgz> profiles that build instead (before → after).
const site = await serveStatic(await buildBenchPage('bench-profile', 'speed.page.js', { minify: false, tarball: process.env.BENCH_BASELINE }));
const browser = await launchBrowser();
const byFunction = new Map();
const byKind = new Map();
const flushes = [];
let total = 0;
const bump = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
/** BENCH_LINES: samples per source line of the functions of that name, "file:line" → count. */
const byLine = new Map();

/** What a profile node is: its function and file, and a kind for the summary. */
function classify({ functionName, url, lineNumber }) {
  const name = functionName || '(anonymous)';
  if (!url) return { key: name, kind: /^\((garbage collector|idle|program|root)\)$/.test(name) ? name : 'browser native' };
  if (url.startsWith('wasm://')) return { key: `wasm ${name}`, kind: 'WASM core' };
  const file = url.replace(/^.*\/(node_modules\/|dist\/)?/, '');
  const kind = /greptime-web-telemetry|build\/pkg/.test(url) ? 'our JS' : /@opentelemetry/.test(url) ? 'OpenTelemetry JS' : 'page JS';
  return { key: `${name} ${file}:${lineNumber + 1}`, kind };
}

try {
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof window.setupS1 === 'function');
    await page.evaluate(([s, e, c]) => window.setupS1(s, e, c), [SDK, sink.url, process.env.BENCH_COMPRESSION || 'none']);
    await sink.reset();
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await cdp.send('Profiler.start');
    const out = await page.evaluate(() => window.createAndFlushS1());
    const { profile } = await cdp.send('Profiler.stop');
    flushes.push(out);
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const n of process.env.BENCH_LINES ? profile.nodes : []) {
      if (n.callFrame.functionName !== process.env.BENCH_LINES) continue;
      for (const { line, ticks } of n.positionTicks ?? []) bump(byLine, `${n.callFrame.url.replace(/^.*\//, '')}:${line}`, ticks);
    }
    const windows = [];
    let at = 0;
    for (let s = 0; s < profile.samples.length; s++) {
      const { key, kind } = classify(nodes.get(profile.samples[s]).callFrame);
      // BENCH_SAMPLES=1: each sample counts its interval (about CPU time), not the time until the next.
      const us = process.env.BENCH_SAMPLES ? 50 : (profile.timeDeltas[s + 1] ?? 0);
      bump(byFunction, key, us);
      bump(byKind, kind, us);
      total += us;
      at += profile.timeDeltas[s];
      const w = (windows[Math.floor(at / 5000)] ??= new Map());
      bump(w, key, us);
    }
    if (process.env.BENCH_TIMELINE) {
      // What ran in each 5 ms of the profile (its two largest self times), for finding gaps.
      console.log(`Timeline of run ${i + 1} (5 ms windows: the two largest self times):`);
      windows.forEach((w, k) => w && console.log(`  ${String(k * 5).padStart(4)} ms  ${[...w].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([f, us]) => `${f} ${(us / 1000).toFixed(1)}`).join(' | ')}`));
    }
    if (i === RUNS - 1) {
      const log = sink.requestLog();
      const t0 = log[0]?.[1] ?? 0;
      let open = 0;
      let peak = 0;
      const events = log.filter(([m]) => m === 'POST').flatMap(([, a, b]) => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0]);
      for (const [, d] of events) peak = Math.max(peak, (open += d));
      console.log(`Requests of the last run, as the sink saw them (ms from the first; arrived → answered), ${log.filter(([m]) => m === 'POST').length} POST and ${log.filter(([m]) => m === 'OPTIONS').length} OPTIONS, at most ${peak} POST at once:`);
      console.log(`  ${log.map(([m, a, b]) => `${m === 'POST' ? 'P' : 'O'} ${(a - t0).toFixed(1)}→${(b - t0).toFixed(1)}`).join('  ')}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await site.close();
  await sink.stop();
}

const ms = (us) => (us / 1000 / RUNS).toFixed(2).padStart(8);
console.log(`${SDK}: create + flush of 10,000 spans to the fast sink, ${RUNS} fresh pages; per page: create ${flushes.map((f) => f.createMs.toFixed(1)).join(', ')} ms, flush ${flushes.map((f) => f.flushMs.toFixed(1)).join(', ')} ms; profiled ${ms(total).trim()} ms per page.`);
console.log('Self time by kind (ms per page):');
for (const [k, us] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${ms(us)}  ${k}`);
console.log(`Self time by function, top ${TOP} (ms per page):`);
for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${ms(us)}  ${k}`);
if (byLine.size > 0) {
  console.log(`Samples of ${process.env.BENCH_LINES}'s own lines (all pages; a sample is about 50 µs):`);
  for (const [k, n] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${String(n).padStart(6)}  ${k}`);
}

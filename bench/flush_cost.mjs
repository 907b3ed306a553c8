// What S1's create + flush costs the page's main thread, build against build (issue 13 §5):
// wall-clock figures on this shared machine move by ±30 % between runs, so a lever worth 5–10 %
// of the flush cannot be told from noise by them. Chromium's CPU time of the renderer's main
// thread (CDP Performance metrics in thread ticks: ThreadTime) counts only the work the page
// did, whoever else runs. Each round opens one fresh page per build, in alternating order;
// prints medians and the median of the per-round ratios for: main-thread CPU, the renderer
// process's CPU (GC helpers, the compositor…), main-thread task time, script time, and the
// wall-clock create and flush. Against the fast sink (bench/fast_sink.mjs), 10,000 spans.
//   node bench/flush_cost.mjs <baseline .tgz> [<other .tgz>]   (default other: this build)
// BENCH_RUNS rounds (default 15); BENCH_SDK=opentelemetry measures OpenTelemetry JS in the
// first build's page instead of ours (a reference, no ratio to it is meaningful beyond that).
import { launchBrowser, serveStatic } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';
import { startFastSink } from './fast_sink.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 15);
const [baselineTgz, otherTgz] = process.argv.slice(2);
if (!baselineTgz) throw new Error('usage: node bench/flush_cost.mjs <baseline .tgz> [<other .tgz>]');
const sink = await startFastSink();
const builds = [
  ['this', await serveStatic(await buildBenchPage('bench-cost', 'speed.page.js', { tarball: otherTgz }))],
  ['baseline', await serveStatic(await buildBenchPage('bench-cost-baseline', 'speed.page.js', { tarball: baselineTgz }))],
];
const browser = await launchBrowser();
const FIGURES = ['ThreadTime', 'ProcessTime', 'TaskDuration', 'ScriptDuration'];
const results = { this: [], baseline: [] };

async function onePage(url) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => typeof window.setupS1 === 'function');
    await page.evaluate(([s, e]) => window.setupS1(s, e, 'none'), [process.env.BENCH_SDK || 'ours', sink.url]);
    await sink.reset();
    const cdp = await browser.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value * 1000]));
    const before = await metrics();
    const out = await page.evaluate(() => window.createAndFlushS1());
    const after = await metrics();
    const figures = Object.fromEntries(FIGURES.map((f) => [f, after[f] - before[f]]));
    return { ...figures, create: out.createMs, flush: out.flushMs, 'create + flush': out.createMs + out.flushMs };
  } finally {
    await page.close();
  }
}

try {
  for (let r = 0; r < RUNS; r++) {
    for (const [name, site] of r % 2 ? [...builds].reverse() : builds) results[name].push(await onePage(site.url));
  }
} finally {
  await browser.close();
  for (const [, site] of builds) await site.close();
  await sink.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`S1 create + flush against the fast sink, ${RUNS} rounds of one fresh page per build, median ms (this / baseline, median of the per-round ratios):`);
for (const key of Object.keys(results.this[0])) {
  const a = results.this.map((x) => x[key]);
  const b = results.baseline.map((x) => x[key]);
  console.log(`  ${key.padEnd(16)} this ${median(a).toFixed(1).padStart(6)}   baseline ${median(b).toFixed(1).padStart(6)}   ratio ${median(a.map((x, i) => x / b[i])).toFixed(3)}`);
}

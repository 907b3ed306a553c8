// Measures the cost of one `counter.add` on a known attribute set in headless Chromium, ours
// against the OpenTelemetry JS metrics SDK (@opentelemetry/sdk-metrics), in the same run:
// 7 runs each in fresh pages, median / min / max, and the ratio ours / OpenTelemetry.
// Run after scripts/build-package.sh (bash scripts/bench.sh does both).
import { execFileSync } from 'node:child_process';
import { serveStatic, launchBrowser } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';

const RUNS = 7;
const N = 200000;
const site = await serveStatic(await buildBenchPage('bench', 'counter_add.page.js'));
const browser = await launchBrowser();
const results = {};
try {
  for (const fresh of [false, true]) {
    for (const sdk of ['ours', 'opentelemetry']) {
      const samples = [];
      for (let run = 0; run < RUNS; run++) {
        const page = await browser.newPage();
        await page.goto(site.url);
        await page.waitForFunction(() => typeof window.runBenchmark === 'function');
        // The endpoint is never reached: the export interval is an hour.
        samples.push(await page.evaluate(([s, n, f]) => window.runBenchmark(s, 'http://127.0.0.1:9', n, f), [sdk, N, fresh]));
        await page.close();
      }
      samples.sort((a, b) => a - b);
      results[`${sdk}/${fresh ? 'fresh' : 'reused'}`] = { median: samples[RUNS >> 1], min: samples[0], max: samples[RUNS - 1] };
    }
  }
} finally {
  await browser.close();
  await site.close();
}

const chromium = execFileSync('/usr/bin/chromium', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
console.log(`counter.add on a known attribute set (10 sets, 2 attributes), ${N} adds per run, ${RUNS} runs each in fresh pages, ${chromium}:`);
for (const variant of ['reused', 'fresh']) {
  const ours = results[`ours/${variant}`];
  const otel = results[`opentelemetry/${variant}`];
  const f = (r) => `median ${r.median.toFixed(1)} ns (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)})`;
  console.log(`  attributes object ${variant === 'reused' ? 'reused across calls' : 'created per call'}:`);
  console.log(`    greptime-web-telemetry       ${f(ours)}`);
  console.log(`    @opentelemetry/sdk-metrics   ${f(otel)}`);
  console.log(`    ratio ours / OpenTelemetry   ${(ours.median / otel.median).toFixed(2)}`);
}

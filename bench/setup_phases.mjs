// Where setup goes: each phase of initTelemetry (chunk import, base64 decode, inflate, compile,
// instantiate, core constructor, TelemetrySdk) timed apart in fresh pages of headless Chromium;
// medians. Not a test: for the closing note of a change to setup. Run after build-package.sh.
import { launchBrowser, serveStatic, startReceiver } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 9);
const receiver = await startReceiver(['--quiet']);
const site = await serveStatic(await buildBenchPage('bench-setup', 'setup_phases.page.js'));
const browser = await launchBrowser();
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    await page.goto(site.url);
    await page.waitForFunction(() => typeof window.runPhases === 'function');
    runs.push(await page.evaluate((e) => window.runPhases(e), receiver.url));
    await page.close();
  }
} finally {
  await browser.close();
  await site.close();
  await receiver.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`Setup phases, median of ${RUNS} fresh pages (ms):`);
for (let p = 0; p < runs[0].length; p++) console.log(`  ${runs[0][p][0].padEnd(22)} ${median(runs.map((r) => r[p][1])).toFixed(2)}`);

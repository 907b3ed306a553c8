// How deep the WASM core's stack goes (see bench/stack_depth.page.js), against the stack size
// .cargo/config.toml gives it: run after scripts/build-package.sh, before changing that size.
import { readFileSync } from 'node:fs';
import { launchBrowser, ROOT, serveStatic } from '../tests/e2e/harness.mjs';
import { buildBenchPage } from './bench_page.mjs';
import { startFastSink } from './fast_sink.mjs';

const stackBytes = Number(/zstack-size=(\d+)/.exec(readFileSync(`${ROOT}/.cargo/config.toml`, 'utf8'))[1]);
const sink = await startFastSink();
const site = await serveStatic(await buildBenchPage('bench-stack-depth', 'stack_depth.page.js'));
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(site.url);
  await page.waitForFunction(() => typeof window.runStackProbe === 'function');
  const { deepestBytes, memoryBytes } = await page.evaluate(([e, s]) => window.runStackProbe(e, s), [sink.url, stackBytes]);
  console.log(`deepest stack use: ${deepestBytes} B of ${stackBytes} B (${((100 * deepestBytes) / stackBytes).toFixed(1)} %); linear memory ${memoryBytes} B`);
} finally {
  await browser.close();
  await site.close();
  await sink.stop();
}

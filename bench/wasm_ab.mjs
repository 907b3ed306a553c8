// Two builds' WASM cores side by side, on the same records: ingest (records → OTLP span bytes)
// and takeRequest (the envelope), per span, and the linear memory after. Rounds alternate the
// builds, so a busy machine slows both alike; that is what makes a change of toolchain or flags
// measurable here when a page-level A/B (bench/speed.mjs BENCH_BASELINE) is lost in noise. Only
// the .wasm differs between what is compared: both sides use this checkout's JS to write the
// records, so the builds must share the record format. The same build on both sides (two
// copies of one .tgz) is the A/A check.
//   node bench/wasm_ab.mjs <baseline .tgz or dist/> [<other .tgz or dist/>, default build/pkg/dist]
// Env: AB_ROUNDS (default 40), AB_SPANS (default 10000), AB_BROWSER=chromium|firefox to run in a
// page of that browser instead of Node (bench/wasm_ab.page.js is the measurement either way;
// browsers' timers are coarse: read `total`, with AB_SPANS=50000 or more).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROUNDS = Number(process.env.AB_ROUNDS || 40);
const SPANS = Number(process.env.AB_SPANS || 10000);
const BROWSER = process.env.AB_BROWSER;
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Directories extracted from .tgz files, removed at the end. */
const extracted = [];

/** A dist/ directory: `path` itself, or the package inside a packed .tgz. */
function distOf(path) {
  if (statSync(path).isDirectory()) return resolve(path);
  const dir = mkdtempSync(join(tmpdir(), 'wasm-ab-'));
  extracted.push(dir);
  execFileSync('tar', ['-xzf', path, '-C', dir]);
  return join(dir, 'package/dist');
}

const [baselinePath, oursPath = join(HERE, '../build/pkg/dist')] = process.argv.slice(2);
if (!baselinePath) throw new Error('usage: node bench/wasm_ab.mjs <baseline .tgz or dist/> [<other .tgz or dist/>]');
const dists = { baseline: distOf(baselinePath), ours: distOf(oursPath) };
const options = { rounds: ROUNDS, spans: SPANS };

let result;
let where = 'Node';
if (!BROWSER) {
  const { runAb } = await import('./wasm_ab.page.js');
  const url = (dir) => `${pathToFileURL(dir).href}/`;
  result = await runAb(url(dists.baseline), url(dists.ours), { ...options, inflate: (bytes) => inflateRawSync(bytes) });
} else {
  // One origin serving both dist/ copies and the measurement; the page imports them by URL.
  const { launchNamedBrowser, serveStatic, waitForPageFunction } = await import('../tests/e2e/harness.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'wasm-ab-page-'));
  cpSync(dists.baseline, join(dir, 'baseline'), { recursive: true });
  cpSync(dists.ours, join(dir, 'ours'), { recursive: true });
  cpSync(join(HERE, 'wasm_ab.page.js'), join(dir, 'wasm_ab.page.js'));
  cpSync(join(HERE, 'bench_spans.js'), join(dir, 'bench_spans.js'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module">import("./wasm_ab.page.js").then((m) => (window.ab = m));</script>');
  const site = await serveStatic(dir);
  const browser = await launchNamedBrowser(BROWSER);
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    await waitForPageFunction(page, () => window.ab !== undefined, null);
    where = `${BROWSER} (${await page.evaluate(() => navigator.userAgent.match(/(Chrome|Firefox)\/[\d.]+/)?.[0])})`;
    result = await page.evaluate(async (opts) => {
      const inflate = async (bytes) => new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());
      return window.ab.runAb(new URL('baseline/', location.href).href, new URL('ours/', location.href).href, { ...opts, inflate });
    }, options);
  } finally {
    await browser.close();
    await site.close();
    rmSync(dir, { recursive: true });
  }
}

const { first, runs, memoryBytes } = result;
if (first.ours.bytes !== first.baseline.bytes) console.log(`note: the builds wrote different bytes (${first.ours.bytes} and ${first.baseline.bytes})`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(3);
console.log(`${where}: ${SPANS} spans per pass, ${ROUNDS} warm passes each, alternating; µs per span, median (first pass):`);
for (const stage of ['ingest', 'request', 'total']) {
  const o = median(runs.ours.map((x) => x[stage]));
  const b = median(runs.baseline.map((x) => x[stage]));
  const ratios = runs.ours.map((x, i) => x[stage] / runs.baseline[i][stage]);
  console.log(`  ${stage.padEnd(8)} ours ${f(o)} (${f(first.ours[stage])})   baseline ${f(b)} (${f(first.baseline[stage])})   ours / baseline, median of the rounds' ratios ${median(ratios).toFixed(2)}`);
}
console.log(`  WASM memory after the passes: ours ${memoryBytes.ours} B, baseline ${memoryBytes.baseline} B`);
for (const dir of extracted) rmSync(dir, { recursive: true });

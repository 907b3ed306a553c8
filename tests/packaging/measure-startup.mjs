// Measures what the package costs a page at startup, for the README and reviews (not a test):
// an app bundled by esbuild (minified ESM with code splitting, as Vite and webpack ship it),
// served gzipped, loaded in headless Chromium unthrottled and at "slow 4G" (150 ms RTT,
// 1.6 Mbit/s). Reported, medians of RUNS fresh pages: when the app's own code starts running
// (spans can be recorded from then on: startTelemetry), when the WASM core is ready
// (initTelemetry resolved), the requests the page made, and the initial chunk's gzip size.
//   node tests/packaging/measure-startup.mjs [build/pkg]      (after scripts/build-package.sh)
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT, launchBrowser } from '../e2e/harness.mjs';

const pkg = resolve(process.argv[2] ?? join(ROOT, 'build/pkg'));
const RUNS = Number(process.env.RUNS ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'gwt-startup-'));
writeFileSync(
  join(dir, 'entry.js'),
  `import { initTelemetry } from ${JSON.stringify(join(pkg, 'dist/index.js'))};\n` +
    `window.__appStart = performance.now();\n` +
    `initTelemetry({ endpoint: 'http://127.0.0.1:9', serviceName: 'startup', offline: false }).then(() => { window.__coreReady = performance.now(); });\n`,
);
writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/out/entry.js"></script>');
await build({ entryPoints: [join(dir, 'entry.js')], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(dir, 'out'), logLevel: 'silent' });
const initialGzip = gzipSync(readFileSync(join(dir, 'out/entry.js')), { level: 9 }).length;
const chunks = readdirSync(join(dir, 'out')).length;

const server = createServer((req, res) => {
  const file = join(dir, req.url === '/' ? 'index.html' : req.url);
  if (!existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript', 'content-encoding': 'gzip', 'cache-control': 'no-store' });
  res.end(gzipSync(readFileSync(file), { level: 6 }));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const browser = await launchBrowser();
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
for (const [label, conditions] of [
  ['unthrottled', null],
  ['slow 4G (150 ms, 1.6 Mbit/s)', { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 }],
]) {
  const appStart = [];
  const coreReady = [];
  let requests = 0;
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
    requests = 0;
    page.on('request', () => requests++);
    await page.goto(url);
    await page.waitForFunction(() => window.__coreReady !== undefined, null, { timeout: 60000 });
    const t = await page.evaluate(() => [window.__appStart, window.__coreReady]);
    appStart.push(t[0]);
    coreReady.push(t[1]);
    await page.close();
  }
  console.log(`${label}: app code runs at ${median(appStart).toFixed(0)} ms, WASM core ready at ${median(coreReady).toFixed(0)} ms (medians of ${RUNS}); ${requests} requests`);
}
console.log(`initial chunk ${initialGzip} B gzip; ${chunks} files emitted`);
await browser.close();
server.close();

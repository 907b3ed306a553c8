// Measures the two ways of loading the WASM core, for the README (not a test): inlined (the
// default) against `wasmUrl` (the package's core.wasm served as its own file, compiled while
// streaming). An app bundled by esbuild (minified ESM with code splitting, as Vite and webpack
// ship it) is served with gzip or brotli, each response cacheable for an hour, and loaded in
// headless Chromium, unthrottled and at "slow 4G" (150 ms RTT, 1.6 Mbit/s): cold (browser cache
// cleared) and cached (the same page again). Reported, medians of RUNS page loads: the bytes
// over the wire (encoded bodies and headers of every response, CDP) and when the WASM core is
// ready (initTelemetry resolved, ms after navigation start).
//   node tests/packaging/measure-wasm-asset.mjs [build/pkg]      (after scripts/build-package.sh)
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT, launchBrowser } from '../e2e/harness.mjs';

const pkg = resolve(process.argv[2] ?? join(ROOT, 'build/pkg'));
const RUNS = Number(process.env.RUNS ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'gwt-wasm-asset-'));
const WASM = join(pkg, 'dist/wasm/greptime_web_telemetry_bg.wasm');

for (const [name, extra] of [
  ['inline', ''],
  ['asset', ", wasmUrl: '/core.wasm'"],
]) {
  writeFileSync(
    join(dir, `${name}.js`),
    `import { initTelemetry } from ${JSON.stringify(join(pkg, 'dist/index.js'))};\n` +
      `initTelemetry({ endpoint: 'http://127.0.0.1:9', serviceName: 'wasm-asset', offline: false${extra} }).then((t) => { window.__coreReady = t.enabled ? performance.now() : -1; });\n`,
  );
  writeFileSync(join(dir, `${name}.html`), `<!doctype html><meta charset="utf-8"><script type="module" src="/out/${name}.js"></script>`);
}
await build({ entryPoints: [join(dir, 'inline.js'), join(dir, 'asset.js')], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(dir, 'out'), logLevel: 'silent' });

// Compressed once per file and encoding, as a CDN would keep them.
const compressed = new Map();
function body(file, encoding) {
  const key = `${file}:${encoding}`;
  if (!compressed.has(key)) {
    const raw = readFileSync(file);
    compressed.set(key, encoding === 'br' ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) : gzipSync(raw, { level: 9 }));
  }
  return compressed.get(key);
}
let encoding = 'gzip';
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  const file = path === '/core.wasm' ? WASM : join(dir, path);
  if (!existsSync(file) || path === '/') return res.writeHead(404).end();
  const type = path.endsWith('.html') ? 'text/html' : path.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  res.writeHead(200, { 'content-type': type, 'content-encoding': encoding, 'cache-control': 'max-age=3600' });
  res.end(body(file, encoding));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await launchBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) | 0, uploadThroughput: (750e3 / 8) | 0 };

/** One page load: bytes over the wire and when the core was ready. */
async function load(name, conditions, cold) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', conditions ?? { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => (bytes += e.encodedDataLength));
  await page.goto(`${origin}/${name}.html`);
  await page.waitForFunction(() => window.__coreReady !== undefined, null, { timeout: 60000 });
  const ready = await page.evaluate(() => window.__coreReady);
  await new Promise((r) => setTimeout(r, 200)); // let the last loadingFinished events arrive
  await page.close();
  if (ready < 0) throw new Error(`${name}: the core did not load`);
  return { bytes, ready };
}

const rows = [];
for (const enc of ['gzip', 'br']) {
  encoding = enc;
  for (const [net, conditions] of [
    ['unthrottled', null],
    ['slow 4G', SLOW_4G],
  ]) {
    for (const name of ['inline', 'asset']) {
      const cold = [];
      const cached = [];
      for (let i = 0; i < RUNS; i++) {
        cold.push(await load(name, conditions, true));
        cached.push(await load(name, conditions, false));
      }
      const row = {
        encoding: enc,
        network: net,
        core: name === 'inline' ? 'inlined (default)' : 'wasmUrl',
        coldBytes: median(cold.map((r) => r.bytes)),
        coldReadyMs: Math.round(median(cold.map((r) => r.ready))),
        cachedBytes: median(cached.map((r) => r.bytes)),
        cachedReadyMs: Math.round(median(cached.map((r) => r.ready))),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
}
console.log(`\n| encoding | network | WASM core | over the wire, cold | core ready, cold | over the wire, cached | core ready, cached |\n|---|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.encoding} | ${r.network} | ${r.core} | ${(r.coldBytes / 1000).toFixed(1)} KB | ${r.coldReadyMs} ms | ${(r.cachedBytes / 1000).toFixed(1)} KB | ${r.cachedReadyMs} ms |`);
}
console.log(`(medians of ${RUNS} page loads each; bytes: every response's encoded body and headers, HTML included)`);
await browser.close();
server.close();

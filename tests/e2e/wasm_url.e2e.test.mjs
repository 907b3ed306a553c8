// `wasmUrl`: the WASM core fetched as a file of its own (the package's `core.wasm`, served by the
// app) instead of the inlined copy. In Chromium, against the test page built from the packed
// tarball: served as application/wasm it is compiled while streaming and the inlined chunk is
// never requested; a 404, another build's module (a stale copy) or another content type still
// give working telemetry, with one warning each. What arrives is what the receiver decoded.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { ROOT, launchBrowser, sdkWarnings, startReceiver } from './harness.mjs';

const PAGE = join(ROOT, 'tests/e2e/page/dist');
// The file the package ships for apps to serve (exports "./core.wasm").
const CORE_WASM = join(ROOT, 'tests/e2e/page/node_modules/greptime-web-telemetry/dist/wasm/greptime_web_telemetry_bg.wasm');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript' };

let receiver, browser, site;
const requested = [];

before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
  // The test page, plus the package's .wasm as /core.wasm (application/wasm) and
  // /octet/core.wasm (application/octet-stream); records every path asked for.
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    requested.push(path);
    if (path === '/other-build/core.wasm') {
      // A stale copy: the same module stamped with another build id (it would link).
      const wasm = readFileSync(CORE_WASM);
      const stamp = wasm.lastIndexOf(Buffer.from('greptime-web-telemetry-build')) + 'greptime-web-telemetry-build'.length;
      wasm.write('ffffffffffffffff', stamp, 'latin1');
      res.writeHead(200, { 'content-type': 'application/wasm', 'cache-control': 'no-store' }).end(wasm);
      return;
    }
    if (path === '/core.wasm' || path === '/octet/core.wasm') {
      const type = path === '/core.wasm' ? 'application/wasm' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(CORE_WASM));
      return;
    }
    const file = join(PAGE, path === '/' ? 'index.html' : path);
    if (!file.startsWith(PAGE) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  site = { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.close(r), server.closeAllConnections())) };
});

after(async () => {
  await browser?.close();
  await site?.close();
  await receiver?.stop();
});

/** Opens the page (counting streamed compiles), inits with `wasmUrl`, sends a span; what the page saw. */
async function runWith(wasmUrl, service) {
  requested.length = 0;
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.addInitScript(() => {
    window.__streamed = 0;
    const original = WebAssembly.compileStreaming;
    WebAssembly.compileStreaming = (...args) => (window.__streamed++, original.apply(WebAssembly, args));
  });
  await page.goto(site.url);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 10000 });
  const outcome = await page.evaluate(
    async ({ endpoint, wasmUrl, service }) => {
      const t = await window.__gwt.initTelemetry({ endpoint, serviceName: service, wasmUrl, batch: { scheduledDelayMillis: 100 } });
      t.tracer.startSpan('from wasmUrl').end();
      await t.forceFlush();
      return { enabled: t.enabled, exported: t.stats().spansExported, streamed: window.__streamed };
    },
    { endpoint: receiver.url, wasmUrl, service },
  );
  await page.close();
  const spans = (await receiver.spans()).filter((s) => s.service_name === service).map((s) => s.name);
  return { ...outcome, spans, pageErrors, warnings: sdkWarnings(consoleMessages), paths: [...requested] };
}

const inlineChunkRequested = (paths) => paths.some((p) => /\/inline_wasm-[^/]*\.js$/.test(p));

test('wasmUrl served as application/wasm: compiled while streaming, the inlined chunk never fetched, the span arrives', async () => {
  const r = await runWith('/core.wasm', 'wasm-url-streamed');
  assert.deepEqual(r.pageErrors, []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.enabled, true);
  assert.deepEqual(r.spans, ['from wasmUrl']);
  assert.equal(r.streamed, 1, 'WebAssembly.compileStreaming compiled the module');
  assert.ok(r.paths.includes('/core.wasm'), r.paths.join(' '));
  assert.equal(inlineChunkRequested(r.paths), false, `the inlined module's chunk was fetched: ${r.paths.join(' ')}`);
});

test('wasmUrl answering 404: the inlined module instead, one warning, the span arrives', async () => {
  const r = await runWith(new URL('/missing/core.wasm', site.url).href, 'wasm-url-missing');
  assert.deepEqual(r.pageErrors, []);
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /`wasmUrl` http:\/\/127\.0\.0\.1:\d+\/missing\/core\.wasm could not be used \(answered 404\); using the inlined WASM module/);
  assert.equal(r.enabled, true);
  assert.deepEqual(r.spans, ['from wasmUrl']);
  assert.ok(inlineChunkRequested(r.paths), r.paths.join(' '));
});

test('wasmUrl served as application/octet-stream: compiled after download, one warning, the span arrives', async () => {
  const r = await runWith('/octet/core.wasm', 'wasm-url-octet');
  assert.deepEqual(r.pageErrors, []);
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /`wasmUrl` \/octet\/core\.wasm is served as "application\/octet-stream", not application\/wasm: compiled after download, without streaming/);
  assert.equal(r.enabled, true);
  assert.deepEqual(r.spans, ['from wasmUrl']);
  assert.equal(r.streamed, 0);
  assert.equal(inlineChunkRequested(r.paths), false, r.paths.join(' '));
});

test("wasmUrl serving another build's module: refused, the inlined module instead, one warning, the span arrives", async () => {
  const r = await runWith('/other-build/core.wasm', 'wasm-url-other-build');
  assert.deepEqual(r.pageErrors, []);
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /`wasmUrl` \/other-build\/core\.wasm could not be used \(it is another build of the core \(build id ffffffffffffffff, this package's is [0-9a-f]{16}\)\); using the inlined WASM module/);
  assert.equal(r.enabled, true);
  assert.deepEqual(r.spans, ['from wasmUrl']);
  assert.ok(inlineChunkRequested(r.paths), r.paths.join(' '));
});

// The WASM core failing to load for real, through the real loader (js/runtime/wasm_loader.ts):
// corrupted module bytes, a corrupted compressed stream, and a browser without
// `WebAssembly.instantiate`. Each must give a no-op handle and exactly one console warning; the
// app's code still runs and nothing is sent. (A CSP that forbids compilation: bad_input.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ROOT, openPage, sdkWarnings, serveStatic, useTestPage } from './harness.mjs';

const env = useTestPage();
const PAGE = join(ROOT, 'tests/e2e/page/dist');

/** A copy of the test page whose inlined module text is replaced by `corrupt(base64)`. */
async function servePageWith(corrupt) {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-corrupt-'));
  cpSync(PAGE, dir, { recursive: true });
  const chunk = readdirSync(dir).find((f) => f.startsWith('inline_wasm'));
  const text = readFileSync(join(dir, chunk), 'utf8');
  const [, base64] = /WASM_DEFLATE_BASE64 = "([^"]+)"/.exec(text);
  writeFileSync(join(dir, chunk), text.replace(base64, corrupt(base64)));
  const site = await serveStatic(dir);
  return { url: site.url, close: async () => (await site.close(), rmSync(dir, { recursive: true })) };
}

/** Starts telemetry on the page, uses it as an app would, and reports what the app saw. */
async function useTelemetry(page) {
  return page.evaluate(async (endpoint) => {
    const t = await window.__gwt.initTelemetry({ endpoint, serviceName: 'wasm-failure', batch: { scheduledDelayMillis: 100 } });
    const span = t.tracer.startSpan('not recorded');
    span.setAttribute('a', 1);
    span.end();
    t.meter.createCounter('c').add(1);
    t.logger.emit({ body: 'not sent' });
    const ran = t.tracer.startActiveSpan('app code', () => 'ran');
    await t.forceFlush();
    return { enabled: t.enabled, recording: span.isRecording(), ran, exported: t.stats().spansExported };
  }, env.receiver.url);
}

/** openPage, with `init(page)` run before the page loads. */
async function openPageWith(url, init) {
  if (!init) return openPage(env.browser, url);
  const page = await env.browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await init(page);
  await page.goto(url);
  await page.waitForFunction(() => window.__gwt !== undefined, null, { timeout: 10000 });
  return { page, consoleMessages, pageErrors };
}

async function expectNoOp(url, pattern, init) {
  await env.receiver.reset();
  const { page, consoleMessages, pageErrors } = await openPageWith(url, init);
  assert.deepEqual(await useTelemetry(page), { enabled: false, recording: false, ran: 'ran', exported: 0 });
  assert.deepEqual(pageErrors, []);
  const warnings = sdkWarnings(consoleMessages);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], pattern);
  await new Promise((r) => setTimeout(r, 300)); // past the batch delay: still nothing
  assert.deepEqual(await env.receiver.requests(), []);
  await page.close();
}

test('corrupted module bytes (the compressed stream intact): no-op handle, one warning', async () => {
  // Same length, bad magic number: WebAssembly compilation itself fails.
  const site = await servePageWith((base64) => {
    const wasm = inflateRawSync(Buffer.from(base64, 'base64'));
    wasm[0] = 0x01;
    return deflateRawSync(wasm).toString('base64');
  });
  try {
    await expectNoOp(site.url, /telemetry disabled: WebAssembly\.instantiate\(\): expected magic word/);
  } finally {
    await site.close();
  }
});

test('a corrupted compressed stream: no-op handle, one warning', async () => {
  const site = await servePageWith((base64) => base64.slice(0, 1000) + 'A'.repeat(64) + base64.slice(1064));
  try {
    // Where it is caught depends on the stream's bytes: the inflater refuses it, or (as with
    // Zopfli's stream, scripts/inline-wasm.mjs) it inflates to the wrong size and the loader does.
    await expectNoOp(site.url, /telemetry disabled: .*(compressed data|the inlined WASM module is corrupt)/i);
  } finally {
    await site.close();
  }
});

test('an invalid deflate block type: the inflater refuses the stream, one warning', async () => {
  // The first block's type bits set to 11, which deflate reserves: invalid in any stream.
  const site = await servePageWith((base64) => {
    const stream = Buffer.from(base64, 'base64');
    stream[0] |= 0b110;
    return stream.toString('base64');
  });
  try {
    await expectNoOp(site.url, /telemetry disabled: .*compressed data/i);
  } finally {
    await site.close();
  }
});

test('a browser without WebAssembly.instantiate: no-op handle, one warning', async () => {
  await expectNoOp(env.site.url, /telemetry disabled: WebAssembly\.instantiate is not a function/, (page) =>
    page.addInitScript(() => {
      delete WebAssembly.instantiate;
      delete WebAssembly.instantiateStreaming;
    }),
  );
});

test('the chunk loaded with the core (glue, validator and pipelines, js/export/core_chunk.ts) fails to load: no-op handle, one warning', async () => {
  let refused = 0;
  await expectNoOp(env.site.url, /telemetry disabled: .*(dynamically imported module|Failed to fetch)/i, (page) =>
    page.route(/\/core_chunk-[^/]*\.js$/, (route) => {
      refused++;
      return route.fulfill({ status: 404, body: 'not found' });
    }),
  );
  assert.ok(refused > 0, 'the chunk was requested and refused');
});

test('startTelemetry: what was recorded while the core loaded is dropped when it fails, with one warning, and the same objects become no-ops', async () => {
  await env.receiver.reset();
  const site = await servePageWith((base64) => {
    const wasm = inflateRawSync(Buffer.from(base64, 'base64'));
    wasm[0] = 0x01;
    return deflateRawSync(wasm).toString('base64');
  });
  try {
    const { page, consoleMessages, pageErrors } = await openPage(env.browser, site.url);
    const out = await page.evaluate(async (endpoint) => {
      const t = window.__gwt.startTelemetry({ endpoint, serviceName: 'wasm-failure-early', batch: { scheduledDelayMillis: 100 } });
      const tracer = t.getTracer('early');
      const counter = t.meter.createCounter('early.count');
      const before = { enabled: t.enabled, recording: tracer.startSpan('early').isRecording() };
      tracer.startSpan('ended early').end();
      counter.add(1);
      t.logger.emit({ body: 'early' });
      const ready = await t.ready;
      counter.add(1);
      const after = { enabled: t.enabled, readyEnabled: ready.enabled, recording: tracer.startSpan('late').isRecording(), ran: tracer.startActiveSpan('app code', () => 'ran') };
      await t.forceFlush();
      await t.shutdown();
      return { before, after, stats: t.stats() };
    }, env.receiver.url);
    assert.deepEqual(out.before, { enabled: true, recording: true });
    assert.deepEqual(out.after, { enabled: false, readyEnabled: false, recording: false, ran: 'ran' });
    assert.equal(out.stats.spansExported, 0);
    assert.deepEqual(pageErrors, []);
    const warnings = sdkWarnings(consoleMessages);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /telemetry disabled: WebAssembly\.instantiate\(\): expected magic word/);
    await new Promise((r) => setTimeout(r, 300)); // past the batch delay: still nothing
    assert.deepEqual(await env.receiver.requests(), []);
    await page.close();
  } finally {
    await site.close();
  }
});

// What the transport's fetch options cost in Chromium (issue 13 §5), measured against the fast
// sink with the exporter's request options (CORS, credentials omitted, the protobuf content
// type and the trace pipeline header), alternating the variants round by round so that the
// shared machine's noise hits both alike:
//   keepalive: one request at a time, each answer awaited, with and without `keepalive`;
//   body type: 20 requests at once (a flush), the body as a Uint8Array or as a Blob.
// Prints medians, and for the body type the median of the per-round ratios. BENCH_BROWSER=firefox
// runs it in Firefox ESR (whose clock is coarser: 1 ms).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchNamedBrowser, serveStatic, waitForPageFunction } from '../tests/e2e/harness.mjs';
import { startFastSink } from './fast_sink.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS || 10);
const KEEPALIVE_SIZES = [2 * 1024, 16 * 1024, 48 * 1024];
const BODY_SIZES = [15000, 40000, 72000, 104000];
const dir = mkdtempSync(join(tmpdir(), 'gwt-fetch-options-'));
writeFileSync(
  join(dir, 'index.html'),
  `<!doctype html><script>
  // An ExportTraceServiceRequest of n bytes: one resource_spans field (1) padded out.
  function body(n) { const b = new Uint8Array(n); b[0] = 0x0a; const len = n - 4; b[1] = (len & 0x7f) | 0x80; b[2] = ((len >> 7) & 0x7f) | 0x80; b[3] = len >> 14; return b; }
  const init = (body, keepalive) => ({ method: 'POST', body, keepalive, credentials: 'omit', mode: 'cors',
    headers: { 'content-type': 'application/x-protobuf', 'x-greptime-pipeline-name': 'greptime_trace_v1' } });
  window.roundTrips = async (url, keepalive, n, size) => {
    const times = [];
    const payload = body(size);
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      try {
        await (await fetch(url, init(payload, keepalive))).arrayBuffer();
        times.push(performance.now() - t);
      } catch (error) {
        window.failures = (window.failures || []).concat(\`\${keepalive ? 'keepalive' : 'plain'} \${size} B: \${error}\`);
      }
    }
    return times;
  };
  window.flush = async (url, asBlob, n, size) => {
    const bodies = Array.from({ length: n }, () => body(size));
    const t = performance.now();
    await Promise.all(bodies.map((b) => fetch(url, init(asBlob ? new Blob([b]) : b, false)).then((r) => r.arrayBuffer())));
    return performance.now() - t;
  };
</script>`,
);
const sink = await startFastSink();
const site = await serveStatic(dir);
const BROWSER = process.env.BENCH_BROWSER || 'chromium';
const browser = await launchNamedBrowser(BROWSER);
/** Calls `window[fn](...args)` in the page; an expression string works in Playwright and puppeteer alike. */
const call = (page, fn, ...args) => page.evaluate(`window.${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
const results = {};
const push = (key, ...values) => (results[key] ??= []).push(...values);
const url = `${sink.url}/v1/otlp/v1/traces`;
try {
  const page = await browser.newPage();
  await page.goto(site.url);
  await waitForPageFunction(page, () => typeof window.flush === 'function', null);
  await call(page, 'roundTrips', url, false, 5, 1024); // connections and preflight cache warm
  for (let r = 0; r < ROUNDS; r++) {
    for (const size of KEEPALIVE_SIZES) {
      for (const keepalive of r % 2 ? [true, false] : [false, true]) {
        push(`keepalive ${size} ${keepalive}`, ...(await call(page, 'roundTrips', url, keepalive, 20, size)));
      }
    }
    for (const size of BODY_SIZES) {
      for (const blob of r % 2 ? [true, false] : [false, true]) push(`body ${size} ${blob}`, await call(page, 'flush', url, blob, 20, size));
    }
  }
  const failures = await page.evaluate('window.failures || []');
  if (failures.length) console.log(`${failures.length} requests failed:\n  ${[...new Set(failures)].join('\n  ')}`);
} finally {
  await browser.close();
  await site.close();
  await sink.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${BROWSER}:`);
console.log(`keepalive: round trip of one export to the fast sink, ${ROUNDS * 20} requests each, median ms:`);
for (const size of KEEPALIVE_SIZES) {
  const k = median(results[`keepalive ${size} true`]);
  const p = median(results[`keepalive ${size} false`]);
  console.log(`  ${String(size / 1024).padStart(3)} KiB   keepalive ${k.toFixed(2)}   plain ${p.toFixed(2)}   keepalive / plain ${(k / p).toFixed(2)}`);
}
console.log(`body type: 20 exports at once until all are answered, ${ROUNDS} rounds, median ms:`);
for (const size of BODY_SIZES) {
  const u8 = results[`body ${size} false`];
  const blob = results[`body ${size} true`];
  console.log(`  ${String(size).padStart(6)} B   Uint8Array ${median(u8).toFixed(1)}   Blob ${median(blob).toFixed(1)}   Blob / Uint8Array per round ${median(blob.map((b, i) => b / u8[i])).toFixed(2)}`);
}

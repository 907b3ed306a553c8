// Probe (issue 13 §5 finding, for whoever owns the keepalive budget): Firefox ESR gives a
// keepalive request's share of its 64 KiB quota back only some time after the answer was read.
// Four keepalive POSTs of each size, each awaited (body read), with a gap between them; a
// NetworkError is a refusal. Measured 2026-11-30, Firefox ESR 153, two runs: 20 and 30 KB always
// ok; 33, 40 and 48 KB (two of them over 64 KiB) refused from the 2nd to the 4th request with no
// gap; with a 100 ms gap or more, none refused.
// Our transport gives its budget back when the body is read, so back-to-back keepalive exports
// over 64 KiB together can be refused in Firefox. Run: node bench/firefox_keepalive_probe.mjs
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchFirefox, serveStatic, waitForPageFunction } from '../tests/e2e/harness.mjs';
import { startFastSink } from './fast_sink.mjs';
const dir = mkdtempSync(join(tmpdir(), 'gwt-ffka-'));
writeFileSync(join(dir, 'index.html'), `<!doctype html><script>
function body(n) { const b = new Uint8Array(n); b[0] = 0x0a; const len = n - 4; b[1] = (len & 0x7f) | 0x80; b[2] = ((len >> 7) & 0x7f) | 0x80; b[3] = len >> 14; return b; }
window.probe = async (url, size, gapMs) => {
  const out = [];
  for (let i = 0; i < 4; i++) {
    try { const r = await fetch(url, { method: 'POST', body: body(size), keepalive: true, credentials: 'omit', mode: 'cors', headers: { 'content-type': 'application/x-protobuf' } }); await r.arrayBuffer(); out.push('ok'); }
    catch (e) { out.push('fail'); }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return out.join(',');
};
</script>`);
const sink = await startFastSink();
const site = await serveStatic(dir);
const browser = await launchFirefox();
const page = await browser.newPage();
await page.goto(site.url);
await waitForPageFunction(page, () => typeof window.probe === 'function', null);
const url = `${sink.url}/v1/otlp/v1/traces`;
for (const [size, gap] of [[20000, 0], [30000, 0], [33000, 0], [40000, 0], [48000, 0], [48000, 100], [48000, 1000], [48000, 3000]]) {
  console.log(size, 'B, gap', gap, 'ms:', await page.evaluate(`window.probe(${JSON.stringify(url)}, ${size}, ${gap})`));
}
await browser.close(); await site.close(); await sink.stop();

// Probe (issue 10, the last gap): what Firefox ESR keeps of work a page starts while it is being
// closed (`page.close()` over WebDriver BiDi), per event: an IndexedDB delete (committed with
// commit()), a fetch with keepalive, and navigator.sendBeacon. The page stores two records
// while visible; at `pagehide` it deletes record A, sends keepalive fetch 'ka-pagehide' and beacon
// 'beacon-pagehide'; at `visibilitychange` (hidden) it deletes record B and sends
// 'ka-visibility' and 'beacon-visibility'. A sink answers only 1.5 s later and counts a request
// only if the browser still waits for it then (as the receiver's hold mode does). Afterwards a
// fresh page of the same origin reads what is left in IndexedDB.
// `warm`: one request to the sink completes while the page is visible (an open connection).
// `preflight`: the fetches carry GreptimeDB's content type and a custom header, as the SDK's do,
// so each needs a CORS preflight (the sink sends no Access-Control-Max-Age).
// `busy=N`: each handler first keeps the main thread busy for N ms (the SDK's page-hide work).
// `visibility-only`: nothing is started at pagehide.
// `signal`: the fetches carry an AbortSignal and a pending timeout, as the SDK's transport's do.
// Run: node bench/firefox_close_probe.mjs [closes=30] [firefox|chromium] [warm|preflight|busy=N|visibility-only|signal]
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchNamedBrowser, serveStatic, waitForPageFunction } from '../tests/e2e/harness.mjs';

const CLOSES = Number(process.argv[2] ?? 30);
const BROWSER = process.argv[3] ?? 'firefox';
const WARM = process.argv[4] === 'warm';
const PREFLIGHT = process.argv[4] === 'preflight';
const VISIBILITY_ONLY = process.argv[4] === 'visibility-only';
const SIGNAL = process.argv[4] === 'signal';
const BUSY_MS = Number(/^busy=(\d+)$/.exec(process.argv[4] ?? '')?.[1] ?? 0);
const HOLD_MS = 1500;
const arrived = new Map(); // run -> Set of kinds
const sink = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-headers', 'content-type, x-greptime-pipeline-name');
  if (req.method === 'OPTIONS') return res.end();
  let gone = false;
  req.on('close', () => { if (!req.complete) gone = true; });
  res.on('close', () => { if (!res.writableEnded) gone = true; });
  setTimeout(() => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (!gone && !req.socket.destroyed) {
        const run = url.searchParams.get('run');
        if (!arrived.has(run)) arrived.set(run, new Set());
        arrived.get(run).add(url.searchParams.get('kind'));
      }
      res.end('ok');
    });
  }, HOLD_MS);
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'gwt-close-probe-'));
writeFileSync(join(dir, 'index.html'), `<!doctype html><script>
const signal = () => { if (!${SIGNAL}) return {}; const c = new AbortController(); setTimeout(() => c.abort(), 30000); return { signal: c.signal }; };
const busy = () => { const end = performance.now() + ${BUSY_MS}; while (performance.now() < end); };
const HEADERS = ${PREFLIGHT ? "{ 'content-type': 'application/x-protobuf', 'x-greptime-pipeline-name': 'greptime_trace_v1' }" : '{}'};
window.setup = (sink, run) => new Promise((resolve) => {
  const open = indexedDB.open('probe', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('r');
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction('r', 'readwrite');
    tx.objectStore('r').put(run, 'A'); tx.objectStore('r').put(run, 'B');
    tx.oncomplete = () => {
      const body = () => new Blob([new Uint8Array(2000)], { type: 'text/plain' });
      const del = (key) => { const t = db.transaction('r', 'readwrite'); t.objectStore('r').delete(key); t.commit?.(); };
      const go = (kind) => fetch(sink + '/?run=' + run + '&kind=' + kind, { method: 'POST', body: body(), keepalive: true, mode: 'cors', headers: HEADERS, ...signal() }).catch(() => {});
      const beacon = (kind) => navigator.sendBeacon(sink + '/?run=' + run + '&kind=' + kind, body());
      if (!${VISIBILITY_ONLY}) addEventListener('pagehide', () => { busy(); del('A'); go('ka-pagehide'); beacon('beacon-pagehide'); });
      document.addEventListener('visibilitychange', () => { if (document.visibilityState !== 'hidden') return; busy(); del('B'); go('ka-visibility'); beacon('beacon-visibility'); });
      resolve(true);
    };
  };
});
window.left = () => new Promise((resolve) => {
  const open = indexedDB.open('probe', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('r');
  open.onsuccess = () => { const r = open.result.transaction('r').objectStore('r').getAllKeys(); r.onsuccess = () => resolve(r.result.join('')); };
});
</script>`);
const site = await serveStatic(dir);
const browser = await launchNamedBrowser(BROWSER);
const tally = {};
const count = (k) => (tally[k] = (tally[k] ?? 0) + 1);
for (let run = 1; run <= CLOSES; run++) {
  const page = await browser.newPage();
  await page.goto(site.url);
  await waitForPageFunction(page, () => typeof window.setup === 'function', null);
  await page.evaluate(`window.setup(${JSON.stringify(sinkUrl)}, ${run})`);
  if (WARM) await page.evaluate(`fetch(${JSON.stringify(sinkUrl)} + '/?run=warm&kind=warm', { method: 'POST', body: 'x' }).then((r) => r.text())`);
  await new Promise((r) => setTimeout(r, 300));
  await page.close({ runBeforeUnload: true });
  await new Promise((r) => setTimeout(r, HOLD_MS + 1000));
  const reader = await browser.newPage();
  await reader.goto(site.url);
  await waitForPageFunction(reader, () => typeof window.left === 'function', null);
  const left = await reader.evaluate('window.left()');
  await reader.close();
  const got = arrived.get(String(run)) ?? new Set();
  const row = { idbPagehide: !left.includes('A'), idbVisibility: !left.includes('B'), kaPagehide: got.has('ka-pagehide'), kaVisibility: got.has('ka-visibility'), beaconPagehide: got.has('beacon-pagehide'), beaconVisibility: got.has('beacon-visibility') };
  for (const [k, v] of Object.entries(row)) if (v) count(k);
  // The design's question: does a committed delete at pagehide mean its keepalive arrived?
  count(`pagehide idb=${row.idbPagehide ? 1 : 0} ka=${row.kaPagehide ? 1 : 0}`);
  console.log(`close ${run}: ${JSON.stringify(row)}`);
}
console.log(`[probe] ${BROWSER}${WARM ? ' (warm connection)' : ''}${PREFLIGHT ? ' (fetches need a preflight)' : ''}${BUSY_MS ? ` (${BUSY_MS} ms busy first)` : ''}${VISIBILITY_ONLY ? ' (nothing at pagehide)' : ''}${SIGNAL ? ' (fetches with an AbortSignal)' : ''}, ${CLOSES} closes:`, JSON.stringify(tally, null, 1));
await browser.close(); await site.close(); sink.close(); sink.closeAllConnections();

// Shared pieces of the browser end-to-end tests: the GreptimeDB-compatible receiver (Python,
// decoding with the official opentelemetry-proto package), a static server for the test page
// built from the packed npm tarball, and headless Debian Chromium driven by playwright-core.

import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { extname, join, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { before, after } from 'node:test';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PYTHON = existsSync(join(ROOT, '.venv/bin/python')) ? join(ROOT, '.venv/bin/python') : 'python3';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/**
 * Installs the packed tarball (build/greptime-web-telemetry-*.tgz, from scripts/build-package.sh)
 * into `dir`, as a user's `npm install` would; returns the tarball's file name.
 */
export function installPackedTarball(dir) {
  const tarball = readdirSync(join(ROOT, 'build')).find((f) => /^greptime-web-telemetry-.*\.tgz$/.test(f));
  if (!tarball) throw new Error('no build/greptime-web-telemetry-*.tgz: run scripts/build-package.sh first');
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', join(ROOT, 'build', tarball)], { cwd: dir, stdio: 'inherit' });
  return tarball;
}

/**
 * Starts the receiver (on a free port unless `port` is given); resolves once it prints its
 * address. `echo` passes its output through (the demo's live view).
 */
export async function startReceiver(args = [], { echo = false, port = 0 } = {}) {
  const child = spawn(PYTHON, [join(ROOT, 'tests/receiver/greptime_receiver.py'), '--host', '127.0.0.1', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not start:\n${output}`)), 15000);
    const onData = (chunk) => {
      output += chunk;
      const m = /\[receiver\] listening on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c));
    if (echo) {
      child.stdout.pipe(process.stdout);
      child.stderr.pipe(process.stderr);
    }
    child.on('exit', (code) => reject(new Error(`receiver exited with ${code}:\n${output}`)));
  });
  const api = async (path, init) => {
    const res = await fetch(url + path, init);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    spans: () => api('/_receiver/spans'),
    metrics: () => api('/_receiver/metrics'),
    logs: () => api('/_receiver/logs'),
    requests: () => api('/_receiver/requests'),
    reset: () => api('/_receiver/reset', { method: 'POST' }),
    /** The next requests (of `signal`, or any) answer these statuses first: see tests/receiver/README.md. */
    faults: (faults) => api('/_receiver/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) }),
    clearFaults: () => api('/_receiver/faults', { method: 'DELETE' }),
    /** Hold mode: OTLP requests wait `ms` before their body is read and count only if their client is still there. */
    hold: (ms) => api('/_receiver/hold', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hold_ms: ms }) }),
    abandoned: () => api('/_receiver/abandoned'),
    port: Number(new URL(url).port),
    waitFor: (signal, min, timeoutMs = 10000) => api(`/_receiver/wait?signal=${signal}&min=${min}&timeout_ms=${timeoutMs}`),
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))),
  };
}

/**
 * Starts the agent (examples/agent-backend/agent.py, FastAPI) on a free port unless given, with
 * its telemetry going to `endpoint` (`GREPTIME_HOST`; credentials and database from the
 * environment). Exports are quicker than the agent's defaults (spans and logs within 200 ms,
 * metrics every second) so that tests and the demo need not wait; `env` overrides. `echo` passes
 * the agent's output through. stop() shuts it down gracefully, which flushes its telemetry.
 */
export async function startBackend(endpoint, port = 0, { env = {}, echo = false } = {}) {
  const child = spawn(PYTHON, [join(ROOT, 'examples/agent-backend/agent.py'), '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GREPTIME_HOST: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200', OTEL_METRIC_EXPORT_INTERVAL: '1000', ...env },
  });
  let output = '';
  const listening = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start:\n${output}`)), 15000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePromise(Number(m[1]));
      }
    });
    child.stderr.on('data', (c) => (output += c));
    if (echo) {
      child.stdout.pipe(process.stdout);
      child.stderr.pipe(process.stderr);
    }
    child.on('exit', (code) => reject(new Error(`backend exited with ${code}:\n${output}`)));
  });
  return { port: listening, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.wasm': 'application/wasm' };

/**
 * Serves `dir` on loopback (a different origin from the receiver, as in production); port 0 =
 * any free one. `headers` are added to every response (e.g. a Content-Security-Policy).
 * `gzip`: every response gzipped, as a deployed app serves its scripts (bench/speed.mjs, page load).
 */
export async function serveStatic(dir, port = 0, headers = {}, { gzip = false } = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const compressed = gzip ? { 'content-encoding': 'gzip' } : {};
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store', ...compressed, ...headers });
    res.end(gzip ? gzipSync(readFileSync(file), { level: 6 }) : readFileSync(file));
  });
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  // closeAllConnections: Chromium keeps a preconnected socket that never sends a request, and
  // close() would wait for it (until Node's headers timeout, about 100 s).
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.close(r), server.closeAllConnections())) };
}

/** Launches headless Chromium with the flags this machine needs (no sandbox as root, no background network). */
export async function launchBrowser() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'gwt-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Launches headless Firefox ESR (Debian's `/usr/bin/firefox-esr`) with puppeteer-core over
 * WebDriver BiDi (Playwright's own Firefox build cannot be installed here), in a fresh profile.
 * Returns an object shaped like a Playwright context for what the tests use: `newPage()` (whose
 * pages have `goto`, `evaluate(fn, arg)`, `close({ runBeforeUnload })`, `on('console' |
 * 'pageerror')`), `close()`, and `browserName`. Waiting differs: use `waitForPageFunction`.
 */
export async function launchFirefox() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: mkdtempSync(join(tmpdir(), 'gwt-firefox-')),
    // No telemetry, updates or first-run pages of its own during the tests.
    extraPrefsFirefox: { 'datareporting.policy.dataSubmissionEnabled': false, 'app.update.enabled': false, 'browser.shell.checkDefaultBrowser': false },
  });
  return { browserName: 'firefox', browser, newPage: () => browser.newPage(), close: () => browser.close() };
}

/** Launches `name` ('chromium' or 'firefox'). */
export function launchNamedBrowser(name) {
  return name === 'firefox' ? launchFirefox() : launchBrowser();
}

/** `page.waitForFunction` for a Playwright page and a puppeteer page alike (their arguments differ). */
export function waitForPageFunction(page, fn, arg, timeout = 10000) {
  return typeof page.context === 'function' ? page.waitForFunction(fn, arg, { timeout }) : page.waitForFunction(fn, { timeout }, arg);
}

/** Opens `url` and records console output and page errors (the tests assert on both). */
export async function openPage(context, url) {
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url);
  await waitForPageFunction(page, () => window.__gwt !== undefined, null);
  return { page, consoleMessages, pageErrors };
}

/** Our console warnings (every line the SDK writes starts with this prefix). */
export function sdkWarnings(consoleMessages) {
  return consoleMessages.filter((m) => m.text.includes('[greptime-web-telemetry]')).map((m) => m.text);
}

/**
 * The usual fixture of a test file: a receiver (with `receiverArgs`), the test page built from
 * the packed tarball, and a browser; started before the file's tests and stopped after them.
 */
export function useTestPage(receiverArgs = []) {
  const env = { receiverArgs };
  before(async () => {
    env.receiver = await startReceiver(receiverArgs);
    env.site = await serveStatic(join(ROOT, 'tests/e2e/page/dist'));
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.site?.close();
    await env.receiver?.stop();
  });
  return env;
}

/**
 * The page's `telemetry.stats()` once `ready(stats)` holds, or after `timeoutMs`: the receiver
 * stores a request before it answers, so the page counts an export (restored, exported…) a
 * moment after the receiver shows its items.
 */
export async function statsWhen(page, ready, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await page.evaluate(() => window.__t.stats());
    if (ready(stats) || Date.now() > deadline) return stats;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Bundles `entry` (esbuild, ESM with splitting, for the browser) and serves it at `/` with a
 * same-origin `/api` route that records the query and `traceparent` of every request in `seen`
 * and answers `apiBody`; `routes` maps more paths to `(req, res)` handlers (e.g. a slow image).
 * Resolves to `{ site, seen, close }`.
 */
export async function serveBundledPage(entry, { define = {}, bodyHtml = '', apiBody = '{}', routes = {} } = {}) {
  // Imported here, not at the top: the React tests load this module under jsdom, where esbuild
  // refuses to start (its TextEncoder check fails there).
  const { build } = await import('esbuild');
  const out = mkdtempSync(join(tmpdir(), 'gwt-bundled-page-'));
  await build({ entryPoints: [entry], outdir: out, entryNames: 'page', bundle: true, format: 'esm', splitting: true, platform: 'browser', define, logLevel: 'warning' });
  const seen = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (routes[url.pathname]) {
      routes[url.pathname](req, res);
    } else if (url.pathname === '/api') {
      seen.push({ query: url.search.slice(1), traceparent: req.headers.traceparent ?? null });
      res.writeHead(200, { 'content-type': 'application/json' }).end(apiBody);
    } else if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html>${bodyHtml}<script type="module" src="/page.js"></script>`);
    } else if (!url.pathname.includes('..') && existsSync(join(out, url.pathname))) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(out, url.pathname)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const close = () => new Promise((r) => (server.closeAllConnections?.(), server.close(r)));
  return { site: `http://127.0.0.1:${server.address().port}`, seen, close };
}

/**
 * The fixture of a test file whose page is bundled from `entry` (serveBundledPage, with
 * `options`): a receiver, that page and Chromium, started before the file's tests and stopped
 * after them. `env.site` is the page's URL, `env.seen` what its /api route saw; `prepare` runs
 * first (e.g. installing the packed tarball next to the page).
 */
export function useBundledPage(entry, options = {}, prepare = undefined) {
  const env = {};
  before(async () => {
    await prepare?.();
    const served = await serveBundledPage(entry, options);
    Object.assign(env, { site: served.site, seen: served.seen, closeSite: served.close });
    env.receiver = await startReceiver();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.receiver?.stop();
    await env.closeSite?.();
  });
  return env;
}

// The packaging matrix: one tiny app per bundler setup (this directory's README), each built
// with the bundler's own minimum (no plugin or option for this package, except Rollup's
// inlineDynamicImports in rollup-inline), loaded in headless Chromium and sending a span, a
// metric and a log that the receiver must decode under the app's service name; a setup with
// `expectedFailure` must instead fail to build with that message (Rollup iife with
// `browser: true`). Single-file setups must emit one file; bundlers that split must keep the
// WASM core in a chunk apart from the app's code (the package's initial chunk stays small). Two builds
// run at once (the machine has 2 cores); each app's shipped size (gzip
// of the JavaScript the bundler emits for the browser) is printed and written to
// build/packaging/results.json, from which readme-table.mjs writes and checks the README table.
// Run through tests/packaging/test.sh (it installs the bundlers and the packed tarball first).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, sdkWarnings, serveStatic, startReceiver } from '../e2e/harness.mjs';
import { recordResults, shippedBytes } from './results.mjs';
import { SETUPS } from './setups.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const BIN = join(HERE, 'node_modules/.bin');
const results = {};
let receiver, browser;

before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
  recordResults(results);
});

/** Runs `bin args…` in `cwd`; resolves with its output, rejects with it on a non-zero exit. */
function run(bin, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, bin), args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${bin} ${args.join(' ')} exited with ${code}:\n${output}`))));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the Vite dev server in `cwd`; resolves with its URL and a stop function. */
async function startDevServer(cwd) {
  const port = await freePort();
  const child = spawn(join(BIN, 'vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) break;
    if (i > 300 || child.exitCode !== null) throw new Error(`vite dev did not serve:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, output: () => output, close: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

/** Polls the receiver until the span, the metric point and the log of `service` have arrived. */
async function arrivedFrom(service, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = (items) => items.filter((i) => i.service_name === service);
    const [spans, points, logs] = await Promise.all([receiver.spans(), receiver.metrics(), receiver.logs()]).then((all) => all.map(mine));
    // The browser signals (on by default, each a chunk of its own) must load too: the documentLoad span.
    const loaded = spans.some((s) => s.name === 'documentLoad');
    if ((loaded && spans.length > 1 && points.length && logs.length) || Date.now() > deadline) return { spans, points, logs };
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('packaging matrix', { concurrency: 2 }, () => {
  for (const setup of SETUPS) {
    const claim = setup.expectedFailure ? `fails to build, as recorded: ${setup.status}` : 'bundles the packed tarball; a span, a metric and a log arrive';
    test(`${setup.name}: ${setup.label} ${claim}`, { timeout: 240000 }, async () => {
      const dir = join(HERE, setup.dir);
      const started = Date.now();
      results[setup.name] = { label: setup.label, status: 'fails' };
      let site;
      try {
        if (setup.dev) {
          site = await startDevServer(dir);
        } else {
          rmSync(join(dir, 'dist'), { recursive: true, force: true });
          // Parcel's cache does not notice a reinstalled package (it fails with "bundleInfoMap[bundleId] is
          // not iterable"): build as a fresh checkout would.
          for (const cache of setup.caches ?? []) rmSync(join(dir, cache), { recursive: true, force: true });
          if (setup.expectedFailure) {
            // A setup the package does not support as is: its build must fail with exactly this.
            const built = await run(setup.command[0], setup.command.slice(1), dir).then(() => true, (error) => error);
            assert.notEqual(built, true, `${setup.name} builds now: make it an ordinary setup (setups.mjs) and rewrite the README table`);
            assert.match(built.message, setup.expectedFailure);
            results[setup.name] = { label: setup.label, status: setup.status };
            console.log(`# ${setup.name}: fails as recorded (${setup.expectedFailure.source})`);
            return;
          }
          const output = await run(setup.command[0], setup.command.slice(1), dir);
          // A bundler warning about the package is friction too (webpack "WARNING", esbuild "[WARNING]", Rollup "(!)", Parcel "⚠").
          assert.doesNotMatch(output, /warn|\(!\)|⚠/i, `${setup.command[0]} warned:\n${output}`);
          site = await serveStatic(join(dir, setup.serve));
        }
        const buildSeconds = (Date.now() - started) / 1000;
        const { page, consoleMessages, pageErrors, requested } = await openAppPage(`${site.url}/?endpoint=${encodeURIComponent(receiver.url)}`);
        const outcome = await page.evaluate(() => window.__packaging);
        const { spans, points, logs } = await arrivedFrom(setup.service);
        await page.close();

        assert.deepEqual(pageErrors, []);
        assert.deepEqual(sdkWarnings(consoleMessages), []);
        assert.equal(outcome.error, undefined, outcome.error);
        assert.equal(outcome.enabled, true, 'the WASM core loaded');
        // The browser signals' scopes: greptime-web-telemetry/rum, …/web-vitals, …/user-actions, …
        const rum = (r) => r.scope.name.startsWith('greptime-web-telemetry/');
        assert.deepEqual(spans.filter((s) => !rum(s)).map((s) => [s.name, s.attributes['app.setup']?.value]), [['packaging check', setup.service]]);
        // The lazily loaded browser-signal chunks worked in this bundler: the page load trace and the session.
        assert.ok(spans.some((s) => rum(s) && s.name === 'documentLoad'), `documentLoad arrived: ${JSON.stringify(spans.map((s) => s.name))}`);
        assert.ok(spans.every((s) => /^[0-9a-f]{32}$/.test(s.attributes['session.id']?.value)), 'every span has its session.id');
        assert.ok(
          points.some((p) => p.name === 'packaging.checks' && p.attributes['app.setup']?.value === setup.service),
          `the counter arrived: ${JSON.stringify(points.map((p) => p.name))}`,
        );
        assert.deepEqual(logs.filter((l) => !rum(l)).map((l) => l.body.value), [`hello from ${setup.service}`]);

        const size = setup.dev ? undefined : shippedBytes(join(dir, setup.out));
        if (setup.files !== undefined) assert.equal(size.files, setup.files, `${setup.name} must emit ${setup.files} JavaScript file(s)`);
        if (setup.splits) assertCoreChunkApart(join(dir, setup.out), setup.service);
        if (setup.wasmUrl) {
          assert.ok(requested.some((p) => p.endsWith('.wasm')), `the .wasm was fetched: ${requested.join(' ')}`);
          assert.ok(!requested.some((p) => /inline_wasm/.test(p)), `the inlined module's chunk was not: ${requested.join(' ')}`);
        }
        results[setup.name] = { label: setup.label, status: 'works', ...(size && { bytes: size.raw, gzip: size.gzip }) };
        const sizeText = size ? `shipped ${size.gzip} B gzip (${size.raw} B raw, ${size.files} file${size.files > 1 ? 's' : ''})` : 'dev server, no shipped bundle';
        console.log(`# ${setup.name}: built and served in ${buildSeconds.toFixed(1)} s; ${sizeText}`);
      } finally {
        await site?.close();
      }
    });
  }
});

async function openAppPage(url) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const requested = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(url);
  await page.waitForFunction(() => window.__packaging !== undefined, null, { timeout: 30000 });
  return { page, consoleMessages, pageErrors, requested };
}

/**
 * A bundler that splits must keep the WASM core out of the app's own chunk: the file holding the
 * inlined module (its base64 text) must not be the one holding the app's code (its service name).
 */
function assertCoreChunkApart(dir, service) {
  const inline = readFileSync(join(HERE, 'node_modules/greptime-web-telemetry/dist/wasm/inline_wasm.js'), 'utf8');
  const marker = /"([A-Za-z0-9+/]{64})/.exec(inline)[1];
  const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  const files = walk(dir).filter((f) => /\.m?js$/.test(f)).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  const core = files.filter(({ text }) => text.includes(marker)).map(({ f }) => f);
  const app = files.filter(({ text }) => text.includes(service)).map(({ f }) => f);
  assert.equal(core.length, 1, `one file holds the WASM core: ${core}`);
  assert.ok(app.length > 0 && !app.includes(core[0]), `the WASM core (${core[0]}) is a chunk apart from the app's code (${app})`);
}

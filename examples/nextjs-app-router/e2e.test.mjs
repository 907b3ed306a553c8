// The Next.js App Router example, installed from the packed tarball with no bundler
// configuration: built with `next build` (Turbopack, then webpack), served by `next start` and
// clicked through in headless Chromium; then `next dev` as a smoke test. What counts is what the
// receiver decoded (the official opentelemetry-proto package): the page's spans, the navigation
// span from instrumentation-client.ts, and the API route receiving the browser's trace.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startReceiver, launchBrowser, sdkWarnings } from '../../tests/e2e/harness.mjs';
import { recordResults, shippedBytes } from '../../tests/packaging/results.mjs';
import { NEXT_SETUPS } from '../../tests/packaging/setups.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const NEXT = join(HERE, 'node_modules/.bin/next');
let receiver, browser, env;

before(async () => {
  receiver = await startReceiver();
  browser = await launchBrowser();
  // Next's own telemetry off; the endpoint is inlined into the client bundle at build time.
  env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_PUBLIC_GREPTIME_ENDPOINT: receiver.url };
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
});

function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Runs `next <args>` on a free port until `fn` is done; resolves to fn's result. */
async function withNext(args, fn) {
  const port = await freePort();
  const child = spawn(NEXT, [...args, '--port', String(port), '--hostname', '127.0.0.1'], { cwd: HERE, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(url, { signal: AbortSignal.timeout(60000) }).then((r) => r.status < 500, () => false)) break;
      if (i > 600 || child.exitCode !== null) throw new Error(`next ${args[0]} did not serve:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await fn(url);
  } catch (error) {
    error.message += `\n--- next ${args.join(' ')} output:\n${output}`;
    throw error;
  } finally {
    await new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM'))));
  }
}

async function openApp(url) {
  const page = await browser.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on('console', (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url);
  await page.getByRole('heading', { name: 'Next.js telemetry example' }).waitFor();
  return { page, consoleMessages, pageErrors };
}

/** Clicks Greet, then navigates to /about: returns the traceparent the API route received. */
async function clickThrough(page) {
  await page.getByRole('button', { name: 'Greet' }).click();
  const greeting = page.locator('#greeting');
  await greeting.waitFor();
  assert.equal(await greeting.textContent(), 'Hello, browser!');
  const traceparent = await greeting.getAttribute('data-traceparent');
  await page.getByRole('link', { name: 'About' }).click();
  await page.getByRole('heading', { name: 'About' }).waitFor();
  await page.goBack(); // a 'traverse' navigation
  await page.getByRole('heading', { name: 'Next.js telemetry example' }).waitFor();
  return traceparent;
}

for (const bundler of ['turbopack', 'webpack']) {
  test(`next build (${bundler}) + next start: page spans, a navigation span, the API route in the browser's trace`, async () => {
    const started = Date.now();
    // The packaging matrix's README table has a row for each build (tests/packaging).
    const setup = NEXT_SETUPS.find((s) => s.name === `next-${bundler}`);
    recordResults({ [setup.name]: { label: setup.label, status: 'fails' } });
    execFileSync(NEXT, ['build', ...(bundler === 'webpack' ? ['--webpack'] : [])], { cwd: HERE, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const shipped = shippedBytes(join(HERE, '.next/static'));
    console.log(`# next build (${bundler}): ${((Date.now() - started) / 1000).toFixed(1)} s; shipped ${shipped.gzip} B gzip (${shipped.raw} B raw, ${shipped.files} files, .next/static)`);
    await receiver.reset();
    await withNext(['start'], async (url) => {
      const { page, consoleMessages, pageErrors } = await openApp(url);
      const traceparent = await clickThrough(page);
      // The navigation ended the HomePage lifecycle span; wait for the batch (1 s delay).
      await receiver.waitFor('traces', 5, 15000);
      await page.waitForTimeout(1500);
      assert.deepEqual(pageErrors, []);
      assert.deepEqual(sdkWarnings(consoleMessages), []);

      const spans = await receiver.spans();
      const names = spans.map((s) => s.name);
      const action = spans.find((s) => s.name === 'click greet');
      assert.ok(action, JSON.stringify(names));
      const call = spans.find((s) => s.name === 'load greeting' && s.parent_span_id === action.span_id);
      assert.ok(call, 'the tracked callback is a child of the user action');
      const fetchSpan = spans.find((s) => s.name === 'GET' && s.parent_span_id === call.span_id);
      assert.ok(fetchSpan, 'the fetch is a CLIENT span under the tracked callback');
      assert.equal(fetchSpan.kind, 'SPAN_KIND_CLIENT');
      assert.equal(fetchSpan.attributes['url.full'].value, `${url}/api/greeting`);
      // The API route received the browser's trace: same trace id, the fetch span as parent.
      assert.equal(traceparent, `00-${fetchSpan.trace_id}-${fetchSpan.span_id}-01`);
      assert.equal(fetchSpan.trace_id, action.trace_id);

      const lifecycle = spans.find((s) => s.name === 'HomePage lifecycle');
      assert.ok(lifecycle, `the page unmounted on navigation: ${JSON.stringify(names)}`);
      const navigation = spans.find((s) => s.name === 'navigation' && s.attributes['navigation.type'].value === 'push');
      assert.ok(navigation, `a navigation span from instrumentation-client.ts: ${JSON.stringify(names)}`);
      assert.equal(navigation.scope.name, 'greptime-web-telemetry/next');
      assert.equal(navigation.attributes['url.path'].value, '/about');
      assert.equal(navigation.attributes['url.full'].value, `${url}/about`);
      assert.equal(navigation.attributes['navigation.type'].value, 'push');
      assert.equal(navigation.attributes['navigation.from'].value, '/');
      assert.ok(BigInt(navigation.duration_nano) > 0n);
      assert.equal(navigation.service_name, 'nextjs-example-web');
      const back = spans.find((s) => s.name === 'navigation' && s.attributes['navigation.type'].value === 'traverse');
      assert.ok(back, 'the back button is a navigation too');
      assert.equal(back.attributes['url.path'].value, '/');
      assert.equal(back.attributes['navigation.from'].value, '/about');
      // The browser signals' browser.navigation events of the same route changes join those spans' traces.
      const navEvents = (await receiver.logs()).filter((l) => l.event_name === 'browser.navigation' && l.attributes['browser.navigation.same_document'].value);
      const pushEvent = navEvents.find((l) => l.attributes['url.full'].value === `${url}/about`);
      assert.ok(pushEvent, `a browser.navigation event for /about: ${JSON.stringify(navEvents.map((l) => l.attributes['url.full'].value))}`);
      assert.equal(pushEvent.attributes['browser.navigation.type'].value, 'push');
      assert.equal(pushEvent.trace_id, navigation.trace_id);
      assert.equal(pushEvent.span_id, navigation.span_id);
      assert.equal(pushEvent.attributes['session.id'].value, navigation.attributes['session.id'].value);
      const ms = (s) => (Number(s.duration_nano) / 1e6).toFixed(1);
      console.log(`# ${bundler}: navigation push ${ms(navigation)} ms, traverse ${ms(back)} ms, greeting fetch ${ms(fetchSpan)} ms`);

      const points = await receiver.metrics();
      assert.ok(points.some((p) => p.name === 'react.callback.calls' && p.attributes['callback.name']?.value === 'load greeting'), 'metrics arrive too');
      await page.close();
      recordResults({ [setup.name]: { label: setup.label, status: 'works', bytes: shipped.raw, gzip: shipped.gzip } });
    });
  });
}

test('next dev (Turbopack): the page renders from the server layout and a span arrives', async () => {
  await receiver.reset();
  await withNext(['dev'], async (url) => {
    const { page, pageErrors } = await openApp(url);
    await page.getByRole('button', { name: 'Greet' }).click();
    await page.locator('#greeting').waitFor();
    // The page load trace (rum.documentLoad) may come in a request of its own before the click's.
    let spans = [];
    for (const deadline = Date.now() + 15000; !spans.some((s) => s.name === 'click greet') && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 200));
      spans = await receiver.spans();
    }
    assert.ok(spans.some((s) => s.name === 'click greet'), JSON.stringify(spans.map((s) => s.name)));
    assert.deepEqual(pageErrors, []);
    await page.close();
  });
});

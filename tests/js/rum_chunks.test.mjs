// The browser signals stay out of the initial chunk: each module (dist/rum/*.js) is reached only
// by a dynamic import, so a bundler puts it (and web-vitals) in a chunk of its own that loads
// when the signal is enabled. Measured on the built package with esbuild (minified, as
// scripts/print-sizes.mjs does); prints each signal's gzip bytes and checks a budget, and that
// starting a signal outside a browser (SSR, Node) returns a stop function without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { DIST } from './load_core.mjs';

/** gzip budget per signal (what enabling it adds), bytes: measured 7824, 1746, 2366 (2026-11-30; each counts the small chunk the three share), plus headroom. */
const BUDGET = { web_vitals: 8500, long_animation_frames: 1900, user_actions: 2700 };

async function chunks(entrySource) {
  const dir = mkdtempSync(join(tmpdir(), 'gwt-rum-chunks-'));
  try {
    writeFileSync(join(dir, 'entry.js'), entrySource);
    const result = await build({ entryPoints: [join(dir, 'entry.js')], bundle: true, minify: true, format: 'esm', splitting: true, platform: 'browser', outdir: join(dir, 'out'), write: false, logLevel: 'silent', metafile: true });
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('each signal is its own lazily loaded chunk; the initial chunk holds none of them', async () => {
  const signals = Object.keys(BUDGET);
  const result = await chunks(
    `import { initTelemetry } from ${JSON.stringify(`${DIST}index.js`)};\nwindow.t = initTelemetry;\n` +
      signals.map((s) => `window.${s} = () => import(${JSON.stringify(`${DIST}rum/${s}.js`)});`).join('\n'),
  );
  const outputs = result.metafile.outputs;
  const entry = Object.entries(outputs).find(([, o]) => o.entryPoint?.endsWith('entry.js'));
  const entryInputs = Object.keys(entry[1].inputs);
  for (const s of signals) assert.ok(!entryInputs.some((i) => i.includes(`rum/${s}`)), `${s} is not in the initial chunk`);
  assert.ok(!entryInputs.some((i) => i.includes('web-vitals')), 'web-vitals is not in the initial chunk');
  // What loading a chunk pulls in: it and its static imports, transitively.
  const closure = (path, into = new Set()) => {
    if (into.has(path)) return into;
    into.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement') closure(i.path, into);
    return into;
  };
  const initial = closure(entry[0]);
  const gzipOf = (path) => gzipSync(Buffer.from(result.outputFiles.find((f) => f.path.endsWith(`/${path.split('/').pop()}`)).contents), { level: 9 }).length;
  const sizes = {};
  for (const s of signals) {
    const [path] = Object.entries(outputs).find(([, o]) => o.entryPoint?.endsWith(`rum/${s}.js`));
    // The signal's chunk and the chunks it needs that the initial chunk has not loaded already.
    sizes[s] = [...closure(path)].filter((p) => !initial.has(p)).reduce((sum, p) => sum + gzipOf(p), 0);
    assert.ok(sizes[s] <= BUDGET[s], `${s}: ${sizes[s]} B gzip, budget ${BUDGET[s]} B`);
  }
  console.log(`[rum] gzip bytes each signal adds when enabled (its chunk, minified): ${JSON.stringify(sizes)}`);
});

test('outside a browser, start() records nothing, never throws, and returns a stop function', async (t) => {
  const calls = [];
  const warnings = [];
  const original = console.warn;
  console.warn = (m) => warnings.push(String(m));
  t.after(() => (console.warn = original));
  const telemetry = new Proxy({}, { get: (_t, key) => () => calls.push(key) });
  for (const s of Object.keys(BUDGET)) {
    const { start } = await import(`${DIST}rum/${s}.js`);
    const stop = start(telemetry, {});
    assert.equal(typeof stop, 'function', s);
    stop();
  }
  assert.deepEqual(calls, [], 'no logger, meter or tracer was even asked for');
  assert.deepEqual(warnings, [], 'and nothing said: not a browser is not a problem');
});

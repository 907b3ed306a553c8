// Shipped size, as a user's bundler ships it (esbuild, minified, ESM, browser, all chunks,
// the .wasm included), ours next to OpenTelemetry JS, in the same run. Run after
// scripts/build-package.sh (bash scripts/bench.sh does both).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, installPackedTarball } from '../tests/e2e/harness.mjs';
import { add, bundleAndMeasure } from '../scripts/size-measure.mjs';
import { ENTRIES } from './stacks.mjs';

const work = join(ROOT, 'build/bench-sizes');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
writeFileSync(join(work, 'package.json'), '{"private":true}');
installPackedTarball(work);

const sizes = {};
for (const [name, source] of Object.entries(ENTRIES)) {
  const file = join(work, `${name.replace(/[/+]/g, '_')}.js`);
  writeFileSync(file, source);
  // gzip/brotli per chunk, as a server sends each file (scripts/size-measure.mjs, as the budgets).
  const { files, metafile } = await bundleAndMeasure(file, {
    outdir: join(work, 'out', name.replace(/[/+]/g, '_')),
    logLevel: 'error',
    metafile: true,
    absWorkingDir: work,
    nodePaths: [join(work, 'node_modules'), join(ROOT, 'node_modules')],
  });
  // Ours: the browser signals' chunks (rum/*, on by default, each loaded only when enabled)
  // are counted apart, as the core's size budget does; OpenTelemetry's setups have none.
  const total = { raw: 0, gzip: 0, brotli: 0, files: 0 };
  const signals = { raw: 0, gzip: 0, brotli: 0, files: 0 };
  // A browser-signal chunk: one whose import() loads a module of dist/rum/, or, split out of
  // several, whose modules are all the signals' (as scripts/size-measure.mjs decides).
  const rumChunk = (f) => {
    const meta = metafile.outputs[relative(work, f.path)];
    const inputs = meta?.entryPoint ? [meta.entryPoint] : Object.keys(meta?.inputs ?? {});
    return inputs.length > 0 && inputs.every((p) => p.includes('/dist/rum/'));
  };
  // A page loads the inlined module or, with `wasmUrl`, the compiler of the served one, never
  // both: the larger of the two is counted, as the budgets' "all chunks" does.
  const wasmWays = files.filter((f) => /^(inline_wasm|wasm_fetch)-[A-Z0-9]+\.js$/.test(f.path.split('/').pop()));
  const unloaded = wasmWays.length === 2 ? wasmWays.reduce((a, b) => (a.sizes.gzip < b.sizes.gzip ? a : b)) : undefined;
  for (const f of files) {
    if (f === unloaded) continue;
    const into = rumChunk(f) ? signals : total;
    Object.assign(into, add(into, f.sizes), { files: into.files + 1 });
  }
  sizes[name] = total;
  if (signals.files > 0) sizes[`${name} (+ browser signals)`] = { ...add(total, signals), files: total.files + signals.files };
}
rmSync(work, { recursive: true, force: true });

const versions = ['sdk-trace', 'exporter-trace-otlp-proto', 'sdk-metrics', 'exporter-metrics-otlp-proto', 'sdk-logs']
  .map((p) => `${p} ${JSON.parse(readFileSync(join(ROOT, 'node_modules/@opentelemetry', p, 'package.json'), 'utf8')).version}`)
  .join(', ');
const row = (name) => {
  const s = sizes[name];
  return `  ${name.padEnd(36)} ${String(s.raw).padStart(8)} raw ${String(s.gzip).padStart(8)} gzip ${String(s.brotli).padStart(8)} brotli  (${s.files} files)`;
};
console.log(`Shipped size, esbuild minified ESM for the browser, all chunks (OpenTelemetry: ${versions}):`);
for (const name of Object.keys(sizes)) console.log(row(name));
const ratio = (a, b, k) => (sizes[a][k] / sizes[b][k]).toFixed(2);
for (const [ours, theirs] of [
  ['ours/traces', 'opentelemetry/traces'],
  ['ours/traces+metrics+logs', 'opentelemetry/traces+metrics'],
  ['ours/traces+metrics+logs', 'opentelemetry/traces+metrics+logs'],
]) {
  console.log(`  ratio ${ours} / ${theirs}: raw ${ratio(ours, theirs, 'raw')}, gzip ${ratio(ours, theirs, 'gzip')}, brotli ${ratio(ours, theirs, 'brotli')}`);
}

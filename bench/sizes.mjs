// Shipped size, as a user's bundler ships it (esbuild, minified, ESM, browser, all chunks,
// the .wasm included), ours next to OpenTelemetry JS, in the same run. Run after
// scripts/build-package.sh (bash scripts/bench.sh does both).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, installPackedTarball } from '../tests/e2e/harness.mjs';
import { add, bundleAndMeasure, lazyChunk } from '../scripts/size-measure.mjs';
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
  // Each chunk counted as the budgets count it (scripts/size-measure.mjs lazyChunk): the browser
  // signals' apart, and of the inlined module and the `wasmUrl` compiler, which a page loads one
  // of, the larger.
  const dist = join(work, 'node_modules/greptime-web-telemetry/dist');
  let wasmWay;
  for (const f of files) {
    const { kind } = lazyChunk(metafile.outputs[relative(work, f.path)], dist, work);
    if (kind === 'wasm') {
      if (!wasmWay || f.sizes.gzip > wasmWay.gzip) wasmWay = f.sizes;
      continue;
    }
    const into = kind === 'rum' ? signals : total;
    Object.assign(into, add(into, f.sizes), { files: into.files + 1 });
  }
  if (wasmWay) Object.assign(total, add(total, wasmWay), { files: total.files + 1 });
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

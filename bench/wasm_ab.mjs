// Two builds' WASM cores side by side in one Node process, on the same records: ingest (records
// → OTLP span bytes) and takeRequest (the envelope), per span, and the linear memory after.
// Rounds alternate the builds, so a busy machine slows both alike; that is what makes a change
// of toolchain or flags measurable here when a page-level A/B (bench/speed.mjs BENCH_BASELINE)
// is lost in noise. Only the .wasm differs between what is compared: both sides use this
// checkout's JS to write the records, so the builds must share the record format.
//   node bench/wasm_ab.mjs <baseline .tgz or dist/> [<other .tgz or dist/>, default build/pkg/dist]
// Env: AB_ROUNDS (default 40), AB_SPANS (default 10000).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROUNDS = Number(process.env.AB_ROUNDS || 40);
const SPANS = Number(process.env.AB_SPANS || 10000);
const BATCH = 512; // spans per request, as bench/speed.mjs
const CHUNK = 64; // spans per chunk, as the SDK hands them over
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** A dist/ directory: `path` itself, or the package inside a packed .tgz. */
function distOf(path) {
  if (statSync(path).isDirectory()) return resolve(path);
  const dir = mkdtempSync(join(tmpdir(), 'wasm-ab-'));
  execFileSync('tar', ['-xzf', path, '-C', dir]);
  return join(dir, 'package/dist');
}

/** A fresh core of that build's module (its own glue: one instance per file). */
async function coreMaker(dist) {
  const glue = await import(pathToFileURL(join(dist, 'wasm/greptime_web_telemetry.js')).href);
  const { WASM_DEFLATE_BASE64 } = await import(pathToFileURL(join(dist, 'wasm/inline_wasm.js')).href);
  const { memory } = glue.initSync({ module: inflateRawSync(Buffer.from(WASM_DEFLATE_BASE64, 'base64')) });
  return { make: () => new glue.TelemetryCore(coreLimits(settings), resource, Date.now()), memory };
}

const own = join(HERE, '../build/pkg/dist/');
const { RecordWriter } = await import(join(own, 'wire/record_writer.js'));
const { TracerImpl } = await import(join(own, 'trace/tracer.js'));
const { DEFAULT_SPAN_LIMITS } = await import(join(own, 'trace/limits.js'));
const { Diagnostics } = await import(join(own, 'runtime/diagnostics.js'));
const { resolveConfig } = await import(join(own, 'config/resolve.js'));
const { coreLimits } = await import(join(own, 'config/core_args.js'));
const { resourceAttributes } = await import(join(own, 'config/resource.js'));

const { settings } = resolveConfig({ endpoint: 'http://127.0.0.1:4000', serviceName: 'wasm-ab', batch: { maxQueueSize: 20000, maxExportBatchSize: BATCH } });
const resource = new RecordWriter().encodeAttributes(resourceAttributes(settings, { userAgent: 'UA', language: 'en', pageUrl: 'http://page/', instanceId: '' }));

// The benchmark's span shape (bench/speed.page.js), written once into chunks both builds read.
const spans = [];
const host = { limits: DEFAULT_SPAN_LIMITS, diag: new Diagnostics(), recording: true, spansStarted: 0, sampleRatio: 1, onEnd: (s) => spans.push(s) };
const tracer = new TracerImpl(host, 'bench', '');
for (let i = 0; i < SPANS; i++) {
  const span = tracer.startSpan('GET /api/items');
  span.setAttribute('http.route', '/api/items');
  span.setAttribute('user.tier', 'gold');
  span.setAttribute('http.response.status_code', 200);
  span.setAttribute('cache.ratio', 0.75);
  span.setAttribute('cache.hit', true);
  if (i % 10 === 0) span.addEvent('checkpoint');
  span.end();
}
const writer = new RecordWriter();
const chunks = [];
for (let i = 0; i < SPANS; i += CHUNK) {
  for (let j = i; j < Math.min(i + CHUNK, SPANS); j++) writer.writeSpan(spans[j]);
  chunks.push(writer.take().slice());
}

/** One pass on a fresh core: µs per span for ingest and for takeRequest, and the bytes out. */
function pass(side) {
  const core = side.make();
  let ingest = 0;
  let request = 0;
  let bytes = 0;
  for (let c = 0; c < chunks.length; c++) {
    const a = performance.now();
    core.ingest(0, chunks[c]);
    const b = performance.now();
    ingest += b - a;
    if ((c + 1) % (BATCH / CHUNK) === 0 || c === chunks.length - 1) {
      bytes += core.takeRequest(0, 0).byteLength;
      request += performance.now() - b;
    }
  }
  core.free();
  return { ingest: (1000 * ingest) / SPANS, request: (1000 * request) / SPANS, bytes };
}

const [baselinePath, otherPath = own] = process.argv.slice(2);
if (!baselinePath) throw new Error('usage: node bench/wasm_ab.mjs <baseline .tgz or dist/> [<other .tgz or dist/>]');
const sides = { baseline: await coreMaker(distOf(baselinePath)), ours: await coreMaker(distOf(otherPath)) };
const runs = { baseline: [], ours: [] };
const first = { baseline: pass(sides.baseline), ours: pass(sides.ours) };
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r % 2 ? ['ours', 'baseline'] : ['baseline', 'ours']) runs[name].push(pass(sides[name]));
}
if (first.ours.bytes !== first.baseline.bytes) console.log(`note: the builds wrote different bytes (${first.ours.bytes} and ${first.baseline.bytes})`);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const f = (x) => x.toFixed(3);
console.log(`${SPANS} spans per pass, ${ROUNDS} warm passes each, alternating; µs per span, median (first pass):`);
for (const stage of ['ingest', 'request']) {
  const o = median(runs.ours.map((x) => x[stage]));
  const b = median(runs.baseline.map((x) => x[stage]));
  const ratios = runs.ours.map((x, i) => x[stage] / runs.baseline[i][stage]);
  console.log(`  ${stage.padEnd(8)} ours ${f(o)} (${f(first.ours[stage])})   baseline ${f(b)} (${f(first.baseline[stage])})   ours / baseline, median of the rounds' ratios ${median(ratios).toFixed(2)}`);
}
console.log(`  WASM memory after the passes: ours ${sides.ours.memory.buffer.byteLength} B, baseline ${sides.baseline.memory.buffer.byteLength} B`);

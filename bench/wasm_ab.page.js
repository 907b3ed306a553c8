// The measurement of bench/wasm_ab.mjs, run as it is in Node or in a page: two builds' WASM
// cores on the same records, rounds alternating. `baseline` and `ours` are URLs of two dist/
// directories (file: in Node, http: in a page); the records are written by `ours`' JS.
// `inflate(bytes)` inflates the raw deflate stream of an inlined module (Node's zlib, or the
// browser's DecompressionStream).

import { makeSpans } from './bench_spans.js';

const BATCH = 512; // spans per request, as bench/speed.mjs
const CHUNK = 64; // spans per chunk, as the SDK hands them over

/** A fresh core of that build's module (its own glue: one instance per URL). */
async function coreMaker(dist, inflate, newArgs) {
  const glue = await import(new URL('wasm/greptime_web_telemetry.js', dist).href);
  const { WASM_DEFLATE_BASE64 } = await import(new URL('wasm/inline_wasm.js', dist).href);
  const deflated = Uint8Array.from(atob(WASM_DEFLATE_BASE64), (c) => c.charCodeAt(0));
  const { memory } = glue.initSync({ module: await inflate(deflated) });
  return { make: () => new glue.TelemetryCore(...newArgs()), memory };
}

/** The benchmark's span shape (bench/speed.page.js), written into chunks as the SDK hands them over. */
async function recordChunks(ours, spanCount) {
  const load = (path) => import(new URL(path, ours).href);
  const { RecordWriter } = await load('wire/record_writer.js');
  const { TracerImpl } = await load('trace/tracer.js');
  const { DEFAULT_SPAN_LIMITS } = await load('trace/limits.js');
  const { Diagnostics } = await load('runtime/diagnostics.js');
  const spans = [];
  const host = { limits: DEFAULT_SPAN_LIMITS, diag: new Diagnostics(), recording: true, spansStarted: 0, sampleRatio: 1, onEnd: (s) => spans.push(s) };
  const tracer = new TracerImpl(host, 'bench', '');
  makeSpans(tracer, spanCount);
  const writer = new RecordWriter();
  const chunks = [];
  for (let i = 0; i < spanCount; i += CHUNK) {
    for (let j = i; j < Math.min(i + CHUNK, spanCount); j++) writer.writeSpan(spans[j]);
    chunks.push(writer.take().slice());
  }
  return chunks;
}

/** The arguments `new TelemetryCore(...)` takes, as initTelemetry builds them. */
async function coreArgs(ours) {
  const load = (path) => import(new URL(path, ours).href);
  const { RecordWriter } = await load('wire/record_writer.js');
  const { resolveConfig } = await load('config/resolve.js');
  const { coreLimits } = await load('config/core_args.js');
  const { resourceAttributes } = await load('config/resource.js');
  const { settings } = resolveConfig({ endpoint: 'http://127.0.0.1:4000', serviceName: 'wasm-ab', batch: { maxQueueSize: 20000, maxExportBatchSize: BATCH } });
  const resource = new RecordWriter().encodeAttributes(resourceAttributes(settings, { userAgent: 'UA', language: 'en', pageUrl: 'http://page/', instanceId: '' }));
  return () => [coreLimits(settings), resource, Date.now()];
}

/**
 * One pass on a fresh core: µs per span for ingest, for takeRequest and for the whole pass, and
 * the bytes out. `total` is one timing of the pass: where timers are coarse (Firefox rounds
 * `performance.now()` to a millisecond here, Chromium to 0.1 ms), the sums of per-chunk timings
 * are too, and only `total`, with enough spans per pass, is worth reading.
 */
function pass(side, chunks, spanCount) {
  const core = side.make();
  const start = performance.now();
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
  const total = performance.now() - start;
  core.free();
  return { ingest: (1000 * ingest) / spanCount, request: (1000 * request) / spanCount, total: (1000 * total) / spanCount, bytes };
}

/**
 * Runs a first pass on each side, then `rounds` rounds alternating which side goes first.
 * Returns `{ first, runs, memoryBytes }`, each keyed by 'baseline' and 'ours'.
 */
export async function runAb(baseline, ours, { rounds, spans, inflate }) {
  const newArgs = await coreArgs(ours);
  const sides = { baseline: await coreMaker(baseline, inflate, newArgs), ours: await coreMaker(ours, inflate, newArgs) };
  const chunks = await recordChunks(ours, spans);
  const first = { baseline: pass(sides.baseline, chunks, spans), ours: pass(sides.ours, chunks, spans) };
  const runs = { baseline: [], ours: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? ['ours', 'baseline'] : ['baseline', 'ours']) runs[name].push(pass(sides[name], chunks, spans));
  }
  return { first, runs, memoryBytes: { baseline: sides.baseline.memory.buffer.byteLength, ours: sides.ours.memory.buffer.byteLength } };
}

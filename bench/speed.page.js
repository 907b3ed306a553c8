// The speed benchmark page: the same work on greptime-web-telemetry and on OpenTelemetry JS
// (current web stack, protobuf exporters), both exporting to the local receiver.
import { initTelemetry, startTelemetry } from 'greptime-web-telemetry';
import { TracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
// Ours, below the public API, for the pure encode measurement (same package files).
import { RecordWriter } from '../build/pkg/dist/wire/record_writer.js';
import { loadCore } from '../build/pkg/dist/runtime/wasm_loader.js';
import { TracerImpl } from '../build/pkg/dist/trace/tracer.js';
import { makeSpans } from './bench_spans.js';
import { DEFAULT_SPAN_LIMITS } from '../build/pkg/dist/trace/limits.js';
import { Diagnostics } from '../build/pkg/dist/runtime/diagnostics.js';
import { resolveConfig } from '../build/pkg/dist/config/resolve.js';
import { coreLimits } from '../build/pkg/dist/config/core_args.js';
import { resourceAttributes } from '../build/pkg/dist/config/resource.js';
import { ourConfig } from './our_config.js';
import { otelSetup, resource } from './otel_setup.js';

const SPANS = 10000;
const BATCH = 512;

async function setup(sdk, endpoint, compression) {
  if (sdk === 'ours') {
    const t = await initTelemetry(ourConfig(endpoint, compression, BATCH));
    if (!t.enabled) throw new Error('telemetry did not start');
    return { tracer: t.tracer, meter: t.meter, flush: () => t.forceFlush(), wasmBytes: () => t.stats().wasmMemoryBytes };
  }
  return otelSetup(endpoint, BATCH);
}

/**
 * S1: 10,000 spans; ms to set the SDK up (ours: initTelemetry, WASM init included), to create
 * them, from flush to every export acknowledged, and our WASM memory afterwards (it never shrinks, and the JS heap figure does not include it).
 */
window.runS1 = async (sdk, endpoint, compression) => {
  const setupMs = await window.setupS1(sdk, endpoint, compression);
  return { setupMs, ...(await window.createAndFlushS1()) };
};

/** S1 in two steps, so that bench/profile_flush.mjs can profile the second alone. */
let s1;
window.setupS1 = async (sdk, endpoint, compression) => {
  const t = performance.now();
  s1 = await setup(sdk, endpoint, compression);
  return performance.now() - t;
};
window.createAndFlushS1 = async () => {
  const { tracer, flush, wasmBytes } = s1;
  const t0 = performance.now();
  makeSpans(tracer, SPANS);
  const createMs = performance.now() - t0;
  window.__afterCreate = true;
  const t1 = performance.now();
  await flush();
  return { createMs, flushMs: performance.now() - t1, wasmMb: wasmBytes() / 1048576 };
};

/**
 * Setup in a fresh page, as an app's first call pays it. `handleMs`: until the app holds a
 * handle it can record with (ours: `startTelemetry` returned, the core still loading;
 * OpenTelemetry: providers, processors, exporters and reader constructed). `readyMs`: until
 * the handle exports (ours: `ready` resolved, the same moment `await initTelemetry` returns,
 * including fetching the lazily loaded core chunk; OpenTelemetry: the same construction, its
 * code being all in the page's bundle). The page then idles 100 ms, so that work an SDK put
 * off (timers, IndexedDB) is counted in the main-thread figure speed.mjs reads around this.
 */
window.runSetup = async (sdk, endpoint) => {
  const t0 = performance.now();
  let handleMs;
  if (sdk === 'ours') {
    const t = startTelemetry(ourConfig(endpoint));
    handleMs = performance.now() - t0;
    if (!(await t.ready).enabled) throw new Error('telemetry did not start');
  } else {
    await setup(sdk, endpoint);
    handleMs = performance.now() - t0;
  }
  const readyMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 100));
  return { handleMs, readyMs };
};

/** S2: 100,000 recordings over 10 attribute sets on a counter and a histogram, then export. */
window.runS2 = async (sdk, endpoint) => {
  const { meter, flush } = await setup(sdk, endpoint);
  const counter = meter.createCounter('bench.requests');
  const histogram = meter.createHistogram('bench.latency', { unit: 'ms' });
  const sets = Array.from({ length: 10 }, (_, i) => ({ 'http.route': `/api/r${i}`, status: 'ok' }));
  const t0 = performance.now();
  for (let i = 0; i < 50000; i++) {
    counter.add(1, sets[i % 10]);
    histogram.record(i % 700, sets[i % 10]);
  }
  const recordMs = performance.now() - t0;
  const t1 = performance.now();
  await flush();
  return { recordMs, exportMs: performance.now() - t1 };
};

/** Ours: ended spans → records (JS) → OTLP span bytes (WASM ingest) → requests, on a fresh core. */
async function encodeOurs(spans) {
  const { TelemetryCore } = await loadCore();
  // The core as initTelemetry builds it: its limits and the resource it writes into every request.
  const { settings } = resolveConfig({ endpoint: 'http://x', serviceName: 'ours-bench', batch: { maxQueueSize: 20000, maxExportBatchSize: BATCH } });
  const facts = { userAgent: navigator.userAgent, language: navigator.language, pageUrl: location.origin + location.pathname, instanceId: crypto.randomUUID() };
  const core = new TelemetryCore(coreLimits(settings), new RecordWriter().encodeAttributes(resourceAttributes(settings, facts)), Date.now());
  const writer = new RecordWriter();
  const t0 = performance.now();
  let bytes = 0;
  // The three stages, timed apart so the closing note can say where the time goes.
  let writeMs = 0;
  let ingestMs = 0;
  for (let i = 0; i < spans.length; i += BATCH) {
    const a = performance.now();
    for (let j = i; j < Math.min(i + BATCH, spans.length); j++) writer.writeSpan(spans[j]);
    const chunk = writer.take();
    const b = performance.now();
    core.ingest(0, chunk);
    ingestMs += performance.now() - b;
    writeMs += b - a;
    bytes += core.takeRequest(0, 0).byteLength;
  }
  const ms = performance.now() - t0;
  core.free();
  return { ms, bytes, writeMs, ingestMs, requestMs: ms - writeMs - ingestMs };
}

function encodeOpenTelemetry(spans) {
  const t0 = performance.now();
  let bytes = 0;
  for (let i = 0; i < spans.length; i += BATCH) bytes += ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + BATCH)).byteLength;
  return { ms: performance.now() - t0, bytes };
}

const WARM_PASSES = 5;

/**
 * Encoding only: ms to turn 10,000 ended spans into OTLP protobuf request bytes. `first` is the
 * first pass in a fresh page (the code still being compiled: JS tiers up, WASM starts in V8's
 * baseline compiler); `warm` is the median of the next passes over the same spans, as a
 * long-running page encodes.
 */
window.runEncode = async (sdk) => {
  let spans;
  let encode;
  if (sdk === 'ours') {
    spans = [];
    const host = { limits: DEFAULT_SPAN_LIMITS, diag: new Diagnostics(), recording: true, spansStarted: 0, sampleRatio: 1, onEnd: (s) => spans.push(s) };
    makeSpans(new TracerImpl(host, 'bench', ''), SPANS);
    encode = encodeOurs;
  } else {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 20000, maxExportBatchSize: SPANS, scheduledDelayMillis: 3600000 })] });
    makeSpans(provider.getTracer('bench'), SPANS);
    await provider.forceFlush();
    spans = exporter.getFinishedSpans();
    encode = encodeOpenTelemetry;
  }
  const first = await encode(spans);
  const passes = [];
  for (let i = 0; i < WARM_PASSES; i++) passes.push(await encode(spans));
  const median = (key) => passes.map((p) => p[key]).sort((a, b) => a - b)[WARM_PASSES >> 1];
  const warm = Object.fromEntries(Object.keys(first).map((key) => [key, median(key)]));
  return { first, warm };
};

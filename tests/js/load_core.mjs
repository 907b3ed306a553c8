// Loads the built package's modules and WASM core in Node (no browser needed for pipeline logic).
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../build/pkg/dist/', import.meta.url));
const core = await import(`${DIST}wasm/greptime_web_telemetry.js`);
const { WASM_DEFLATE_BASE64 } = await import(`${DIST}wasm/inline_wasm.js`);
core.initSync({ module: inflateRawSync(Buffer.from(WASM_DEFLATE_BASE64, 'base64')) });

export const { TelemetryCore } = core;
const { TelemetrySdk: Sdk } = await import(`${DIST}telemetry.js`);
/** The pipelines' chunk, which `openCore` loads with the core. */
export const pipelines = await import(`${DIST}export/pipelines.js`);
/** `TelemetrySdk` over a given core, with the pipelines' module as `openCore` passes it. */
export class TelemetrySdk extends Sdk {
  constructor(core, settings, transport, config, open) {
    super(core, settings, transport, config, open, pipelines);
  }
}
export const { RecordWriter, MAX_INTERNED_STRINGS } = await import(`${DIST}wire/record_writer.js`);
export const { newAttributeList, putAttribute, putAttributes } = await import(`${DIST}trace/attributes.js`);
export const { Diagnostics } = await import(`${DIST}runtime/diagnostics.js`);
export const { Sender, deliverySettings, retryDelay } = await import(`${DIST}export/sender.js`);
const { CoreHandle: Handle } = await import(`${DIST}export/core_handle.js`);
/** `CoreHandle` that warns of the core's problems, as once the pipelines are attached. */
export class CoreHandle extends Handle {
  constructor(core, settings) {
    super(core, settings);
    this.services = pipelines.coreServices;
  }
}
export const { coreStats } = await import(`${DIST}export/core_stats.js`);
export const { resolveConfig } = await import(`${DIST}config/resolve.js`);
const { coreLimits } = await import(`${DIST}config/core_args.js`);
const { resourceAttributes } = await import(`${DIST}config/resource.js`);

/** A core built as initTelemetry builds it, from a validated configuration (also on `core.settings`). */
export function newCore(extra = {}) {
  const { settings, error } = resolveConfig({ endpoint: 'http://127.0.0.1:4000', serviceName: 'node-test', ...extra });
  if (!settings) throw new Error(error);
  const resource = resourceAttributes(settings, { userAgent: 'UA', language: 'en', pageUrl: 'http://page/', instanceId: '' });
  const core = new TelemetryCore(coreLimits(settings), new RecordWriter().encodeAttributes(resource), Date.now());
  core.settings = settings;
  return core;
}

/** An encoded trace request from `core`: `n` spans, each with a `bytes`-long attribute if given. */
export function encodedSpans(core, n, bytes = 0) {
  const writer = new RecordWriter();
  for (let i = 0; i < n; i++) {
    const attributes = newAttributeList();
    if (bytes) {
      attributes.keys.push('blob');
      attributes.values.push(`${i}:${'x'.repeat(bytes)}`);
    }
    writer.writeSpan({
      t0: 1, t1: 2, t2: 3, t3: 4, s0: 5, s1: i + 1, p0: 0, p1: 0, traceFlags: 1, kind: 0, name: `s${i}`,
      scopeName: 'test', scopeVersion: '', traceState: '', startMs: 1.7e12, endMs: 1.7e12 + 1,
      statusCode: 0, statusMessage: '', attributes, events: undefined, droppedEvents: 0, links: undefined, droppedLinks: 0,
    });
  }
  core.ingest(0, writer.take());
  return core.takeRequest(0, 0);
}

/** The SDK over a new core (`newCore(extra)`), exporting through `transport`. */
export function newSdk(extra = {}, transport) {
  const core = newCore(extra);
  return new TelemetrySdk(core, core.settings, transport);
}

/**
 * A transport that records requests and answers from a list (default 200). An entry is a
 * status, or `{ status, retryAfter, body }`.
 */
export function fakeTransport(answers = []) {
  const calls = [];
  const transport = async (url, headers, body, timeoutMillis, keepalive) => {
    calls.push({ url, headers, body, bytes: body.byteLength, timeoutMillis, keepalive });
    await new Promise((r) => setTimeout(r, 5));
    const answer = answers.length ? answers.shift() : 200;
    const { status, retryAfter = null, body: text = '' } = typeof answer === 'number' ? { status: answer } : answer;
    return { status, body: new TextEncoder().encode(text), retryAfter };
  };
  return { transport, calls };
}

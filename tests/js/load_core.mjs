// Loads the built package's modules and WASM core in Node (no browser needed for pipeline logic).
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../build/pkg/dist/', import.meta.url));
const core = await import(`${DIST}wasm/greptime_web_telemetry.js`);
const { WASM_DEFLATE_BASE64 } = await import(`${DIST}wasm/inline_wasm.js`);
core.initSync({ module: inflateRawSync(Buffer.from(WASM_DEFLATE_BASE64, 'base64')) });

export const { TelemetryCore } = core;
export const { TelemetrySdk } = await import(`${DIST}telemetry.js`);
export const { RecordWriter, MAX_INTERNED_STRINGS } = await import(`${DIST}wire/record_writer.js`);
export const { newAttributeList, putAttribute, putAttributes } = await import(`${DIST}trace/attributes.js`);
export const { Diagnostics } = await import(`${DIST}runtime/diagnostics.js`);

export function newCore(extra = {}) {
  return new TelemetryCore({ endpoint: 'http://127.0.0.1:4000', serviceName: 'node-test', ...extra }, 'UA', 'en', 'http://page/', Date.now());
}

/** A transport that records requests and answers from a list of statuses (default 200). */
export function fakeTransport(statuses = []) {
  const calls = [];
  const transport = async (url, headers, body, timeoutMillis, keepalive) => {
    calls.push({ url, headers, bytes: body.byteLength, timeoutMillis, keepalive });
    await new Promise((r) => setTimeout(r, 5));
    return { status: statuses.length ? statuses.shift() : 200, body: new Uint8Array() };
  };
  return { transport, calls };
}

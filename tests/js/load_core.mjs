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
export const { Sender, deliverySettingsFromCore, retryDelay } = await import(`${DIST}export/sender.js`);
export const { CoreHandle } = await import(`${DIST}export/core_handle.js`);

export function newCore(extra = {}) {
  return new TelemetryCore({ endpoint: 'http://127.0.0.1:4000', serviceName: 'node-test', ...extra }, 'UA', 'en', 'http://page/', Date.now());
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

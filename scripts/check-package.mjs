// Loads the built package's WASM core in Node and runs one span chunk through it: fails the
// build when the module cannot instantiate (e.g. a broken wasm-opt) or the core misbehaves.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const dir = resolve(process.argv[2]);
const core = await import(pathToFileURL(join(dir, 'dist/wasm/greptime_web_telemetry.js')).href);
const { WASM_DEFLATE_BASE64, WASM_BYTES } = await import(pathToFileURL(join(dir, 'dist/wasm/inline_wasm.js')).href);
const wasm = inflateRawSync(Buffer.from(WASM_DEFLATE_BASE64, 'base64'));
if (wasm.length !== WASM_BYTES) throw new Error('inlined module has the wrong size');
// The module shipped as a file for `wasmUrl` must be the inlined one, stamped with the glue's build id.
const { WASM_BUILD_ID, WASM_BUILD_SECTION } = await import(pathToFileURL(join(dir, 'dist/wasm/wasm_build_id.js')).href);
if (!readFileSync(join(dir, 'dist/wasm/greptime_web_telemetry_bg.wasm')).equals(wasm)) throw new Error('dist/wasm/greptime_web_telemetry_bg.wasm differs from the inlined module');
const [stamp] = WebAssembly.Module.customSections(new WebAssembly.Module(wasm), WASM_BUILD_SECTION);
if (!stamp || Buffer.from(stamp).toString() !== WASM_BUILD_ID) throw new Error('the module lacks its build id');
await core.default({ module_or_path: wasm });
const c = new core.TelemetryCore(Uint32Array.of(2048, 512, 2048, 512, 2000, 0), Uint8Array.of(0, 0), Date.now());
if (c.takeRequest(0, Date.now()) !== undefined) throw new Error('empty queue produced a request');
// The configuration is validated in JS before the core is built (js/config/).
const { resolveConfig } = await import(pathToFileURL(join(dir, 'dist/config/resolve.js')).href);
const report = resolveConfig({ endpoint: 'localhost:4000' });
if (report.settings || !/not an http\(s\) URL/.test(report.error)) throw new Error('a bad endpoint was not rejected with a clear message');
c.free();
console.log('[build] package check: WASM core loads; configuration is validated');

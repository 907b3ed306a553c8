/**
 * What loads with the WASM core, as one chunk: the wasm-bindgen glue (wasm/) and the pipelines
 * with the configuration's validator (export/pipelines.ts). Both are needed at the same moment,
 * so one request instead of two. Re-exported by name rather than as namespaces, which would add
 * a bundler helper to the initial chunk. The inlined module stays a chunk of its own: apps that
 * serve the `.wasm` (`wasmUrl`) never fetch it. The single-file build has both already
 * (runtime/bundled_modules.ts).
 */

export { TelemetryCore, default } from '../wasm/greptime_web_telemetry.js';
export * from './pipelines.js';

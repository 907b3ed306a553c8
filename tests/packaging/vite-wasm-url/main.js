// The documented way to serve the WASM core as a file of its own with Vite: its `?url` import
// emits the package's core.wasm as a hashed asset, and `wasmUrl` tells the SDK where it is.
import wasmUrl from 'greptime-web-telemetry/core.wasm?url';
import { sendAll } from '../app/send-all.js';

sendAll('packaging-vite-wasm-url', { wasmUrl });

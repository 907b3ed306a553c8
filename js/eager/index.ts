/**
 * `import 'greptime-web-telemetry/eager'`: the WASM core in the app's initial bundle instead of
 * lazily loaded chunks, and prepared (inflated, compiled, instantiated) as soon as this module
 * runs, while the app boots. Import it once, at the top of the app's entry, beside any entry
 * point (`greptime-web-telemetry`, `/react`, `/next`); it exports nothing.
 *
 * What it buys: `initTelemetry` resolves in a few milliseconds with no round trip for the core's
 * chunks, so what the page records is handed to the core, and can go out at page hide, from
 * its first moments; with the lazily loaded core, a tab closed before those chunks arrive (most
 * likely on a slow network) takes with it what was recorded meanwhile. What it costs: the
 * core, its glue and the offline store, about 36 KB gzip, move into the initial bundle, and the
 * module is prepared even if telemetry is never started. The browser signals (`rum`) stay
 * lazily loaded. The inlined module is used: a `wasmUrl` is then ignored, with one warning.
 *
 * Runs nothing outside a browser (server-side rendering imports it harmlessly).
 */

// package.json's `sideEffects` lists this file: bundlers would drop an import with no used
// export otherwise, and the assignments are its whole point.

import * as coreChunk from '../export/core_chunk.js';
import * as store from '../export/offline_store.js';
import * as inline from '../wasm/inline_wasm.js';
import { bundled } from '../runtime/initial_chunk.js';
import { loadCore } from '../runtime/wasm_loader.js';

bundled.core = coreChunk;
bundled.pipelines = coreChunk;
bundled.inline = inline;
bundled.store = store;
// A failure is not reported here: initTelemetry loads it again and warns once if it fails.
if (typeof document !== 'undefined' && typeof WebAssembly === 'object') loadCore().catch(() => undefined);

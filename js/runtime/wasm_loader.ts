/**
 * Loads the WASM core once per page. The module is inlined (deflate-raw compressed, base64;
 * scripts/inline-wasm.mjs generates it) because a separate `.wasm` file found through
 * `new URL(…, import.meta.url)` breaks under Vite's dev-server dependency pre-bundling and needs
 * bundler configuration elsewhere; inline, the package works in any bundler with no plugin or
 * setting. It is inflated with the browser's own `DecompressionStream` (every browser since
 * 2023). Both modules are imported dynamically, so importing the package (e.g. during
 * server-side rendering) loads and runs none of it.
 */

import { bundled } from './bundled_modules.js';
import { transformBytes } from './streams.js';
import { thrownMessage, warn } from './diagnostics.js';

type CoreModule = typeof import('../export/core_chunk.js');

let loading: Promise<CoreModule> | undefined;
/** The `wasmUrl` of the load in `loading` (undefined: the inlined module). */
let loadingFrom: string | undefined;
let warnedIgnoredUrl = false;
let memory: WebAssembly.Memory | undefined;

/** Bytes of the WASM core's linear memory (0 before it loads): for stats() and memory tests. */
export function wasmMemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/**
 * `wasmUrl`: the module as a file of its own (wasm_url.ts); the inlined one if unset or it fails.
 * Once per page: a later call gets the module already loaded, with one warning if it asks for
 * another (`/eager` prepares the inlined one before the configuration is read).
 */
export function loadCore(wasmUrl?: string): Promise<CoreModule> {
  if (loading && wasmUrl !== undefined && wasmUrl !== loadingFrom && !warnedIgnoredUrl) {
    warnedIgnoredUrl = true;
    warn(`\`wasmUrl\` ${wasmUrl} ignored: the WASM core is already loaded from ${loadingFrom ?? 'the inlined module (/eager, or an earlier start)'}`);
  }
  if (!loading) loadingFrom = wasmUrl;
  loading ??= (async () => {
    if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly support');
    // The single-file build has them already (bundled_modules.ts); otherwise they are chunks.
    // The glue comes in one chunk with the pipelines (export/core_chunk.ts): one request instead of two.
    const glue = bundled.core ?? import('../export/core_chunk.js');
    const inlined = () => (bundled.inline ? Promise.resolve(bundled.inline) : import('../wasm/inline_wasm.js'));
    const inlineChunk = wasmUrl === undefined ? inlined() : undefined; // with the glue, in parallel
    inlineChunk?.catch(() => undefined); // awaited below; not unhandled if the glue fails first
    const fetched = wasmUrl === undefined ? undefined : compileLazily(wasmUrl).catch((error: unknown) => fallBack(wasmUrl, error));
    const core = await glue;
    if (fetched) {
      const module = await fetched;
      const exports = module && (await core.default({ module_or_path: module }).catch((error: unknown) => fallBack(wasmUrl!, error)));
      if (exports) {
        memory = (exports as unknown as { memory?: WebAssembly.Memory }).memory;
        return core;
      }
    }
    const inline = await (inlineChunk ?? inlined());
    const bytes = await inflate(decodeBase64(inline.WASM_DEFLATE_BASE64));
    if (bytes.byteLength !== inline.WASM_BYTES) throw new Error('the inlined WASM module is corrupt');
    const exports = await core.default({ module_or_path: bytes });
    memory = (exports as unknown as { memory?: WebAssembly.Memory }).memory;
    return core;
  })().catch((error: unknown) => {
    loading = undefined;
    loadingFrom = undefined;
    throw error;
  });
  return loading;
}

/** Starts the request at once and compiles it with wasm_fetch.ts, a chunk only `wasmUrl` apps load. */
async function compileLazily(url: string): Promise<WebAssembly.Module> {
  // async: a URL fetch() refuses synchronously (e.g. malformed) is a rejection, so a fallback too.
  const fetching = fetch(url, { credentials: 'same-origin' });
  fetching.catch(() => undefined); // awaited in compileFromUrl; not unhandled if its chunk fails first
  const compiler = await (bundled.fetch ?? import('./wasm_fetch.js'));
  return compiler.compileFromUrl(url, fetching);
}

/** A module from `wasmUrl` that cannot be fetched, compiled or linked (another version's): one warning. */
function fallBack(url: string, error: unknown): undefined {
  warn(`\`wasmUrl\` ${url} could not be used (${thrownMessage(error)}); using the inlined WASM module`);
  return undefined;
}

function decodeBase64(text: string): Uint8Array {
  const fromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof fromBase64 === 'function') return fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function inflate(compressed: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') throw new Error('this browser has no DecompressionStream (needed to unpack the WASM core)');
  return transformBytes(compressed, new DecompressionStream('deflate-raw') as unknown as TransformStream<Uint8Array, Uint8Array>);
}

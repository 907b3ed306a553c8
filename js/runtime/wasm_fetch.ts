/**
 * The WASM core fetched as a file of its own (`wasmUrl`), for apps that serve it: compiled while
 * it downloads, cacheable, and brotli can compress it (the inlined copy is deflate in base64,
 * which it cannot). Loaded lazily by wasm_loader.ts, which falls back to the inlined module when
 * this fails.
 */

import { WASM_BUILD_ID, WASM_BUILD_SECTION } from '../wasm/wasm_build_id.js';
import { warn } from './initial_chunk.js';

/**
 * Compiles the module the loader started fetching from `url` (the request starts before this
 * chunk loads). Streams when the server says `application/wasm` (browsers refuse to stream
 * anything else); otherwise compiles after download, with one warning. Throws unless it is this
 * package's build (scripts/wasm-build-id.mjs).
 */
export async function compileFromUrl(url: string, fetching: Promise<Response>): Promise<WebAssembly.Module> {
  const response = await fetching;
  if (!response.ok) throw new Error(`answered ${response.status}`);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let module: WebAssembly.Module;
  if (type === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') module = await WebAssembly.compileStreaming(response);
  else {
    warn(`\`wasmUrl\` ${url} is served as "${type}", not application/wasm: compiled after download, without streaming`);
    module = await WebAssembly.compile(await response.arrayBuffer());
  }
  // Another version's module may even link, and then misbehave: only this build's is used.
  const [stamp] = WebAssembly.Module.customSections(module, WASM_BUILD_SECTION);
  const id = stamp ? new TextDecoder().decode(stamp) : 'none';
  if (id !== WASM_BUILD_ID) throw new Error(`it is another build of the core (build id ${id}, this package's is ${WASM_BUILD_ID})`);
  return module;
}

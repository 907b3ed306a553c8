/**
 * `wasmUrl`, checked before the core loads. Fetching and compiling it is wasm_fetch.ts, a chunk
 * loaded only when it is set (apps without it do not pay its bytes in their initial chunk).
 */

import { warn } from './diagnostics.js';

/** `wasmUrl` as a URL string, or undefined (one warning) when it is neither a string nor a URL. */
export function wasmUrlOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof URL === 'function' && value instanceof URL) return value.href;
  warn('configuration: `wasmUrl` must be a non-empty string or a URL; using the inlined WASM module');
  return undefined;
}

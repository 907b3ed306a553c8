/**
 * "The page is being hidden, the SDK is about to flush": listeners that still have something to
 * record (the React integration's open component lifecycles) run first, synchronously, so what
 * they record goes out with the same page-hide flush. Module-level, because the React entry and
 * the SDK share this module but not an object; every SDK on the page runs the listeners before
 * its flush, so listeners must be idempotent per hide.
 */

import { warn } from './diagnostics.js';

const listeners = new Set<() => void>();

/** Registers `listener` to run before each page-hide flush; returns its removal. */
export function onBeforeHideFlush(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Runs every listener; one that throws is reported, never passed on. */
export function runBeforeHideFlush(): void {
  for (const listener of [...listeners]) {
    try {
      listener();
    } catch {
      warn('a page-hide listener failed; the flush goes on');
    }
  }
}

/**
 * Reading what the app passes to a hook (attributes, options) without letting a hostile object
 * (a Proxy whose traps throw, a throwing getter) crash the component: it reads as absent.
 */

import type { Attributes } from '../api/types.js';

/** `read()`, or `fallback` when reading throws. */
export function readSafely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** A shallow copy of an attributes object; unreadable or not an object: empty. */
export function copyAttributes(attributes: unknown): Attributes {
  if (attributes === null || typeof attributes !== 'object') return {};
  return readSafely(() => ({ ...(attributes as Attributes) }), {});
}

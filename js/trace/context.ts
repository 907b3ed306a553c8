/**
 * The active span. Browsers have no async context yet (no Zone.js here, by design: it costs
 * size and breaks native async/await), so the active span is a stack that follows synchronous
 * calls, like OpenTelemetry JS's default StackContextManager.
 */

import type { Span } from '../api/types.js';

let active: Span | undefined;

export function activeSpan(): Span | undefined {
  return active;
}

/** Runs `fn` with `span` active and restores the previous active span afterwards. */
export function withActiveSpan<T>(span: Span, fn: () => T): T {
  const previous = active;
  active = span;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

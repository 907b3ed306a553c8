/**
 * The active span. Browsers have no async context yet (no Zone.js here, by design: it costs
 * size and breaks native async/await), so the active span is a stack that follows synchronous
 * calls, like OpenTelemetry JS's default StackContextManager.
 *
 * One addition: an *ambient* span, the span of a user action that is still running after an
 * `await` (see `withAmbientSpan`). It is the parent of last resort, so spans started anywhere
 * during a click handler's async work become its children. Like Sentry's scope-until-settled,
 * it assumes user actions do not overlap; when they do, the latest one wins until it settles.
 */

import type { Span } from '../api/types.js';

let active: Span | undefined;
let ambient: Span | undefined;

export function activeSpan(): Span | undefined {
  return active ?? (ambient?.isRecording() ? ambient : undefined);
}

/**
 * Runs `fn` with `span` active and, when `fn` returns a promise, keeps `span` as the ambient
 * parent until that promise settles.
 */
export function withAmbientSpan<T>(span: Span, fn: () => T): T {
  const previous = ambient;
  ambient = span;
  const restore = () => {
    if (ambient === span) ambient = previous;
  };
  let result: T;
  try {
    result = withActiveSpan(span, fn);
  } catch (error) {
    restore();
    throw error;
  }
  const thenable = result as unknown as PromiseLike<unknown> | undefined;
  if (thenable && typeof thenable.then === 'function') thenable.then(restore, restore);
  else restore();
  return result;
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

/** `useTrackedCallback`: `useCallback` whose every call is a span, counted and timed. */

import { useCallback, type DependencyList } from 'react';
import type { Attributes, SpanKind, SpanOptions, Telemetry } from '../api/types.js';
import { SpanStatusCode } from '../api/types.js';
import { thrownMessage } from '../runtime/diagnostics.js';
import { withAmbientSpan } from '../trace/context.js';
import { REACT_SCOPE } from './global.js';
import { reactInstruments } from './instruments.js';
import { readSafely } from './safe_read.js';
import { useTelemetry } from './TelemetryProvider.js';

export interface TrackedCallbackOptions {
  /** Put on every call's span. */
  attributes?: Attributes | undefined;
  kind?: SpanKind | undefined;
}

/**
 * Like `useCallback(fn, deps)`, with the same identity rules, but each call runs inside a span
 * named `name` (a child of the active span, e.g. a `tracedUserAction`). A sync call's span ends
 * when it returns; an async call's when its promise settles, and spans started meanwhile
 * become its children. A throw or rejection sets status ERROR, is recorded as an exception and
 * passed on unchanged. Every call also counts in `react.callback.calls` and
 * `react.callback.duration` (ms), labelled `callback.name` and `status` (`ok` or `error`).
 *
 * Typed like React's `useCallback` (`F extends Function`): the result has `fn`'s exact type, and
 * under `strict` an unannotated parameter is an error (TS7006), never a silent `any`.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function useTrackedCallback<F extends Function>(name: string, fn: F, deps: DependencyList, options?: TrackedCallbackOptions): F {
  const telemetry = useTelemetry();
  // The deps are the caller's, as with useCallback; telemetry and name join them.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useCallback(trackCallback(telemetry, name, fn, options), [telemetry, name, ...deps]);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function trackCallback<F extends Function>(telemetry: Telemetry, name: string, fn: F, options?: TrackedCallbackOptions): F {
  return function tracked(this: unknown, ...args: unknown[]) {
    const startedAt = performance.now();
    const span = telemetry.getTracer(REACT_SCOPE).startSpan(name, readSafely<SpanOptions>(() => ({ attributes: options?.attributes, kind: options?.kind }), {}));
    const finish = (error?: unknown, failed = false) => {
      if (failed) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: thrownMessage(error) });
      }
      span.end();
      const instruments = reactInstruments(telemetry);
      const labels = { 'callback.name': name, status: failed ? 'error' : 'ok' };
      instruments.callbackCalls.add(1, labels);
      instruments.callbackDuration.record(performance.now() - startedAt, labels);
    };
    let result: unknown;
    try {
      result = withAmbientSpan(span, () => fn.apply(this, args));
    } catch (error) {
      finish(error, true);
      throw error;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        () => finish(),
        (error: unknown) => finish(error, true),
      );
    } else {
      finish();
    }
    return result;
  } as unknown as F;
}

/** `tracedUserAction`: a user action (click, submit) as the parent span of all it causes. */

import type { Attributes } from '../api/types.js';
import { withAmbientSpan } from '../trace/context.js';
import { globalTelemetry, REACT_SCOPE } from './global.js';
import { copyAttributes } from './safe_read.js';

/**
 * Runs `fn` inside an active span `name` and returns what `fn` returns. The span ends when
 * `fn` returns or, if it returns a promise, when that settles (a rejection sets status ERROR
 * and is passed on). While it runs, also across `await`s, spans started anywhere (tracked
 * callbacks, your own `startSpan` calls) become its children. Uses the telemetry of the
 * mounted `TelemetryProvider`; without one it just calls `fn`.
 *
 * @example
 * <button onClick={() => tracedUserAction('checkout clicked', () => submitOrder(cart))}>Buy</button>
 */
export function tracedUserAction<T>(name: string, fn: () => T, attributes?: Attributes): T {
  const tracer = globalTelemetry().getTracer(REACT_SCOPE);
  return tracer.startActiveSpan(name, { attributes: { ...copyAttributes(attributes), 'user_action.name': name } }, (span) => withAmbientSpan(span, fn)) as T;
}

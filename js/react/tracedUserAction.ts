/** `tracedUserAction`: a user action (click, submit) as the parent span of all it causes. */

import type { Attributes } from '../api/types.js';
import { syncActiveSpan } from '../trace/context.js';
import { globalTelemetry, REACT_SCOPE } from './global.js';
import { copyAttributes } from './safe_read.js';

/**
 * Runs `fn` inside an active span `name` and returns what `fn` returns. The span ends when
 * `fn` returns or, if it returns a promise, when that settles (a rejection sets status ERROR
 * and is passed on). Spans started during `fn`'s synchronous part become its children; after
 * an `await` too, while it is the only pending action (see the README, "Context after
 * await": two overlapping actions make such spans new traces, never each other's children;
 * and an action stops being a parent after 10 s). A user action starts a new trace unless
 * called synchronously inside another active span. Uses the telemetry of the mounted
 * `TelemetryProvider`; without one it just calls `fn`.
 *
 * @example
 * <button onClick={() => tracedUserAction('checkout clicked', () => submitOrder(cart))}>Buy</button>
 */
export function tracedUserAction<T>(name: string, fn: () => T, attributes?: Attributes): T {
  const tracer = globalTelemetry().getTracer(REACT_SCOPE);
  // A new interaction: never the child of another action still pending from an earlier click.
  const parent = syncActiveSpan() ?? null;
  return tracer.startActiveSpan(name, { parent, attributes: { ...copyAttributes(attributes), 'user_action.name': name } }, () => fn()) as T;
}

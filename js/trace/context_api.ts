/**
 * `context`: the explicit way to run code under a span, named after `@opentelemetry/api`'s
 * `context.with` (which takes a Context; here the span itself stands for it).
 */

import type { ContextApi, Span } from '../api/types.js';
import { warn } from '../runtime/diagnostics.js';
import { activeSpan, withAmbientSpan } from './context.js';

let warned = false;

function isSpan(value: unknown): value is Span {
  return value !== null && typeof value === 'object' && typeof (value as Partial<Span>).spanContext === 'function';
}

export const context: ContextApi = {
  with<A extends unknown[], R>(span: Span | undefined, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R {
    if (typeof fn !== 'function') {
      if (!warned) warn('context.with(span, fn): fn is not a function; nothing ran');
      warned = true;
      return undefined as R;
    }
    const call = () => fn.apply(thisArg, args);
    if (span === undefined) return call();
    if (!isSpan(span)) {
      if (!warned) warn('context.with(span, fn): the first argument is not a span; fn ran without one');
      warned = true;
      return call();
    }
    return withAmbientSpan(span, call);
  },
  active(): Span | undefined {
    return activeSpan();
  },
};

/**
 * `@opentelemetry/api`'s `ContextManager` backed by our context (js/trace/context.ts), so that
 * both worlds see one active span:
 * - `context.active()` holds our active span (of `startActiveSpan`, `context.with`, an
 *   instrumented fetch, or a pending async span after an `await`), so API spans nest under ours;
 * - `context.with(ctx, fn)` makes `ctx`'s span our active span while `fn` runs (and a pending
 *   parent after its `await`s, under our rules), so our spans nest under API spans.
 * (client and producer spans only during the synchronous part). Like OpenTelemetry's `StackContextManager`, the rest of a context (baggage, other keys) is only
 * known during the synchronous part of `with`; after an `await` only the span is recovered.
 */

import { ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { SpanKind, type Span } from '../api/types.js';
import { activeSpan, withActiveSpan, withAmbientSpan } from '../trace/context.js';
import { toApiSpan, toOurSpan } from './spans.js';

/** A running `with(ctx, fn)`: its context, and the span that was ours to see when it started. */
interface Frame {
  readonly ctx: Context;
  readonly span: Span | undefined;
}

/**
 * The context manager `registerGlobals` installs; register it yourself with
 * `context.setGlobalContextManager(new GreptimeContextManager().enable())` when you set the
 * providers another way. Contexts are active only once `enable()` has been called.
 */
export class GreptimeContextManager implements ContextManager {
  private enabled = false;
  private frame: Frame | undefined;
  // The last context built by active(): the same object while nothing changes.
  private lastBase: Context | undefined;
  private lastSpan: Span | undefined;
  private lastContext: Context = ROOT_CONTEXT;

  active(): Context {
    if (!this.enabled) return ROOT_CONTEXT;
    const frame = this.frame;
    const span = activeSpan();
    const base = frame?.ctx ?? ROOT_CONTEXT;
    // Nothing of ours became active inside this `with`: its context, exactly (a root context stays root).
    if ((frame && span === frame.span) || !span) return base;
    if (base !== this.lastBase || span !== this.lastSpan) {
      this.lastBase = base;
      this.lastSpan = span;
      this.lastContext = trace.setSpan(base, toApiSpan(span));
    }
    return this.lastContext;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const call = () => fn.apply(thisArg, args);
    if (!this.enabled || !ctx || typeof ctx.getValue !== 'function') return call();
    const previous = this.frame;
    try {
      const span = toOurSpan(trace.getSpan(ctx));
      if (!span) {
        this.frame = { ctx, span: activeSpan() };
        return call();
      }
      // A client or producer span (an instrumented request) is active only while the request is
      // made, as with our own fetch instrumentation: unrelated code that runs while the request is
      // in flight must not become its child.
      const kind = (span as { kind?: unknown }).kind;
      const run = kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER ? withActiveSpan : withAmbientSpan;
      return run(span, () => {
        this.frame = { ctx, span };
        return call();
      });
    } finally {
      this.frame = previous;
    }
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const bound = function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => fn.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: fn.length, configurable: true });
    return bound as unknown as T;
  }

  enable(): this {
    this.enabled = true;
    this.frame = undefined;
    return this;
  }

  disable(): this {
    this.enabled = false;
    this.frame = undefined;
    this.lastBase = this.lastSpan = undefined;
    this.lastContext = ROOT_CONTEXT;
    return this;
  }
}

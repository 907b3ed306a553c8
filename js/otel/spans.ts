/**
 * Spans and tracers across the bridge: our spans seen through `@opentelemetry/api`'s `Span` and
 * `Tracer` interfaces, and API spans (ours wrapped, or another SDK's / a remote span context) as
 * parents of ours. Wrappers are cached per span, so `trace.getSpan(ctx)` keeps its identity.
 */

import {
  context as apiContext,
  createContextKey,
  createTraceState,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  trace,
  type Context,
  type Exception,
  type Link as ApiLink,
  type Span as ApiSpan,
  type SpanAttributes,
  type SpanAttributeValue,
  type SpanContext as ApiSpanContext,
  type SpanOptions as ApiSpanOptions,
  type SpanStatus as ApiSpanStatus,
  type TimeInput as ApiTimeInput,
  type Tracer as ApiTracer,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Attributes, AttributeValue, Link, Span, SpanContext, SpanKind, Telemetry, TimeInput, Tracer } from '../api/types.js';
import { warnOnce } from './warn.js';

/** `@opentelemetry/core`'s `suppressTracing` key (a `Symbol.for`, so any copy matches): exporters run under it. */
const SUPPRESS_TRACING = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

const apiViews = new WeakMap<Span, ApiSpan>();
const ourViews = new WeakMap<ApiSpan, Span>();

/** One of our spans through the API's `Span` interface. */
class BridgedSpan implements ApiSpan {
  private context: ApiSpanContext | undefined;
  constructor(readonly inner: Span) {}

  spanContext(): ApiSpanContext {
    if (!this.context) {
      const c = this.inner.spanContext();
      this.context = { traceId: c.traceId, spanId: c.spanId, traceFlags: c.traceFlags, isRemote: c.isRemote === true };
      if (c.traceState) this.context.traceState = createTraceState(c.traceState);
    }
    return this.context;
  }
  setAttribute(key: string, value: SpanAttributeValue): this {
    this.inner.setAttribute(key, value as AttributeValue);
    return this;
  }
  setAttributes(attributes: SpanAttributes): this {
    this.inner.setAttributes(attributes as Attributes);
    return this;
  }
  addEvent(name: string, attributesOrStartTime?: SpanAttributes | ApiTimeInput, startTime?: ApiTimeInput): this {
    this.inner.addEvent(name, attributesOrStartTime as Attributes | TimeInput | undefined, startTime);
    return this;
  }
  addLink(link: ApiLink): this {
    this.inner.addLink(toOurLink(link));
    return this;
  }
  addLinks(links: ApiLink[]): this {
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }
  setStatus(status: ApiSpanStatus): this {
    this.inner.setStatus(status);
    return this;
  }
  updateName(name: string): this {
    this.inner.updateName(name);
    return this;
  }
  end(endTime?: ApiTimeInput): void {
    this.inner.end(endTime);
  }
  isRecording(): boolean {
    return this.inner.isRecording();
  }
  recordException(exception: Exception, time?: ApiTimeInput): void {
    this.inner.recordException(exception, time);
  }
}

/** An API span that is not ours (a remote parent from `propagation.extract`, another SDK's span) as our `Span`, for parenting. */
class ForeignSpan implements Span {
  constructor(readonly inner: ApiSpan) {}
  spanContext(): SpanContext {
    return ourSpanContext(this.inner.spanContext());
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.inner.setAttribute(key, value);
    return this;
  }
  setAttributes(attributes: Attributes): this {
    this.inner.setAttributes(attributes as SpanAttributes);
    return this;
  }
  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this {
    this.inner.addEvent(name, attributesOrStartTime as SpanAttributes | ApiTimeInput | undefined, startTime);
    return this;
  }
  addLink(link: Link): this {
    this.inner.addLink({ context: apiSpanContext(link.context), ...(link.attributes ? { attributes: link.attributes as SpanAttributes } : {}) });
    return this;
  }
  addLinks(links: Link[]): this {
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }
  setStatus(status: Parameters<Span['setStatus']>[0]): this {
    this.inner.setStatus(status as ApiSpanStatus);
    return this;
  }
  updateName(name: string): this {
    this.inner.updateName(name);
    return this;
  }
  end(endTime?: TimeInput): void {
    this.inner.end(endTime);
  }
  isRecording(): boolean {
    return this.inner.isRecording();
  }
  recordException(exception: unknown, time?: TimeInput): void {
    this.inner.recordException(exception as Exception, time);
  }
}

function ourSpanContext(c: ApiSpanContext): SpanContext {
  return { traceId: c.traceId, spanId: c.spanId, traceFlags: c.traceFlags, traceState: c.traceState?.serialize() || undefined, isRemote: c.isRemote };
}

function apiSpanContext(c: SpanContext): ApiSpanContext {
  const out: ApiSpanContext = { traceId: c.traceId, spanId: c.spanId, traceFlags: c.traceFlags, isRemote: c.isRemote === true };
  if (c.traceState) out.traceState = createTraceState(c.traceState);
  return out;
}

function toOurLink(link: ApiLink): Link {
  const ctx = (link as Partial<ApiLink> | undefined)?.context;
  return { context: ctx ? ourSpanContext(ctx) : (ctx as unknown as SpanContext), attributes: link?.attributes as Attributes | undefined };
}

/** Our span as an API span (the same wrapper every time). */
export function toApiSpan(span: Span): ApiSpan {
  if (span instanceof ForeignSpan) return span.inner;
  let view = apiViews.get(span);
  if (!view) {
    view = new BridgedSpan(span);
    apiViews.set(span, view);
  }
  return view;
}

/** An API span as ours: the span itself when it is ours, else a wrapper; undefined without a valid span context. */
export function toOurSpan(span: ApiSpan | undefined): Span | undefined {
  if (!span) return undefined;
  if (span instanceof BridgedSpan) return span.inner;
  let view = ourViews.get(span);
  if (!view) {
    try {
      if (!isSpanContextValid(span.spanContext())) return undefined;
    } catch {
      return undefined;
    }
    view = new ForeignSpan(span);
    ourViews.set(span, view);
  }
  return view;
}

/** An API tracer over one of ours: the parent comes from the API context (`context.active()` unless given). */
class BridgedTracer implements ApiTracer {
  constructor(private readonly tracer: Tracer) {}

  startSpan(name: string, options?: ApiSpanOptions, ctx?: Context): ApiSpan {
    try {
      const parentContext = ctx ?? apiContext.active();
      if (parentContext.getValue(SUPPRESS_TRACING) === true) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
      const parent = options?.root ? null : (toOurSpan(trace.getSpan(parentContext)) ?? null);
      return toApiSpan(
        this.tracer.startSpan(name, {
          kind: options?.kind as SpanKind | undefined,
          attributes: options?.attributes as Attributes | undefined,
          links: Array.isArray(options?.links) ? options.links.map(toOurLink) : undefined,
          startTime: options?.startTime,
          parent,
        }),
      );
    } catch {
      warnOnce('startSpan', 'an @opentelemetry/api span could not be started (unreadable options or context); a non-recording span was returned');
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
  }

  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, options: ApiSpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, options: ApiSpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan(name: string, ...rest: unknown[]): unknown {
    // The API's argument shapes, as OpenTelemetry's SDK reads them. Unlike our own
    // `startActiveSpan`, the API's does not end the span: `fn` does.
    const fn = rest[rest.length - 1];
    if (typeof fn !== 'function') {
      warnOnce('startActiveSpan', 'tracer.startActiveSpan from @opentelemetry/api needs a function as its last argument; nothing started');
      return undefined;
    }
    const options = rest.length >= 2 ? (rest[0] as ApiSpanOptions | undefined) : undefined;
    const parentContext = (rest.length >= 3 ? (rest[1] as Context | undefined) : undefined) ?? apiContext.active();
    const span = this.startSpan(name, options, parentContext);
    return apiContext.with(trace.setSpan(parentContext, span), fn as (span: ApiSpan) => unknown, undefined, span);
  }
}

const tracers = new WeakMap<Tracer, BridgedTracer>();

/** `getTracer(name, version)` of the telemetry, as the API's `TracerProvider`. */
export function tracerProvider(telemetry: Telemetry): TracerProvider {
  return {
    getTracer(name: string, version?: string): ApiTracer {
      const tracer = telemetry.getTracer(name, version);
      let bridged = tracers.get(tracer);
      if (!bridged) {
        bridged = new BridgedTracer(tracer);
        tracers.set(tracer, bridged);
      }
      return bridged;
    },
  };
}

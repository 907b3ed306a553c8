/**
 * W3C Trace Context (`traceparent`, `tracestate`) as the API's `TextMapPropagator`, the same
 * headers our own fetch/XHR instrumentation sends. `@opentelemetry/core` has one too; this keeps
 * it out of the package (pass `propagator: new W3CTraceContextPropagator()` to use that one).
 */

import { createTraceState, isSpanContextValid, trace, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
// version-traceid-spanid-flags; a future version may append fields after a dash.
const TRACEPARENT_RE = /^\s*([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})(-.*)?\s*$/;

/** W3C Trace Context: injects the context's span as `traceparent`/`tracestate`, extracts a remote parent from them. */
export class TraceContextPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(ctx);
    if (!sc || !isSpanContextValid(sc)) return;
    setter.set(carrier, TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`);
    const state = sc.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = first(getter.get(carrier, TRACEPARENT));
    const m = header ? TRACEPARENT_RE.exec(header) : null;
    // Version ff is invalid; version 00 has exactly four fields.
    if (!m || m[1] === 'ff' || (m[1] === '00' && m[5])) return ctx;
    const sc = { traceId: m[2], spanId: m[3], traceFlags: parseInt(m[4], 16), isRemote: true };
    if (!isSpanContextValid(sc)) return ctx;
    const state = getter.get(carrier, TRACESTATE);
    const joined = Array.isArray(state) ? state.join(',') : state;
    return trace.setSpanContext(ctx, joined ? { ...sc, traceState: createTraceState(joined) } : sc);
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

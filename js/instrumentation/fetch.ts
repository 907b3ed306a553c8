/**
 * Opt-in `fetch` instrumentation: a CLIENT span per request (a child of the active span) and,
 * for same-origin or listed URLs, `traceparent`/`tracestate` headers so the backend continues
 * the trace. The exporter sends with the original `fetch` captured at load, so it is never
 * traced; requests to the telemetry endpoint itself are left alone too.
 */

import type { Tracer } from '../api/types.js';
import { SpanKind, SpanStatusCode, thrownMessage, withActiveSpan } from '../runtime/initial_chunk.js';
import { displayUrl, traceparent } from './propagation.js';

const WRAPPED = Symbol.for('greptime-web-telemetry.fetch');

export function instrumentFetch(tracer: Tracer, propagate: (url: URL) => boolean, ignore: (url: URL) => boolean): () => void {
  if (typeof fetch !== 'function' || typeof location === 'undefined') return () => {};
  const original = globalThis.fetch;
  if ((original as unknown as Record<symbol, boolean>)[WRAPPED]) return () => {};

  const wrapped = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let url: URL;
    let method: string;
    try {
      url = new URL(input instanceof Request ? input.url : String(input), location.href);
      method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    } catch {
      return original.call(this, input, init);
    }
    if (ignore(url)) return original.call(this, input, init);
    const span = tracer.startSpan(method, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, 'url.full': displayUrl(url), 'server.address': url.hostname },
    });
    let request = init;
    const headers = propagate(url) ? traceparent(span) : undefined;
    if (headers) {
      const merged = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      merged.set('traceparent', headers.traceparent);
      if (headers.tracestate) merged.set('tracestate', headers.tracestate);
      request = { ...init, headers: merged };
    }
    // Spans started synchronously inside fetch (by other instrumentation) are its children.
    const pending = withActiveSpan(span, () => original.call(this, input, request));
    pending.then(
      (response) => {
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        span.end();
      },
      (error: unknown) => {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: thrownMessage(error) });
        span.end();
      },
    );
    return pending;
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  globalThis.fetch = wrapped as typeof fetch;
  return () => {
    if (globalThis.fetch === (wrapped as typeof fetch)) globalThis.fetch = original;
  };
}

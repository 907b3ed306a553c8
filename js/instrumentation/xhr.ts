/** Opt-in `XMLHttpRequest` instrumentation: the same spans and headers as `instrumentFetch`. */

import type { Span, Tracer } from '../api/types.js';
import { SpanKind, SpanStatusCode } from '../runtime/initial_chunk.js';
import { displayUrl, traceparent } from './propagation.js';

const STATE = Symbol('greptime-web-telemetry.xhr');

interface XhrState {
  method: string;
  url: URL | undefined;
  /** The span of the request in flight, ended by the one `loadend` listener. */
  span?: Span;
}

/** Whether this XMLHttpRequest already has our `loadend` listener: one per object, however often it is reused. */
const LISTENING = Symbol('greptime-web-telemetry.xhr.listening');

type TrackedXhr = XMLHttpRequest & { [STATE]?: XhrState; [LISTENING]?: true };

function onLoadEnd(this: TrackedXhr): void {
  const state = this[STATE];
  const span = state?.span;
  // Not DONE: the app already reopened and resent from an earlier loadend handler, and this
  // event belongs to the previous request (whose span open() ended).
  if (!state || !span || this.readyState !== 4) return;
  state.span = undefined;
  try {
    if (this.status > 0) span.setAttribute('http.response.status_code', this.status);
    if (this.status === 0 || this.status >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: this.status === 0 ? 'network error' : `HTTP ${this.status}` });
    }
  } finally {
    span.end();
  }
}

export function instrumentXhr(tracer: Tracer, propagate: (url: URL) => boolean, ignore: (url: URL) => boolean): () => void {
  if (typeof XMLHttpRequest === 'undefined' || typeof location === 'undefined') return () => {};
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;

  proto.open = function (this: TrackedXhr, method: string, url: string | URL, ...rest: unknown[]) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(String(url), location.href);
    } catch {
      parsed = undefined;
    }
    // A span still open here: either the request is done and the app reopens from an earlier
    // loadend listener (ours has not run yet), or open() cancels a request in flight, which
    // fires no loadend. Either way it ends now.
    const previous = this[STATE];
    if (previous?.span) {
      if (this.readyState === 4) {
        onLoadEnd.call(this);
      } else {
        previous.span.setStatus({ code: SpanStatusCode.ERROR, message: 'cancelled by open()' });
        previous.span.end();
        previous.span = undefined;
      }
    }
    this[STATE] = { method: typeof method === 'string' ? method.toUpperCase() : 'GET', url: parsed };
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;

  proto.send = function (this: TrackedXhr, body?: Document | XMLHttpRequestBodyInit | null) {
    const state = this[STATE];
    let span: Span | undefined;
    if (state?.url && !ignore(state.url)) {
      try {
        span = tracer.startSpan(state.method, {
          kind: SpanKind.CLIENT,
          attributes: { 'http.request.method': state.method, 'url.full': displayUrl(state.url), 'server.address': state.url.hostname },
        });
        const headers = propagate(state.url) ? traceparent(span) : undefined;
        if (headers) {
          this.setRequestHeader('traceparent', headers.traceparent);
          if (headers.tracestate) this.setRequestHeader('tracestate', headers.tracestate);
        }
        state.span = span;
        if (!this[LISTENING]) {
          this[LISTENING] = true;
          this.addEventListener('loadend', onLoadEnd);
        }
      } catch {
        // Instrumentation must never break the request.
      }
    }
    return send.call(this, body);
  };

  return () => {
    if (proto.send !== send) proto.send = send;
    if (proto.open !== open) proto.open = open;
  };
}

/** W3C Trace Context headers, and which requests may carry them. */

import type { Span } from '../api/types.js';

/** `traceparent` for a span: `00-<trace id>-<span id>-<flags>`. */
export function traceparent(span: Span): { traceparent: string; tracestate?: string } | undefined {
  const ctx = span.spanContext();
  if (/^0+$/.test(ctx.traceId)) return undefined;
  const flags = (ctx.traceFlags & 0xff).toString(16).padStart(2, '0');
  return { traceparent: `00-${ctx.traceId}-${ctx.spanId}-${flags}`, tracestate: ctx.traceState };
}

export type UrlMatcher = string | RegExp;

/**
 * Same-origin requests carry the headers; other origins only when listed: adding a header
 * makes a cross-origin request need a CORS preflight that unlisted servers would refuse.
 */
export function propagationPolicy(matchers: unknown): (url: URL) => boolean {
  const list = (Array.isArray(matchers) ? matchers : []).filter((m): m is UrlMatcher => typeof m === 'string' || m instanceof RegExp);
  const origin = typeof location !== 'undefined' ? location.origin : undefined;
  return (url) => url.origin === origin || list.some((m) => (typeof m === 'string' ? url.href.startsWith(m) : m.test(url.href)));
}

/** A URL for span attributes: without query and fragment, which often carry tokens or personal data. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

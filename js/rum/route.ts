/**
 * The app's current route as its router names it (`/users/:id`), and the navigation span of a
 * router integration in progress: set by the router integrations (React Router, Next.js), read
 * by the navigation events (`url.template`) and Web Vitals (bounded-cardinality attributes).
 * Kept on a global slot so that two copies of the package in one page still share it.
 */

import type { Span } from '../api/types.js';

interface RouteState {
  pattern: string | undefined;
  span: Span | undefined;
}

/** Route patterns longer than this are cut: a pattern is a label, not data. */
const MAX_PATTERN_LENGTH = 256;
const SLOT = Symbol.for('greptime-web-telemetry.route');

function state(): RouteState {
  const g = globalThis as { [SLOT]?: RouteState };
  return (g[SLOT] ??= { pattern: undefined, span: undefined });
}

/**
 * Sets the route pattern of the page now shown, e.g. `/users/:id` (`undefined`: unknown). Router
 * integrations call it; call it yourself with another router. Navigation events carry it as
 * `url.template`, Web Vitals as their route attribute.
 */
export function setRoutePattern(pattern: string | undefined): void {
  state().pattern = typeof pattern === 'string' && pattern !== '' ? pattern.slice(0, MAX_PATTERN_LENGTH) : undefined;
}

/** The pattern set last by `setRoutePattern` or a router integration, if any. */
export function currentRoutePattern(): string | undefined {
  return state().pattern;
}

/** A router's span for the navigation in progress: navigation events emitted meanwhile join its trace. */
export function setNavigationSpan(span: Span | undefined): void {
  state().span = span;
}

export function navigationSpan(): Span | undefined {
  return state().span;
}

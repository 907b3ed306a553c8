/**
 * greptime-web-telemetry/next: Next.js App Router helpers. No React and no Next import, so it is
 * safe in `instrumentation-client.ts`, which Next runs in the browser before the app hydrates.
 *
 * @example
 * // src/instrumentation-client.ts (Next ≥ 15.3)
 * export { onRouterTransitionStart } from 'greptime-web-telemetry/next';
 */

import type { Span, Telemetry } from '../api/types.js';
import { globalTelemetry } from '../react/global.js';

/** `'push' | 'replace' | 'traverse'`, as Next passes it (`RouterTransitionType`). */
export type NavigationType = 'push' | 'replace' | 'traverse';

/** The instrumentation scope of navigation spans. */
export const NEXT_SCOPE = 'greptime-web-telemetry/next';

/** A navigation that never shows its URL (an error, an interrupted transition) ends after this. */
const NAVIGATION_TIMEOUT_MS = 10_000;

/**
 * Next's `onRouterTransitionStart` hook: export it from `instrumentation-client.ts` and every
 * client-side navigation (`<Link>`, `router.push`/`replace`, back and forward) becomes a span
 * `navigation` from the moment Next starts the transition until the first frame after the new
 * URL is in the address bar (Next updates it when the new route has rendered), or until the
 * next navigation starts, or 10 s. Attributes: `url.full` (without the query string),
 * `url.path`, `navigation.type` (`push`, `replace`, `traverse`) and `navigation.from` (the path
 * left). The spans go to the telemetry of the mounted `TelemetryProvider`; before it has
 * mounted (no transition can start before hydration) they are no-ops. Never throws.
 */
export const onRouterTransitionStart: (url: string, navigationType: NavigationType) => void = createRouterTransitionTracer();

/**
 * The same hook, recording into `telemetry` instead of the provider's (an app that calls
 * `initTelemetry` itself): `export const onRouterTransitionStart = createRouterTransitionTracer(telemetry);`
 */
export function createRouterTransitionTracer(telemetry?: Telemetry): (url: string, navigationType: NavigationType) => void {
  let current: { span: Span; timer: ReturnType<typeof setTimeout> } | undefined;
  const finish = (ended: typeof current) => {
    if (!ended || current !== ended) return;
    current = undefined;
    clearTimeout(ended.timer);
    ended.span.end();
  };
  return (url, navigationType) => {
    try {
      if (typeof location === 'undefined') return;
      finish(current); // a new navigation supersedes the one still running
      const target = new URL(String(url), location.href);
      const span = (telemetry ?? globalTelemetry()).getTracer(NEXT_SCOPE).startSpan('navigation', {
        attributes: {
          'url.full': `${target.origin}${target.pathname}`,
          'url.path': target.pathname,
          'navigation.type': String(navigationType),
          'navigation.from': location.pathname,
        },
      });
      const entry = { span, timer: setTimeout(() => finish(entry), NAVIGATION_TIMEOUT_MS) };
      current = entry;
      const shown = () => location.pathname === target.pathname && location.search === target.search;
      // Poll once per frame: Next pushes the URL when it commits the new route; the next frame is
      // its first paint. (rAF pauses in hidden tabs: the timeout ends the span there.)
      const check = () => {
        if (current !== entry) return;
        if (shown()) requestAnimationFrame(() => finish(entry));
        else requestAnimationFrame(check);
      };
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(check);
    } catch {
      // Telemetry never breaks navigation; a bad URL just records nothing.
    }
  };
}

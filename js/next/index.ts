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
import { navigationSpan, setNavigationSpan } from '../rum/route.js';

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
 * route is on screen: its URL in the address bar and the page changed (Next does both when it
 * commits the route; back and forward change the URL first), or the URL shown for 1 s with no
 * change to the page, or the next navigation starts, or 10 s. Attributes: `url.full` (without
 * the query string), `url.path`, `navigation.type` (`push`, `replace`, `traverse`) and
 * `navigation.from` (the path left). The spans go to the telemetry of the mounted
 * `TelemetryProvider`; before it has mounted (no transition can start before hydration) they
 * are no-ops. The `browser.navigation` event of the route change (`rum.navigation`) is emitted
 * inside this span, so it carries the span's trace and span id. Never throws.
 */
export const onRouterTransitionStart: (url: string, navigationType: NavigationType) => void = createRouterTransitionTracer();

/**
 * The same hook, recording into `telemetry` instead of the provider's (an app that calls
 * `initTelemetry` itself): `export const onRouterTransitionStart = createRouterTransitionTracer(telemetry);`
 */
export function createRouterTransitionTracer(telemetry?: Telemetry): (url: string, navigationType: NavigationType) => void {
  // The path on screen. Not `location` at the start: back/forward have changed it already.
  let shownPath = typeof location === 'undefined' ? '' : location.pathname;
  let current: { span: Span; timer: ReturnType<typeof setTimeout>; observer: MutationObserver | undefined } | undefined;
  const finish = (ended: typeof current) => {
    if (!ended || current !== ended) return;
    current = undefined;
    if (navigationSpan() === ended.span) setNavigationSpan(undefined);
    clearTimeout(ended.timer);
    ended.observer?.disconnect();
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
          'navigation.from': shownPath,
        },
      });
      shownPath = target.pathname;
      // The `browser.navigation` event of this route change (js/rum/navigation.ts) joins this span's trace.
      setNavigationSpan(span);
      let changed = false;
      const observer = typeof MutationObserver === 'function' ? new MutationObserver(() => (changed = true)) : undefined;
      observer?.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
      const entry = { span, timer: setTimeout(() => finish(entry), NAVIGATION_TIMEOUT_MS), observer };
      current = entry;
      let framesShown = 0;
      // Once per frame (≈ 60 a second, ~1 s of unchanged page after the URL shows); rAF pauses
      // in hidden tabs, where the timeout ends the span.
      const check = () => {
        if (current !== entry) return;
        const shown = location.pathname === target.pathname && location.search === target.search;
        if (shown && (changed || !observer || ++framesShown >= 60)) requestAnimationFrame(() => finish(entry));
        else requestAnimationFrame(check);
      };
      if (typeof requestAnimationFrame === 'function') requestAnimationFrame(check);
    } catch {
      // Telemetry never breaks navigation; a bad URL just records nothing.
    }
  };
}

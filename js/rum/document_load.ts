/**
 * The page load as a trace, named as `@opentelemetry/instrumentation-document-load` names it:
 * a root span `documentLoad` (fetchStart → loadEventEnd) with the navigation-timing events
 * `fetchStart`, `unloadEventStart`, `unloadEventEnd`, `domInteractive`,
 * `domContentLoadedEventStart`, `domContentLoadedEventEnd`, `domComplete`, `loadEventStart`,
 * `loadEventEnd`, `firstPaint`, `firstContentfulPaint`; a child `documentFetch` (fetchStart →
 * responseEnd) with the network events `fetchStart`, `domainLookupStart`, `domainLookupEnd`
 * (DNS), `connectStart`, `secureConnectionStart`, `connectEnd` (connect), `requestStart`
 * (request), `responseStart`, `responseEnd` (response); and, opt-in, a child `resourceFetch` per
 * resource loaded by then. A zero timing (not applicable: no DNS lookup on a reused connection)
 * is left out, as there. Without Navigation Timing Level 2 nothing is recorded.
 */

import type { Span, Telemetry } from '../api/types.js';
import { pageUrl } from './url.js';

export interface DocumentLoadOptions {
  /** Scope of the spans. */
  scope: string;
  /** Also a `resourceFetch` span per resource (opt-in: volume). */
  resourceTiming: boolean;
  /** Keep query strings in `url.full`. */
  includeQuery: boolean;
}

/** How often, and how far apart, loadEventEnd is read again while it is still 0 (1 s in all). */
const LOAD_END_TRIES = 20;
const LOAD_END_RETRY_MILLIS = 50;
/** Resource spans per page load at most (a page with thousands of images must not flood). */
const MAX_RESOURCES = 250;
const LOAD_EVENTS = [
  'fetchStart',
  'unloadEventStart',
  'unloadEventEnd',
  'domInteractive',
  'domContentLoadedEventStart',
  'domContentLoadedEventEnd',
  'domComplete',
  'loadEventStart',
  'loadEventEnd',
] as const;
const NETWORK_EVENTS = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
] as const;
const PAINTS: Record<string, string> = { 'first-paint': 'firstPaint', 'first-contentful-paint': 'firstContentfulPaint' };

export function start(telemetry: Telemetry, options: DocumentLoadOptions): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // loadEventEnd is set once the load handlers have run: read it in the next task, or a little
  // later while it is still 0 (a fresh-clone CI run in Firefox recorded a page load without
  // loadEventEnd or responseEnd, most likely read before Firefox had completed the entry).
  const read = (tries: number) => {
    timer = setTimeout(
      () => {
        if (stopped) return;
        if (tries < LOAD_END_TRIES && !loadEnded()) read(tries + 1);
        else record(telemetry, options);
      },
      tries === 0 ? 0 : LOAD_END_RETRY_MILLIS,
    );
  };
  const onLoad = () => read(0);
  if (document.readyState === 'complete') onLoad();
  else addEventListener('load', onLoad, { once: true });
  return () => {
    stopped = true;
    clearTimeout(timer);
    removeEventListener('load', onLoad);
  };
}

/** Whether the navigation entry has its loadEventEnd (true when there is nothing to wait for). */
function loadEnded(): boolean {
  try {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return !nav || nav.loadEventEnd > 0;
  } catch {
    return true; // a partial Performance API: record() decides
  }
}

function record(telemetry: Telemetry, options: DocumentLoadOptions): void {
  try {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (!nav) return;
    const tracer = telemetry.getTracer(options.scope);
    const url = pageUrl(location.href, options.includeQuery);
    const root = tracer.startSpan('documentLoad', {
      root: true,
      startTime: nav.fetchStart,
      attributes: { 'url.full': url, 'user_agent.original': navigator.userAgent },
    });
    const fetchSpan = tracer.startSpan('documentFetch', { parent: root, startTime: nav.fetchStart, attributes: { 'url.full': url } });
    networkEvents(fetchSpan, nav);
    fetchSpan.end(nav.responseEnd);
    if (options.resourceTiming) {
      let n = 0;
      for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
        if (entry.startTime > nav.loadEventEnd || ++n > MAX_RESOURCES) break;
        const span = tracer.startSpan('resourceFetch', {
          parent: root,
          startTime: entry.fetchStart,
          attributes: { 'url.full': pageUrl(entry.name, options.includeQuery) },
        });
        networkEvents(span, entry);
        span.end(entry.responseEnd);
      }
    }
    const marks: [string, number][] = LOAD_EVENTS.filter((name) => nav[name] > 0 || name === 'fetchStart').map((name) => [name, nav[name]]);
    for (const paint of performance.getEntriesByType('paint')) {
      const name = PAINTS[paint.name];
      if (name) marks.push([name, paint.startTime]);
    }
    // In time order, paints among the rest, as a trace view lists them.
    for (const [name, time] of marks.sort((a, b) => a[1] - b[1])) root.addEvent(name, time);
    root.end(nav.loadEventEnd > 0 ? nav.loadEventEnd : undefined);
  } catch {
    // A browser with a partial Performance API: no page load span rather than an exception.
  }
}

function networkEvents(span: Span, entry: PerformanceResourceTiming): void {
  for (const name of NETWORK_EVENTS) if (entry[name] > 0 || name === 'fetchStart') span.addEvent(name, entry[name]);
  span.setAttribute('http.response.body.size', entry.encodedBodySize);
}

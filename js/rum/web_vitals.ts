/**
 * Web Vitals (LCP, INP, CLS, FCP, TTFB) from Google's `web-vitals` library (attribution build,
 * v6), never re-derived here. Each report becomes:
 *
 * - a `browser.web_vital` event (a log record with `eventName`), with the OpenTelemetry
 *   semantic-convention attributes `browser.web_vital.name|value|delta|id|rating|navigation_type`
 *   plus the attribution people debug with (LCP element and URL, INP target and its three
 *   phases, CLS largest shift target);
 * - a measurement in one histogram per vital (`browser.web_vital.lcp` …, unit `ms`, CLS `1`),
 *   with only `browser.web_vital.rating` and, if known, `url.template` as attributes (bounded
 *   cardinality), in explicit buckets: GreptimeDB stores those as `_bucket` (tag `le`), `_sum`
 *   and `_count` tables for PromQL's `histogram_quantile` (exponential histograms it drops).
 *   Each page view is its own series holding one value, so aggregate with `max_over_time`,
 *   not `rate` (see the README).
 *
 * A separate chunk: loaded only when web vitals are enabled.
 */

import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricWithAttribution } from 'web-vitals/attribution';
import type { Histogram, LogAttributes, Telemetry } from '../api/types.js';
import { emitEvent } from './event.js';
import { guarded, warnOnce } from './guard.js';
import { clamp, safeUrl } from './strings.js';

/** Options of the web vitals signal. */
export interface WebVitalsOptions {
  /**
   * Also report vitals of soft navigations (SPA route changes) where the browser reports them
   * (Chrome 151+; elsewhere nothing happens). Their `navigation_type` is `soft-navigation`; a
   * soft navigation has no TTFB, so none is recorded. Default `true`.
   */
  softNavigations?: boolean | undefined;
  /**
   * Send an event for every change of a vital (a new LCP candidate, CLS growing, a worse INP)
   * instead of its value when final or when the page is hidden. More events, and web-vitals
   * runs twice (the histograms still take one final value per vital per page view).
   * Default `false`.
   */
  reportAllChanges?: boolean | undefined;
  /**
   * The current route pattern (e.g. `/users/:id`), added to histogram measurements and events as
   * `url.template`. It must be low-cardinality: never a raw URL. Default: none.
   */
  routePattern?: (() => string | undefined) | undefined;
}

type VitalName = MetricWithAttribution['name'];

/**
 * Bucket boundaries per vital, in ms (CLS unitless). Google's "good" and "poor" thresholds
 * (LCP 2500/4000, INP 200/500, CLS 0.1/0.25, FCP 1800/3000, TTFB 800/1800) are boundaries, so
 * the share of good page views is exact (`le="2500"`), and buckets are narrow around them, so
 * the p75 `histogram_quantile` interpolates inside a bucket is close where it matters. Few
 * buckets (11-13): each is a row per page view and export in GreptimeDB.
 */
const BOUNDARIES: Record<VitalName, number[]> = {
  LCP: [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 8000, 10000, 20000],
  FCP: [300, 600, 900, 1200, 1500, 1800, 2400, 3000, 4000, 6000, 10000, 20000],
  TTFB: [100, 200, 300, 400, 600, 800, 1000, 1400, 1800, 2500, 4000, 8000],
  INP: [50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000],
  CLS: [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.35, 0.5, 1, 2],
};

const SCOPE = 'greptime-web-telemetry/web-vitals';
/** The performance entries each vital is measured from (FCP and TTFB: every browser has them). */
const ENTRY_TYPES: Record<string, string> = { LCP: 'largest-contentful-paint', INP: 'event', CLS: 'layout-shift' };

/**
 * Starts reporting web vitals to `telemetry`; returns a function that stops it (`web-vitals`
 * keeps its observers, whose reports are then ignored). Never throws.
 */
export function start(telemetry: Telemetry, options: WebVitalsOptions = {}): () => void {
  let stopped = false;
  guarded('webVitals', () => {
    if (typeof document === 'undefined') return; // Not a browser (server rendering): nothing to observe, nothing to say.
    if (typeof PerformanceObserver === 'undefined') {
      warnOnce('webVitals.unsupported', 'web vitals: this browser has no PerformanceObserver; none are recorded');
      return;
    }
    // web-vitals stays silent about a vital the browser cannot measure (Firefox: CLS; older
    // engines: LCP and INP too): say so once, as long animation frames do.
    const types = PerformanceObserver.supportedEntryTypes ?? [];
    const missing = Object.keys(ENTRY_TYPES).filter((name) => !types.includes(ENTRY_TYPES[name] ?? ''));
    if (missing.length > 0) warnOnce('webVitals.missing', `web vitals: this browser cannot measure ${missing.join(', ')}; only the others are recorded`);
    const logger = telemetry.getLogger(SCOPE);
    const meter = telemetry.getMeter(SCOPE);
    const histograms = {} as Record<VitalName, Histogram>;
    for (const name of Object.keys(BOUNDARIES) as VitalName[]) {
      histograms[name] = meter.createHistogram(`browser.web_vital.${name.toLowerCase()}`, {
        description: `Web Vital ${name} (web-vitals library), one value per page view or soft navigation`,
        unit: name === 'CLS' ? '1' : 'ms',
        advice: { explicitBucketBoundaries: BOUNDARIES[name] },
      });
    }
    const background = openedInBackground();
    /** Vital ids already in a histogram: one value per page view, even if a vital is reported again. */
    const measured = new Set<string>();
    const allChanges = options.reportAllChanges === true;
    // A navigation's route is read at its first report and kept: the CLS and INP of a page are
    // reported when a soft navigation has already moved the app to the next route.
    const routes = new Map<number, string | undefined>();
    const routeFor = (navigationId: number) => {
      if (!routes.has(navigationId)) {
        if (routes.size >= 100) routes.clear();
        routes.set(navigationId, routeOf(options.routePattern));
      }
      return routes.get(navigationId);
    };

    const report = (metric: MetricWithAttribution, event: boolean, measure: boolean) => {
      if (stopped) return;
      if (metric.name === 'TTFB' && metric.navigationType === 'soft-navigation') return;
      const route = routeFor(metric.navigationId);
      if (event) {
        const attributes: LogAttributes = {
          'browser.web_vital.name': metric.name.toLowerCase(),
          'browser.web_vital.value': metric.value,
          'browser.web_vital.delta': metric.delta,
          'browser.web_vital.id': metric.id,
          'browser.web_vital.rating': metric.rating,
          'browser.web_vital.navigation_type': metric.navigationType,
          ...attribution(metric),
        };
        if (route !== undefined) attributes['url.template'] = route;
        if (background) attributes['browser.page.opened_in_background'] = true;
        emitEvent(logger, 'browser.web_vital', attributes, timeOf(metric));
      }
      if (measure && !measured.has(metric.id)) {
        // Bounded: ids are per page view and soft navigation; a huge SPA session starts over.
        if (measured.size >= 1000) measured.clear();
        measured.add(metric.id);
        const labels: Record<string, string> = { 'browser.web_vital.rating': metric.rating };
        if (route !== undefined) labels['url.template'] = route;
        histograms[metric.name].record(metric.value, labels);
      }
    };
    const reportSoftNavs = options.softNavigations !== false;
    // The histograms take each vital's value as web-vitals reports it by default (final for LCP,
    // FCP, TTFB; at the first hide for CLS and INP), never an early candidate: with
    // reportAllChanges the events get every change from a second set of observers.
    const registrations: Array<[boolean, (m: MetricWithAttribution) => void]> = allChanges
      ? [
          [true, guarded('webVitals', (m: MetricWithAttribution) => report(m, true, false))],
          [false, guarded('webVitals', (m: MetricWithAttribution) => report(m, false, true))],
        ]
      : [[false, guarded('webVitals', (m: MetricWithAttribution) => report(m, true, true))]];
    for (const [reportAllChanges, callback] of registrations) {
      for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB]) {
        try {
          (on as (cb: (m: MetricWithAttribution) => void, o: object) => void)(callback, { reportAllChanges, reportSoftNavs });
        } catch {
          warnOnce('webVitals.start', 'web vitals: the web-vitals library failed to start in this browser; some vitals are not recorded');
        }
      }
    }
  })();
  return () => {
    stopped = true;
  };
}

/** The attribution object web-vitals gives with vital N. */
type AttributionOf<N extends VitalName> = Extract<MetricWithAttribution, { name: N }>['attribution'];

/** The attribution fields worth a column, per vital: where the time went, and on which element. */
const ATTRIBUTION: { [N in VitalName]: (a: AttributionOf<N>) => Record<string, unknown> } = {
  LCP: (a) => ({
    'lcp.element': clamp(a.target),
    'lcp.url': safeUrl(a.url),
    'lcp.time_to_first_byte': a.timeToFirstByte,
    'lcp.resource_load_delay': a.resourceLoadDelay,
    'lcp.resource_load_duration': a.resourceLoadDuration,
    'lcp.element_render_delay': a.elementRenderDelay,
  }),
  INP: (a) => {
    const script = a.longestScript;
    return {
      'inp.target': clamp(a.interactionTarget),
      'inp.interaction_type': a.interactionType,
      'inp.input_delay': a.inputDelay,
      'inp.processing_duration': a.processingDuration,
      'inp.presentation_delay': a.presentationDelay,
      'inp.load_state': a.loadState,
      'inp.total_script_duration': a.totalScriptDuration,
      'inp.longest_script.source_url': safeUrl(script?.entry.sourceURL),
      'inp.longest_script.source_function_name': clamp(script?.entry.sourceFunctionName),
      'inp.longest_script.invoker': clamp(script?.entry.invoker),
      'inp.longest_script.subpart': script?.subpart,
      'inp.longest_script.duration': script?.intersectingDuration,
    };
  },
  CLS: (a) => ({ 'cls.largest_shift_target': clamp(a.largestShiftTarget), 'cls.largest_shift_value': a.largestShiftValue, 'cls.load_state': a.loadState }),
  FCP: (a) => ({ 'fcp.time_to_first_byte': a.timeToFirstByte, 'fcp.first_byte_to_fcp': a.firstByteToFCP, 'fcp.load_state': a.loadState }),
  TTFB: (a) => ({
    'ttfb.waiting_duration': a.waitingDuration,
    'ttfb.dns_duration': a.dnsDuration,
    'ttfb.connection_duration': a.connectionDuration,
    'ttfb.request_duration': a.requestDuration,
  }),
};

/** `metric`'s attribution fields, without the empty ones (undefined, NaN, infinite). */
function attribution(metric: MetricWithAttribution): LogAttributes {
  const out: LogAttributes = {};
  const fields = (ATTRIBUTION[metric.name] as (a: unknown) => Record<string, unknown>)(metric.attribution);
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (typeof value === 'number' ? Number.isFinite(value) : value !== undefined) out[`browser.web_vital.${key}`] = value;
  }
  return out;
}

/**
 * When the vital happened, as the OpenTelemetry browser SIG stamps it: CLS at its largest shift,
 * INP at the interaction, the others at their value (both `performance.now()` readings).
 */
function timeOf(metric: MetricWithAttribution): number | undefined {
  const base = metric.navigationStartTime ?? 0;
  if (metric.name === 'CLS') return metric.attribution.largestShiftTime;
  if (metric.name === 'INP') return metric.attribution.interactionTime;
  return base + metric.value;
}

/** The route pattern, if the app gave a function that returns a non-empty string. */
function routeOf(fn: (() => string | undefined) | undefined): string | undefined {
  if (typeof fn !== 'function') return undefined;
  try {
    const route = fn();
    return typeof route === 'string' && route !== '' ? clamp(route, 128) : undefined;
  } catch {
    warnOnce('webVitals.route', 'web vitals: routePattern() threw; vitals are recorded without a route');
    return undefined;
  }
}

/**
 * True when the page was hidden from its start (opened in a background tab): its vitals then
 * mean little (web-vitals reports no LCP or FCP for it). From the `visibility-state` entries
 * where the browser has them, else the visibility now (this module loads early).
 */
function openedInBackground(): boolean {
  try {
    const first = performance.getEntriesByType?.('visibility-state')?.[0];
    if (first) return first.name === 'hidden' && first.startTime === 0;
  } catch {
    // No such entry type: fall through.
  }
  return document.visibilityState === 'hidden';
}

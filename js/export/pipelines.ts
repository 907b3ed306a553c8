/**
 * Everything that runs only once the WASM core is attached: the sender and the pipelines it
 * serves, what feeds them (error and console capture, fetch/XHR instrumentation, self metrics),
 * and the page-hide listener. A chunk of its own, fetched by `openCore` while the core loads:
 * none of it is needed to record before then, so the page's initial chunk does not carry it.
 * The configuration's validator (config/build_core.ts) comes in the same chunk: both are needed
 * at the same moment, and one chunk instead of two (plus the one they would share: the record
 * writer) measured 1.3 KB gzip less over all chunks and 4-6 ms less until the first export.
 */

import type { Settings } from '../config/schema.js';
import type { TelemetrySdk } from '../telemetry.js';
import type { RecordingSpan } from '../trace/span.js';
import type { LogRecordData } from '../wire/record_writer.js';
import { logChars, spanChars } from '../runtime/initial_chunk.js';
import { instrumentFetch } from '../instrumentation/fetch.js';
import { propagationPolicy } from '../instrumentation/propagation.js';
import { instrumentXhr } from '../instrumentation/xhr.js';
import { captureConsole, captureErrors } from '../logs/capture.js';
import { BatchPipeline } from './batch_pipeline.js';
import { registerInstrument } from '../metrics/instrument_rules.js';
import { sortByKey } from '../metrics/canonical_set.js';
import { RecordWriter } from '../wire/record_writer.js';
import type { CoreServices } from './core_handle.js';
import { warnCoreProblems } from './core_problems.js';
import { transportOver, type Transport } from './fetch_transport.js';
import { exportUrl } from './greptime_contract.js';
import { MetricReader } from './metric_reader.js';
import { observeSelf } from './self_metrics.js';
import { Sender, deliverySettings } from './sender.js';
import { LOGS, METRICS, TRACES } from './signals.js';

export { coreStats } from './core_stats.js';
export { buildCore } from '../config/build_core.js';

/** What runs once the core is attached: the pipelines and what feeds them. */
export interface Attached {
  readonly spans: BatchPipeline<RecordingSpan>;
  readonly logs: BatchPipeline<LogRecordData>;
  readonly metrics: MetricReader;
  readonly sender: Sender;
}

const attributeWriter = new RecordWriter();

/** What calls into the core need once it is attached (CoreHandle `services`). */
export const coreServices: CoreServices = {
  warnProblems: warnCoreProblems,
  encodeAttributes: (list) => attributeWriter.encodeAttributes(sortByKey(list)),
  registerInstrument,
};

/**
 * The pipelines over `sdk`'s core (set on `sdk.handle` before this is called), sending through
 * `transport`, or, without one, through the page's `fetch` as the initial chunk found it.
 */
export function startPipelines(sdk: TelemetrySdk, settings: Settings, transport: Transport | undefined, nativeFetch: typeof fetch | undefined, pageHidden: () => boolean): Attached {
  const handle = sdk.handle;
  handle.services = coreServices;
  const sender = new Sender(handle, transport ?? transportOver(nativeFetch), deliverySettings(settings), pageHidden);
  const unwritable = (what: string) => () =>
    sdk.diag.report('unwritableRecords', () => `a ${what} could not be written and was dropped (please report this as a bug)`);
  const spans = new BatchPipeline(handle, TRACES, sender, (w, span: RecordingSpan) => w.writeSpan(span), unwritable('span'), spanChars);
  const logs = new BatchPipeline<LogRecordData>(handle, LOGS, sender, (w, log) => w.writeLog(log), unwritable('log record'), logChars);
  const metrics = new MetricReader(handle, sdk.buffer, sdk, sender, sdk.diag);
  return { spans, logs, metrics, sender };
}

/**
 * Error and console capture, self metrics, fetch/XHR instrumentation and the page-hide listener,
 * as `settings` asks; returns their stops. `onHide` runs on each change of visibility.
 */
export function startCapture(sdk: TelemetrySdk, settings: Settings, onHide: PageHideListener): (() => void)[] {
  const cleanups: (() => void)[] = [];
  if (settings.captureErrors) cleanups.push(captureErrors(sdk.logger));
  if (settings.selfMetrics) observeSelf(sdk.getMeter(DEFAULT_SCOPE), () => sdk.stats());
  if (settings.instrumentFetch || settings.instrumentXhr) cleanups.push(...instrumentRequests(sdk, settings));
  cleanups.push(captureConsole(sdk.logger, settings.captureConsole));
  cleanups.push(listenForPageHide(onHide));
  return cleanups;
}

/** The page was hidden (`unloading`: by `pagehide`) or shown again. */
export type PageHideListener = (hidden: boolean, unloading: boolean) => void;

const DEFAULT_SCOPE = 'greptime-web-telemetry';

/** Client spans and `traceparent` for fetch and XMLHttpRequest, never for the telemetry endpoint itself. */
function instrumentRequests(sdk: TelemetrySdk, settings: Settings): (() => void)[] {
  const propagate = propagationPolicy(settings.propagateTraceHeaderCorsUrls);
  const endpoints = ([TRACES, METRICS, LOGS] as const).map((s) => exportUrl(settings, s));
  const ignore = (url: URL) => endpoints.some((e) => e !== '' && url.href.startsWith(new URL(e, url).href));
  const tracer = sdk.getTracer(DEFAULT_SCOPE);
  const stops: (() => void)[] = [];
  if (settings.instrumentFetch) stops.push(instrumentFetch(tracer, propagate, ignore));
  if (settings.instrumentXhr) stops.push(instrumentXhr(tracer, propagate, ignore));
  return stops;
}

/**
 * Flushes every signal when the page is hidden or unloaded: the last chance to send. As
 * OpenTelemetry JS does, `visibilitychange` (hidden) and `pagehide` (Safari's reliable
 * signal), never `unload`, which would disable the back/forward cache.
 */
function listenForPageHide(onHide: PageHideListener): () => void {
  if (typeof document === 'undefined' || typeof addEventListener !== 'function') return () => {};
  const onVisibility = () => onHide(document.visibilityState === 'hidden', false);
  const onPageHide = () => onHide(true, true);
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onPageHide);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    removeEventListener('pagehide', onPageHide);
  };
}

/**
 * Public types of greptime-web-telemetry. Names and shapes follow `@opentelemetry/api`, so code
 * written against OpenTelemetry's tracer reads the same here. (Over 400 lines: the whole public
 * surface with its doc comments, which editors show, is one file so it reads as one contract.)
 */

import type { RumOptions } from './rum_types.js';

/** A primitive attribute value. Whole numbers are sent as OTLP ints, others as doubles. */
export type AttributePrimitive = string | number | boolean;

/**
 * An attribute value: a primitive or a homogeneous array of one primitive type (array entries
 * may be `null`/`undefined`). Anything else (objects, functions, NaN, Infinity) is dropped
 * with one console warning and counted in `stats().invalidAttributes`.
 */
export type AttributeValue =
  | AttributePrimitive
  | Array<string | null | undefined>
  | Array<number | null | undefined>
  | Array<boolean | null | undefined>;

/** Attributes of a span, event or link. */
export interface Attributes {
  [key: string]: AttributeValue | undefined;
}

/**
 * A point in time: milliseconds since the Unix epoch (`Date.now()` style), a
 * `performance.now()` reading (any number below 1e11, i.e. three years of page life), a `Date`,
 * or an OpenTelemetry `HrTime` tuple `[seconds, nanoseconds]`.
 */
export type TimeInput = number | Date | [number, number];

/** What a span describes, as in OpenTelemetry. */
export enum SpanKind {
  INTERNAL = 0,
  SERVER = 1,
  CLIENT = 2,
  PRODUCER = 3,
  CONSUMER = 4,
}

/** A span's outcome, as in OpenTelemetry. */
export enum SpanStatusCode {
  UNSET = 0,
  OK = 1,
  ERROR = 2,
}

export interface SpanStatus {
  code: SpanStatusCode;
  /** Only kept for `ERROR`, as the OpenTelemetry specification says. */
  message?: string | undefined;
}

/** The identity of a span, as lowercase hex. */
export interface SpanContext {
  /** 32 hex characters. */
  traceId: string;
  /** 16 hex characters. */
  spanId: string;
  /** W3C trace flags: 1 = sampled. */
  traceFlags: number;
  /** W3C `tracestate`, if any. */
  traceState?: string | undefined;
  /** True for a context received from another process (e.g. a `traceparent` header). */
  isRemote?: boolean | undefined;
}

export interface Link {
  context: SpanContext;
  attributes?: Attributes | undefined;
}

export interface SpanOptions {
  /** Defaults to `SpanKind.INTERNAL`. */
  kind?: SpanKind | undefined;
  attributes?: Attributes | undefined;
  links?: Link[] | undefined;
  /** Defaults to now. */
  startTime?: TimeInput | undefined;
  /**
   * The parent: a span, a span context (e.g. from a `traceparent` header), or `null` for a new
   * trace. Defaults to the active span (see `Tracer.startActiveSpan`).
   */
  parent?: Span | SpanContext | null | undefined;
  /** Same as `parent: null`: start a new trace even inside an active span. */
  root?: boolean | undefined;
}

/** A unit of work. Every method is safe to call at any time and never throws. */
export interface Span {
  spanContext(): SpanContext;
  setAttribute(key: string, value: AttributeValue): this;
  setAttributes(attributes: Attributes): this;
  /** Adds an event; the second argument may be attributes or the event's time. */
  addEvent(name: string, attributesOrStartTime?: Attributes | TimeInput, startTime?: TimeInput): this;
  addLink(link: Link): this;
  addLinks(links: Link[]): this;
  setStatus(status: SpanStatus): this;
  updateName(name: string): this;
  /** Ends the span; later calls are ignored. */
  end(endTime?: TimeInput): void;
  /** True until `end()`. */
  isRecording(): boolean;
  /**
   * Adds an `exception` event with `exception.type`, `exception.message` and
   * `exception.stacktrace` (OpenTelemetry semantic conventions). It does not set the status.
   */
  recordException(exception: unknown, time?: TimeInput): void;
}

/** Creates spans. Get one from `telemetry.tracer` or `telemetry.getTracer(name, version)`. */
export interface Tracer {
  /** Starts a span; it is not made active. */
  startSpan(name: string, options?: SpanOptions): Span;
  /**
   * Starts a span, makes it the active span while `fn` runs, and ends it when `fn` returns or,
   * if `fn` returns a promise, when the promise settles. A throw or rejection is recorded as an
   * exception with status ERROR and passed on unchanged. Returns what `fn` returns.
   *
   * The span is active during `fn`'s synchronous part. Browsers have no async context yet: after
   * an `await` inside `fn`, while `fn`'s promise is pending, the span is still the default parent
   * (of spans, fetch/XHR client spans and their `traceparent`) as long as no unrelated async span
   * is pending at the same time; with two unrelated ones pending, spans started after an `await`
   * start new traces (counted in `stats().ambiguousParents`), and after 10 s the span stops
   * being a default parent (`stats().ambientSpansExpired`). To be exact, pass `{ parent: span }`
   * or run the code in `context.with(span, fn)`. See the README, "Context after await".
   */
  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
}

/**
 * Runs code under a span: the explicit form of what `startActiveSpan` does implicitly. Import it
 * as `import { context } from 'greptime-web-telemetry'`.
 */
export interface ContextApi {
  /**
   * Calls `fn(...args)` (with `this` = `thisArg`) with `span` as the active span: spans started
   * in its synchronous part, and the client spans and `traceparent` headers of instrumented
   * `fetch`/`XMLHttpRequest` calls made there, are children of `span`. If `fn` returns a promise,
   * `span` stays a default parent after its `await`s under the same rules as `startActiveSpan`
   * (alone among pending async spans, at most 10 s). It does not end `span`. Returns what `fn`
   * returns; a throw passes through unchanged. `span` `undefined` just calls `fn`.
   */
  with<A extends unknown[], R>(span: Span | undefined, fn: (...args: A) => R, thisArg?: unknown, ...args: A): R;
  /** The span a span started here would get as its parent, if any (`trace.getActiveSpan()`). */
  active(): Span | undefined;
}

/** Metric attributes: like span attributes; they name the series a measurement belongs to. */
export type MetricAttributes = Attributes;

export interface MetricOptions {
  description?: string | undefined;
  /** UCUM unit, e.g. `ms`, `By`, `{call}`. GreptimeDB adds it to the table name (`ms` → `_milliseconds`). */
  unit?: string | undefined;
  /** Histograms: `explicitBucketBoundaries`, strictly increasing. Default: OpenTelemetry's boundaries. */
  advice?: { explicitBucketBoundaries?: number[] | undefined } | undefined;
}

/** A monotonic sum (`add` takes non-negative values). Stored by GreptimeDB as `<name>_total`. */
export interface Counter {
  add(value: number, attributes?: MetricAttributes): void;
}

/** A sum that goes up and down (live elements, queue depth). */
export interface UpDownCounter {
  add(value: number, attributes?: MetricAttributes): void;
}

/** A distribution of non-negative values (durations, sizes), in explicit buckets. */
export interface Histogram {
  record(value: number, attributes?: MetricAttributes): void;
}

/** The last recorded value (memory in use, a temperature). */
export interface Gauge {
  record(value: number, attributes?: MetricAttributes): void;
}

/** Handed to observable callbacks at collection time. */
export interface ObservableResult {
  observe(value: number, attributes?: MetricAttributes): void;
}

export type ObservableCallback = (result: ObservableResult) => void | Promise<void>;

/** An instrument whose values are read by callbacks at each collection. */
export interface Observable {
  addCallback(callback: ObservableCallback): void;
  removeCallback(callback: ObservableCallback): void;
}

/**
 * Creates instruments; names follow OpenTelemetry's rules (a letter, then letters, digits,
 * `_ . - /`, at most 255), or the instrument records nothing and one warning says why.
 */
export interface Meter {
  createCounter(name: string, options?: MetricOptions): Counter;
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter;
  createHistogram(name: string, options?: MetricOptions): Histogram;
  createGauge(name: string, options?: MetricOptions): Gauge;
  /** Callbacks observe the running total. */
  createObservableCounter(name: string, options?: MetricOptions): Observable;
  createObservableUpDownCounter(name: string, options?: MetricOptions): Observable;
  createObservableGauge(name: string, options?: MetricOptions): Observable;
}

/** OpenTelemetry's severity numbers (1-24); each band has four steps (e.g. ERROR, ERROR2…). */
export enum SeverityNumber {
  UNSPECIFIED = 0,
  TRACE = 1,
  DEBUG = 5,
  INFO = 9,
  WARN = 13,
  ERROR = 17,
  FATAL = 21,
}

/** Log attributes may be structured (nested objects and arrays, four levels deep). */
export interface LogAttributes {
  [key: string]: unknown;
}

export interface LogRecord {
  /** From `severityText` when missing. */
  severityNumber?: SeverityNumber | number | undefined;
  /** From `severityNumber` when missing (`INFO`, `ERROR`, …). */
  severityText?: string | undefined;
  /** A string, or structured data (stored as JSON text by GreptimeDB). */
  body?: unknown;
  attributes?: LogAttributes | undefined;
  /** When it happened. Default: now. */
  timestamp?: TimeInput | undefined;
  /** OpenTelemetry's event name, for records that are events. */
  eventName?: string | undefined;
  /** The span the record belongs to. Default: the active span. */
  span?: Span | undefined;
}

/** Emits log records. Get one from `telemetry.logger` or `telemetry.getLogger(name, version)`. */
export interface Logger {
  emit(record: LogRecord): void;
}

/** Batching of ended spans, with OpenTelemetry's BatchSpanProcessor defaults. */
export interface BatchOptions {
  /**
   * Spans waiting for export beyond this are dropped and counted. Default 2048. The queue also
   * holds at most 2 KiB of encoded items per slot on average (4 MiB at 2048); beyond that too
   * they are dropped (counted as queue full).
   */
  maxQueueSize?: number | undefined;
  /** Spans per export request. Default 512. */
  maxExportBatchSize?: number | undefined;
  /** Delay between scheduled exports, in ms. Default 5000. */
  scheduledDelayMillis?: number | undefined;
  /** An export that takes longer is aborted, in ms. Default 30000. */
  exportTimeoutMillis?: number | undefined;
}

export interface MetricsOptions {
  /** Collection and export interval, in ms. Default 15000. */
  exportIntervalMillis?: number | undefined;
  /** Default 30000. */
  exportTimeoutMillis?: number | undefined;
  /**
   * Default `cumulative` (what PromQL `rate()` on GreptimeDB expects). GreptimeDB (≤ 1.2) stores
   * `delta` points as sent: sum them in SQL or with `sum_over_time` instead (see the README).
   */
  temporality?: 'cumulative' | 'delta' | undefined;
  /** Attribute sets per instrument; more share one overflow series marked `otel.metric.overflow="true"`. Default 2000. */
  cardinalityLimit?: number | undefined;
}

/** Limits applied to each span; what they cut is counted. OpenTelemetry's defaults, except the value length. */
export interface SpanLimits {
  /** Default 128. */
  attributeCountLimit?: number | undefined;
  /** Longer strings (and string array entries) are truncated to this many characters. Default 8192. */
  attributeValueLengthLimit?: number | undefined;
  /** Default 128. */
  eventCountLimit?: number | undefined;
  /** Default 128. */
  linkCountLimit?: number | undefined;
  /** Default 128. */
  attributePerEventCountLimit?: number | undefined;
  /** Default 128. */
  attributePerLinkCountLimit?: number | undefined;
}

/** Configuration for `initTelemetry`. Unknown keys and wrong types are reported in the console. */
export interface TelemetryConfig {
  /**
   * GreptimeDB's HTTP address, e.g. `http://localhost:4000` (spans go to
   * `{endpoint}/v1/otlp/v1/traces`), or a same-origin path such as `/greptime` behind a proxy.
   * Without it telemetry is a no-op.
   */
  endpoint?: string | undefined;
  /**
   * Database (`X-Greptime-DB-Name`). Default `public`. Avoid `-`: GreptimeDB reads `a-b` as catalog `a`, schema `b`.
   * Sent as a header, so Latin-1 only, no line breaks (as `traceTable`, `logTable`): otherwise telemetry is disabled with a warning.
   */
  database?: string | undefined;
  /**
   * Credentials, sent as `x-greptime-auth: Basic …`. Anything in a browser is public: use a
   * write-only GreptimeDB user (`name:wo=password` in the static user provider) or a proxy.
   */
  username?: string | undefined;
  password?: string | undefined;
  /** Extra request headers. `Authorization` is sent as `x-greptime-auth` (see the README). A value beyond Latin-1 or with line breaks is ignored with a warning. */
  headers?: Record<string, string> | undefined;
  /** `service.name`, the column GreptimeDB groups traces by. Default `unknown_service:webjs`. */
  serviceName?: string | undefined;
  /** `service.version` (OpenTelemetry semantic conventions), e.g. your app's release. Default: not sent. */
  serviceVersion?: string | undefined;
  /**
   * More resource attributes, e.g. `{ 'deployment.environment.name': 'staging' }`. Each page view
   * gets a random `service.instance.id` (GreptimeDB's metric tag `instance`, which keeps pages'
   * series apart); set your own only if it is unique per SDK instance.
   */
  resourceAttributes?: Attributes | undefined;
  /** Trace table (`x-greptime-trace-table-name`). Default `opentelemetry_traces`, or `opentelemetry_traces_v2` with `traceModel: 'v2'`. */
  traceTable?: string | undefined;
  /**
   * GreptimeDB's trace data model (the `x-greptime-pipeline-name` header). Default `'v1'`.
   * - `'v1'` (`greptime_trace_v1`, any GreptimeDB since 0.14): every attribute key becomes a typed
   *   column (`span_attributes.url.full`); simplest SQL, but each new key adds a column.
   * - `'v2'` (`greptime_trace_v2`, GreptimeDB 1.3+): attributes in three JSON columns, a fixed
   *   schema however many keys the browser sends. Its table defaults to `opentelemetry_traces_v2`:
   *   GreptimeDB rejects writing one model into a table created by the other.
   * Another value is ignored with a warning (v1 is used).
   */
  traceModel?: 'v1' | 'v2' | undefined;
  batch?: BatchOptions | undefined;
  /** Batching of log records. OpenTelemetry's BatchLogRecordProcessor defaults: as `batch`, but 1000 ms delay. */
  logBatch?: BatchOptions | undefined;
  /** Log table (`x-greptime-log-table-name`). Default `opentelemetry_logs`. */
  logTable?: string | undefined;
  metrics?: MetricsOptions | undefined;
  spanLimits?: SpanLimits | undefined;
  /** Record uncaught errors and unhandled promise rejections as ERROR logs (and exception events on the active span). Default `false`. */
  captureErrors?: boolean | undefined;
  /**
   * Record console calls as logs: `true` for `info`, `warn` and `error`, or a list of
   * methods (`debug`, `log`, `info`, `warn`, `error`). The page's console still prints. Default `false`.
   */
  captureConsole?: boolean | Array<'debug' | 'log' | 'info' | 'warn' | 'error'> | undefined;
  /** `false` turns telemetry into a silent no-op. Default `true`. */
  enabled?: boolean | undefined;
  /**
   * Where the page can fetch the WASM core as a file of its own: the package's
   * `greptime-web-telemetry/core.wasm` (`dist/wasm/greptime_web_telemetry_bg.wasm`), served
   * by the app, ideally as `application/wasm` with a long cache lifetime and brotli. It is then
   * compiled while it downloads (`WebAssembly.compileStreaming`) and the inlined copy is never
   * fetched. Default: none, the inlined module (works with no bundler or server setting).
   * A string or URL, relative to the page. If it cannot be fetched or compiled (a 404, another
   * version's module), the inlined module is used instead, with one warning; served with another
   * content type it is compiled after download, with one warning. Read once per page (the first
   * `initTelemetry` loads the core).
   */
  wasmUrl?: string | URL | undefined;
  /**
   * Retries of failed exports (network errors, 429, 502, 503, 504), with exponential backoff
   * (× 1.5 per attempt, ±20 % jitter) unless the answer's `Retry-After` says otherwise. What is
   * retried and then sent, or kept offline, is not warned about (nothing was lost): it shows in
   * `stats()` (`exportRetries`, `itemsPersistedOffline`) and as the browser's own failed requests.
   */
  retry?:
    | {
        /** Attempts per export, the first included: 1 to 20. Default 6. */
        maxAttempts?: number | undefined;
        /** Wait before the first retry, in ms. Default 1000. */
        initialBackoffMillis?: number | undefined;
        /** Longest wait between attempts, in ms. Default 5000. */
        maxBackoffMillis?: number | undefined;
      }
    | undefined;
  /**
   * Keep what could not be sent (offline, or past every retry) in IndexedDB and send it later.
   * `false` turns it off. Default: on, 5 MiB, 24 hours.
   */
  offline?: boolean | { enabled?: boolean | undefined; maxBytes?: number | undefined; maxAgeMillis?: number | undefined } | undefined;
  /** gzip request bodies of at least `thresholdBytes` (default 1024); `'none'` or `false` turns it off. */
  compression?: 'gzip' | 'none' | boolean | { thresholdBytes?: number | undefined } | undefined;
  /** Share of new traces recorded, 0 to 1 (children follow their parent). Default 1. */
  sampleRatio?: number | undefined;
  /** Trace `fetch` calls as client spans and propagate `traceparent` (see `propagateTraceHeaderCorsUrls`). Default `false`. */
  instrumentFetch?: boolean | undefined;
  /** The same for `XMLHttpRequest`. Default `false`. */
  instrumentXhr?: boolean | undefined;
  /**
   * Other origins that get `traceparent`/`tracestate` headers (same-origin requests always do):
   * a string matches URLs that start with it, a RegExp URLs it matches. Only list backends that
   * allow these headers in their CORS preflight answer.
   */
  propagateTraceHeaderCorsUrls?: Array<string | RegExp> | undefined;
  /**
   * Also export the SDK's own counters as metrics: `greptime_web_telemetry.items` (by `signal`
   * and `outcome`: exported, rejected, failed, dropped_queue_full, kept_offline, restored_offline,
   * dropped_offline, unconfirmed_offline, unconfirmed_at_unload) and
   * `greptime_web_telemetry.retries`. Default `false`.
   */
  selfMetrics?: boolean | undefined;  /**
   * The browser by itself: sessions, the page load, SPA navigations, Web Vitals, long animation
   * frames, user actions (see `RumOptions`). Default: all on except `resourceTiming`; `false`
   * turns them all off.
   */
  rum?: false | RumOptions | undefined;
}

/** Counters describing what happened to telemetry so far. */
export interface TelemetryStats {
  spansStarted: number;
  spansEnded: number;
  /** Ended spans waiting in the queue. */
  spansQueued: number;
  spansExported: number;
  /** Spans GreptimeDB refused individually (partial success). */
  spansRejectedByServer: number;
  /** Spans lost because their export request failed. */
  spansFailedExport: number;
  spansDroppedQueueFull: number;
  spanExportRequests: number;
  logsEmitted: number;
  logsQueued: number;
  logsExported: number;
  logsRejectedByServer: number;
  logsFailedExport: number;
  logsDroppedQueueFull: number;
  logExportRequests: number;
  metricPointsExported: number;
  metricPointsFailedExport: number;
  metricExportRequests: number;
  /** Attribute sets known across all instruments. */
  metricSeries: number;
  /** Distinct attribute sets beyond `metrics.cardinalityLimit`, counted in overflow series: each set once (up to 8,192 sets remembered per page; past that a set seen again may count again). */
  metricSeriesOverflowed: number;
  /** Measurements dropped: not a finite number, or negative where only non-negative values make sense. */
  invalidMeasurements: number;
  /** Observable callbacks that threw, rejected or timed out. */
  callbackErrors: number;
  /**
   * Boolean and array metric attribute values sent as strings (`"true"`, `'["a","b"]'`), counted
   * once per attribute set: GreptimeDB keeps only string and number attributes as tags and would
   * drop them, merging series that differ only in them.
   */
  metricAttributesConverted: number;
  /** Metric collections that failed (a bug or a broken core); the next collection runs as usual. */
  metricCollectionErrors: number;
  /** Attribute values that could not be sent (objects, functions, NaN, mixed arrays, bad keys). */
  invalidAttributes: number;
  /** Attributes beyond `spanLimits` counts. */
  attributesOverLimit: number;
  /** Strings cut to `spanLimits.attributeValueLengthLimit`, arrays cut to 1024 entries. */
  attributeValuesTruncated: number;
  eventsOverLimit: number;
  linksOverLimit: number;
  /** Calls with unusable arguments (a non-string name, an unknown status code), ignored or repaired. */
  invalidArguments: number;
  /** Calls on a span after `end()`, ignored. */
  callsAfterEnd: number;
  /**
   * Spans started after an `await` while several unrelated async spans (e.g. two user actions)
   * were pending: their parent could not be known, so they started new traces.
   */
  ambiguousParents: number;
  /** Async spans whose promise stayed pending past 10 s and so stopped being a default parent. */
  ambientSpansExpired: number;
  /** Spans and log records dropped because they could not be written for the core (a bug if ever non-zero). */
  unwritableRecords: number;
  /** Record chunks the WASM core could not decode (a bug if ever non-zero). */
  malformedRecordChunks: number;
  /**
   * Recorded while the WASM core loaded and dropped: spans, log records and measurements (all
   * instruments together) beyond the 2048 of each kind kept, and instruments beyond 1000. Warned about once.
   */
  droppedBeforeReady: number;
  /**
   * Long animation frames past `rum.longAnimationFrames.maxFramesPerPage` on this page, not
   * recorded (the `browser.long_animation_frame.dropped` event at page hide counts them too).
   */
  longAnimationFramesDropped: number;
  /** Requests sent again after a network error or 429/502/503/504. */
  exportRetries: number;
  /** Requests split in two (a 413, or to fit the keepalive budget on page unload). */
  requestsSplit: number;
  /** Items kept in IndexedDB to be sent later (offline, or the backend down past every retry). */
  itemsPersistedOffline: number;
  /**
   * Items in keepalive requests whose answer the page could not wait for: the page was being
   * unloaded, and a browser fails the request's promise then while it may still deliver it.
   * Neither sent again nor kept (that could send them twice); counted here.
   */
  itemsUnconfirmedAtUnload: number;
  /** Items from IndexedDB that the backend then accepted. */
  itemsRestoredFromOffline: number;
  /** Items the offline store dropped (over `offline.maxBytes`, or older than `offline.maxAgeMillis`). */
  itemsDroppedOffline: number;
  /**
   * Kept items a page sent and went away before the answer (a navigation mid-drain): not sent
   * again, since the request most likely arrived (at most once); lost if it did not.
   */
  itemsUnconfirmedOffline: number;
  /**
   * Items that may arrive twice, counted by the page that may cause it (copies kept in the
   * offline store while a batch was on its way, see README "Kept before hide"): its main thread
   * stalled past the copies' 3 s hold, so another page may have sent them too; or the page was
   * hidden before the delete of an answered batch's copies had committed, so the next load may
   * send them again. Usually 0; an upper bound, not a count of duplicates seen.
   */
  itemsPossiblyDuplicated: number;
  /** Size of the WASM core's linear memory (it grows, never shrinks: a bound on what the core holds). */
  wasmMemoryBytes: number;
}

/** The handle `initTelemetry` resolves to. */
export interface Telemetry {
  /** False when telemetry is a no-op (no endpoint, `enabled: false`, or the WASM failed to load). */
  readonly enabled: boolean;
  /** The default tracer (scope `greptime-web-telemetry`). */
  readonly tracer: Tracer;
  /** A tracer for a named instrumentation scope, e.g. your app or library. */
  getTracer(name: string, version?: string): Tracer;
  /** The default meter (scope `greptime-web-telemetry`). */
  readonly meter: Meter;
  getMeter(name: string, version?: string): Meter;
  /** The default logger (scope `greptime-web-telemetry`). */
  readonly logger: Logger;
  getLogger(name: string, version?: string): Logger;
  /**
   * Exports every ended span and log record and collects metrics now; resolves when every export
   * has been answered. Never rejects. Against an endpoint that does not answer it waits out the
   * retries (`retry`: about 13 s of backoff at the defaults, plus up to `exportTimeoutMillis` per
   * attempt): do not hold a navigation on it. What is still unsent then is kept offline (`offline`).
   */
  forceFlush(): Promise<void>;
  /** Flushes, then stops timers and listeners and frees the WASM core. Later spans are no-ops. */
  shutdown(): Promise<void>;
  stats(): TelemetryStats;
}

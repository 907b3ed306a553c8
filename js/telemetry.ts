/**
 * The `Telemetry` handle: tracers, meters and loggers over one WASM core, with a pipeline per
 * signal (spans and log records batched, metrics collected periodically), flushed together on
 * `forceFlush()`, `shutdown()` and when the page is hidden.
 */

import type { Logger, Meter, Telemetry, TelemetryStats, Tracer } from './api/types.js';
import type { Settings } from './config/schema.js';
import type { TelemetryCore } from './wasm/greptime_web_telemetry.js';
import { BatchPipeline } from './export/batch_pipeline.js';
import { CoreHandle } from './export/core_handle.js';
import { fetchTransport, type Transport } from './export/fetch_transport.js';
import { MetricReader } from './export/metric_reader.js';
import { observeSelf } from './export/self_metrics.js';
import { coreStats } from './export/core_stats.js';
import { exportUrl } from './export/greptime_contract.js';
import { Sender, deliverySettings } from './export/sender.js';
import { LOGS, METRICS, TRACES } from './export/signals.js';
import { instrumentFetch } from './instrumentation/fetch.js';
import { propagationPolicy } from './instrumentation/propagation.js';
import { instrumentXhr } from './instrumentation/xhr.js';
import { captureConsole, captureErrors } from './logs/capture.js';
import { LoggerImpl, type LoggerHost } from './logs/logger.js';
import { MeasurementBuffer } from './metrics/measurement_buffer.js';
import type { ObservableImpl } from './metrics/instruments.js';
import { MeterImpl } from './metrics/meter.js';
import { Diagnostics } from './runtime/diagnostics.js';
import { runBeforeHideFlush } from './runtime/page_hide.js';
import { wasmMemoryBytes } from './runtime/wasm_loader.js';
import type { ResolvedSpanLimits } from './trace/limits.js';
import { emptyStats } from './trace/noop.js';
import { spanChars, type RecordingSpan } from './trace/span.js';
import { TracerImpl, type TracerHost } from './trace/tracer.js';
import type { LogRecordData } from './wire/record_writer.js';
import { logChars } from './logs/log_values.js';

const DEFAULT_SCOPE = 'greptime-web-telemetry';
/** Tracers, meters and loggers are cached by scope; beyond this many, new scopes are not cached. */
const MAX_CACHED_SCOPES = 64;

export class TelemetrySdk implements Telemetry, TracerHost, LoggerHost {
  readonly enabled = true;
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly logger: Logger;
  readonly diag = new Diagnostics();
  readonly limits: ResolvedSpanLimits;
  readonly buffer: MeasurementBuffer;
  readonly handle: CoreHandle;
  readonly observables: ObservableImpl[] = [];
  spansStarted = 0;
  logsEmitted = 0;
  readonly sampleRatio: number;
  private spansEnded = 0;
  private readonly spans: BatchPipeline<RecordingSpan>;
  private readonly logs: BatchPipeline<LogRecordData>;
  private readonly metrics: MetricReader;
  private readonly sender: Sender;
  private readonly scopes = new Map<string, Tracer | Meter | Logger>();
  private readonly cleanups: (() => void)[] = [];
  private pageHidden = false;
  private shutdownPromise: Promise<void> | undefined;
  /** The core's counters as they were when it was freed. */
  private finalCoreStats: Record<string, number> | undefined;

  /** `settings`: the validated configuration `core` was built from (js/config/). */
  constructor(core: TelemetryCore, settings: Settings, transport: Transport = fetchTransport) {
    this.handle = new CoreHandle(core, settings);
    this.limits = settings.spanLimits;
    this.sampleRatio = settings.sampleRatio;
    this.sender = new Sender(this.handle, transport, deliverySettings(settings), () => this.pageHidden);
    const unwritable = (what: string) => () =>
      this.diag.report('unwritableRecords', () => `a ${what} could not be written and was dropped (please report this as a bug)`);
    this.spans = new BatchPipeline(this.handle, TRACES, this.sender, (w, span) => w.writeSpan(span), unwritable('span'), spanChars);
    this.logs = new BatchPipeline<LogRecordData>(this.handle, LOGS, this.sender, (w, log) => w.writeLog(log), unwritable('log record'), logChars);
    this.buffer = new MeasurementBuffer(this.handle);
    this.metrics = new MetricReader(this.handle, this.buffer, this, this.sender, this.diag);
    this.sender.start();
    this.tracer = this.getTracer(DEFAULT_SCOPE);
    this.meter = this.getMeter(DEFAULT_SCOPE);
    this.logger = this.getLogger(DEFAULT_SCOPE);
    if (settings.captureErrors) this.cleanups.push(captureErrors(this.logger));
    if (settings.selfMetrics) observeSelf(this.getMeter(DEFAULT_SCOPE), () => this.stats());
    if (settings.instrumentFetch || settings.instrumentXhr) this.instrumentRequests(settings);
    this.cleanups.push(captureConsole(this.logger, settings.captureConsole));
    this.cleanups.push(this.listenForPageHide());
  }

  get recording(): boolean {
    return !this.shutdownPromise && !this.handle.broken;
  }

  onEnd(span: RecordingSpan): void {
    this.spansEnded++;
    this.spans.add(span);
  }

  onEmit(record: LogRecordData): void {
    this.logs.add(record);
  }

  getTracer(name: string, version?: string): Tracer {
    return this.scoped('t', name, version, (n, v) => new TracerImpl(this, n, v));
  }

  getMeter(name: string, version?: string): Meter {
    return this.scoped('m', name, version, (n, v) => new MeterImpl(this, this, n, v));
  }

  getLogger(name: string, version?: string): Logger {
    return this.scoped('l', name, version, (n, v) => new LoggerImpl(this, n, v));
  }

  /** Everything out at once, with keepalive: the page may be about to go. */
  private flushOnHide(unloading: boolean): Promise<void> {
    this.sender.pageHiding(unloading);
    return Promise.all([this.spans.flushOnHide(), this.logs.flushOnHide(), this.metrics.collectOnHide()]).then(
      () => {},
      () => {},
    );
  }

  forceFlush(): Promise<void> {
    return Promise.all([this.spans.forceFlush(), this.logs.forceFlush(), this.metrics.forceFlush()]).then(
      () => {},
      () => {},
    );
  }

  shutdown(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    // Stop capturing first, so nothing the shutdown itself logs is captured.
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    const closing = Promise.all([this.spans.shutdown(), this.logs.shutdown(), this.metrics.shutdown()]);
    this.shutdownPromise = closing
      .catch(() => {})
      .then(() => {
        this.sender.close();
        this.finalCoreStats = this.coreStats();
        this.handle.call((c) => c.free(), undefined);
        this.handle.broken = true;
      });
    return this.shutdownPromise;
  }

  stats(): TelemetryStats {
    const stats = emptyStats();
    Object.assign(stats, this.finalCoreStats ?? this.coreStats(), this.diag.counts, this.sender.counters);
    stats.spansStarted = this.spansStarted;
    stats.spansEnded = this.spansEnded;
    stats.logsEmitted = this.logsEmitted;
    stats.wasmMemoryBytes = wasmMemoryBytes();
    return stats;
  }

  /** Client spans and `traceparent` for fetch and XMLHttpRequest, never for the telemetry endpoint itself. */
  private instrumentRequests(settings: Settings): void {
    const propagate = propagationPolicy(settings.propagateTraceHeaderCorsUrls);
    const endpoints = ([TRACES, METRICS, LOGS] as const).map((s) => exportUrl(settings, s));
    const ignore = (url: URL) => endpoints.some((e) => e !== '' && url.href.startsWith(new URL(e, url).href));
    const tracer = this.getTracer(DEFAULT_SCOPE);
    if (settings.instrumentFetch) this.cleanups.push(instrumentFetch(tracer, propagate, ignore));
    if (settings.instrumentXhr) this.cleanups.push(instrumentXhr(tracer, propagate, ignore));
  }

  private coreStats(): Record<string, number> {
    return this.handle.call((c) => coreStats(c) as Record<string, number>, {});
  }

  private scoped<T extends Tracer | Meter | Logger>(kind: string, name: unknown, version: unknown, create: (name: string, version: string) => T): T {
    const scopeName = typeof name === 'string' && name ? name : DEFAULT_SCOPE;
    const scopeVersion = typeof version === 'string' ? version : '';
    const key = `${kind}\u0000${scopeName}\u0000${scopeVersion}`;
    let value = this.scopes.get(key) as T | undefined;
    if (!value) {
      value = create(scopeName, scopeVersion);
      if (this.scopes.size < MAX_CACHED_SCOPES * 3) this.scopes.set(key, value);
    }
    return value;
  }

  /**
   * Flushes every signal when the page is hidden or unloaded: the last chance to send. As
   * OpenTelemetry JS does, `visibilitychange` (hidden) and `pagehide` (Safari's reliable
   * signal), never `unload`, which would disable the back/forward cache.
   */
  private listenForPageHide(): () => void {
    if (typeof document === 'undefined' || typeof addEventListener !== 'function') return () => {};
    const onVisibility = () => {
      this.pageHidden = document.visibilityState === 'hidden';
      if (this.pageHidden) {
        runBeforeHideFlush();
        void this.flushOnHide(false);
      } else {
        this.sender.pageShown();
        this.metrics.pageShown();
      }
    };
    const onPageHide = () => {
      this.pageHidden = true;
      runBeforeHideFlush();
      void this.flushOnHide(true);
    };
    document.addEventListener('visibilitychange', onVisibility);
    addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      removeEventListener('pagehide', onPageHide);
    };
  }
}

/**
 * The `Telemetry` handle: tracers, meters and loggers over one WASM core, with a pipeline per
 * signal (spans and log records batched, metrics collected periodically), flushed together on
 * `forceFlush()`, `shutdown()` and when the page is hidden.
 *
 * The handle works from the first line (`startTelemetry`): its tracers, meters and loggers are
 * the real ones at once, and only the hand-off to the core waits while the core loads
 * (before_ready.ts). Once the core is attached, the pipelines take what waited, in order; if it
 * fails to load, the handle becomes a no-op (the loader warned once).
 */

import type { Logger, Meter, Telemetry, TelemetryConfig, TelemetryStats, Tracer } from './api/types.js';
import type { Settings } from './config/schema.js';
import type { TelemetryCore } from './wasm/greptime_web_telemetry.js';
import { BeforeReady, type EarlyMeasurement } from './export/before_ready.js';
import { CoreHandle } from './export/core_handle.js';
import type { Transport } from './export/fetch_transport.js';
import type { Attached } from './export/pipelines.js';
import { LoggerImpl, type LoggerHost } from './logs/logger.js';
import { MeasurementBuffer } from './metrics/measurement_buffer.js';
import type { ObservableImpl } from './metrics/instruments.js';
import { MeterImpl } from './metrics/meter.js';
import { Diagnostics, thrownMessage, warn } from './runtime/diagnostics.js';
import { nativeFetch } from './runtime/native_fetch.js';
import { runBeforeHideFlush } from './runtime/page_hide.js';
import { claimRunning, releaseRunning, warnSecondStart } from './runtime/running.js';
import { backgroundTimeout } from './runtime/timers.js';
import { wasmMemoryBytes } from './runtime/wasm_loader.js';
import { DEFAULT_SPAN_LIMITS, limitsFromConfig, type ResolvedSpanLimits } from './trace/limits.js';
import { NOOP_TELEMETRY, emptyStats } from './trace/noop.js';
import type { RecordingSpan } from './trace/span.js';
import { TracerImpl, type TracerHost } from './trace/tracer.js';
import type { LogRecordData } from './wire/record_writer.js';
import { putAttribute, type AttributeList } from './trace/attributes.js';

/** What runs once the core is attached (export/pipelines.ts): a chunk loaded with the core. */
export type Pipelines = typeof import('./export/pipelines.js');

const DEFAULT_SCOPE = 'greptime-web-telemetry';
/** Tracers, meters and loggers are cached by scope; beyond this many, new scopes are not cached. */
const MAX_CACHED_SCOPES = 64;

/** The constructed WASM core, and the browser signals' start (js/rum/index.ts) when they are on. */
export interface OpenedCore {
  readonly core: TelemetryCore;
  /** The validated configuration the core was built from (js/config/). */
  readonly settings: Settings;
  /** Starts sessions and the signals; returns their stop, run at shutdown. */
  readonly startRum?: ((sdk: TelemetrySdk) => () => void) | undefined;
  /** The pipelines' module, loaded with the core. */
  readonly pipelines: Pipelines;
}

/** Loads and constructs the WASM core; undefined (after one warning) when telemetry stays off. */
export type CoreOpener = () => Promise<OpenedCore | undefined>;

export class TelemetrySdk implements Telemetry, TracerHost, LoggerHost {
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly logger: Logger;
  readonly diag = new Diagnostics();
  /** Read from the configuration until the core is attached, then the core's (a span reads them at each call). */
  limits: ResolvedSpanLimits = DEFAULT_SPAN_LIMITS;
  readonly buffer: MeasurementBuffer;
  readonly handle: CoreHandle;
  readonly observables: ObservableImpl[] = [];
  /** Settles when the core is attached (with this handle) or failed to load (with a no-op handle). */
  readonly ready: Promise<Telemetry>;
  spansStarted = 0;
  logsEmitted = 0;
  /** From the configuration until the core is attached (it validates it), then the core's. */
  sampleRatio = 1;
  /** The current `session.id` (js/rum/session.ts), stamped on every span and log record; unset: sessions off. */
  sessionOf: (() => string) | undefined = undefined;
  private spansEnded = 0;
  #attached: Attached | undefined;
  /** The pipelines' module, once attached (its `coreStats` reads the core's counters). */
  #pipelines: Pipelines | undefined;
  private readonly early: BeforeReady<RecordingSpan, LogRecordData>;
  private readonly scopes = new Map<string, Tracer | Meter | Logger>();
  readonly #cleanups: (() => void)[] = [];
  #pageHidden = false;
  #shutdownPromise: Promise<void> | undefined;
  /** `shutdown()` was called before the core was attached. */
  #closedEarly = false;
  #started = false;
  /** Whether the configuration looks like it enables telemetry: `enabled` until the core decides. */
  #likelyEnabled = false;
  #resolveReady: (telemetry: Telemetry) => void = () => {};
  /** The core's counters as they were when it was freed. */
  #finalCoreStats: Record<string, number> | undefined;

  /**
   * With a core (the settings it was built from, and the pipelines' module): ready at once.
   * Without one: records at once, and `start()` loads the core through `open` (nothing is
   * loaded before that). Without `transport`, exports go through the page's `fetch`.
   */
  constructor(
    core?: TelemetryCore,
    /** The validated configuration `core` was built from (js/config/); with `core` only. */
    settings?: Settings,
    private readonly transport?: Transport,
    config?: TelemetryConfig,
    private readonly open?: CoreOpener,
    /** export/pipelines.ts; with `core` only (`open` brings its own). */
    pipelines?: Pipelines,
  ) {
    this.handle = new CoreHandle();
    this.early = new BeforeReady(this.diag);
    this.buffer = new MeasurementBuffer(this.handle);
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#readConfigurationEarly(config);
    this.tracer = this.getTracer(DEFAULT_SCOPE);
    this.meter = this.getMeter(DEFAULT_SCOPE);
    this.logger = this.getLogger(DEFAULT_SCOPE);
    if (core && settings && pipelines) {
      this.#started = true;
      this.#attach(pipelines, core, settings);
    }
  }

  /** Starts loading the WASM core (once); what is recorded meanwhile waits for it. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    // One running telemetry per page (runtime/running.ts): a handle started beside a running one
    // (a TelemetryProvider rendered before startTelemetry ran, mounted after) stays a no-op.
    if (this.open && this.#likelyEnabled && !claimRunning(this)) {
      warnSecondStart('this handle is a no-op');
      this.fail();
      return;
    }
    const open = this.open ?? (() => Promise.resolve(undefined));
    // `open` never rejects (it warns and resolves undefined); a throw in attach is a bug, kept from the app.
    void open()
      .then((opened) => (opened ? this.#attach(opened.pipelines, opened.core, opened.settings, opened.startRum) : this.fail()))
      .catch((error: unknown) => {
        warn(`telemetry stopped: it could not start (${thrownMessage(error)}; please report this as a bug)`);
        this.fail();
      });
  }

  get enabled(): boolean {
    if (this.#attached) return true;
    return this.#likelyEnabled && !this.#closedEarly && !this.handle.broken;
  }

  get recording(): boolean {
    return !this.#shutdownPromise && !this.#closedEarly && !this.handle.broken;
  }

  /** True once the core is attached: instruments register with it, measurements go to it. */
  get coreReady(): boolean {
    return this.#attached !== undefined && !this.handle.broken;
  }

  onEnd(span: RecordingSpan): void {
    this.spansEnded++;
    if (this.sessionOf) this.#stampSession(span.attributes);
    if (this.#attached) this.#attached.spans.add(span);
    else this.#keepEarly(() => this.early.span(span));
  }

  onEmit(record: LogRecordData): void {
    if (this.sessionOf) this.#stampSession(record.attributes);
    if (this.#attached) this.#attached.logs.add(record);
    else this.#keepEarly(() => this.early.log(record));
  }

  /** A measurement made before the core was ready; replayed once it is. */
  onEarlyMeasurement(measurement: EarlyMeasurement): void {
    this.#keepEarly(() => this.early.measurement(measurement));
  }

  /** An instrument created before the core was ready: `register` runs once it is. */
  onEarlyInstrument(register: () => void): boolean {
    if (this.handle.broken) return false;
    this.start();
    return this.early.instrument(register);
  }

  #keepEarly(keep: () => void): void {
    if (this.handle.broken) return;
    this.start();
    keep();
  }

  /**
   * The core has loaded: reads its settings, starts the pipelines, hands them what waited (in
   * order: instruments, then measurements, spans and log records), then the capture and page
   * hide listeners. A `shutdown()` called meanwhile runs now, flushing what waited. Sessions
   * (`startRum`) start before what waited is handed over, so it carries `session.id` too.
   */
  #attach(pipelines: Pipelines, core: TelemetryCore, settings: Settings, startRum?: (sdk: TelemetrySdk) => () => void): void {
    const handle = this.handle;
    handle.core = core;
    handle.settings = settings;
    this.limits = settings.spanLimits;
    this.sampleRatio = settings.sampleRatio;
    this.#pipelines = pipelines;
    const attached = pipelines.startPipelines(this, settings, this.transport, nativeFetch, () => this.#pageHidden);
    this.#attached = attached;
    const { sender, spans, logs } = attached;
    // Off setup's path, in a task of its own: loading the offline store's chunk, opening
    // IndexedDB and sending what an earlier page left there cost 1-3 ms of the TelemetrySdk
    // phase (bench/setup_phases.mjs). A send failing before then opens the store on demand.
    backgroundTimeout(() => {
      if (!this.#shutdownPromise && !handle.broken) sender.start();
    }, 0);
    const waited = this.early.take();
    if (startRum && !this.#closedEarly) {
      try {
        this.#cleanups.push(startRum(this));
      } catch (error) {
        warn(`rum: the browser signals could not start (${thrownMessage(error)})`);
      }
    }
    for (const register of waited.instruments) register();
    for (const measurement of waited.measurements) measurement.replay();
    for (const span of waited.spans) {
      if (this.sessionOf) this.#stampSession(span.attributes);
      spans.add(span);
    }
    for (const record of waited.logs) {
      if (this.sessionOf) this.#stampSession(record.attributes);
      logs.add(record);
    }
    if (this.#closedEarly) {
      this.#resolveReady(this);
      void this.shutdown();
      return;
    }
    this.#cleanups.push(...pipelines.startCapture(this, settings, (hidden, unloading) => this.#pageVisibility(hidden, unloading)));
    this.#resolveReady(this);
  }

  /** The core could not load (the opener warned why): a no-op from now on, what waited forgotten. */
  private fail(): void {
    releaseRunning(this);
    this.handle.broken = true;
    this.early.take();
    this.#resolveReady(NOOP_TELEMETRY);
  }

  /** `sampleRatio`, span limits and `enabled` before the core validates the configuration; never throws. */
  #readConfigurationEarly(config: TelemetryConfig | undefined): void {
    try {
      const c = (typeof config === 'object' && config !== null ? config : {}) as TelemetryConfig;
      this.limits = limitsFromConfig(c.spanLimits);
      if (typeof c.sampleRatio === 'number' && c.sampleRatio >= 0 && c.sampleRatio <= 1) this.sampleRatio = c.sampleRatio;
      this.#likelyEnabled = c.enabled !== false && typeof c.endpoint === 'string' && c.endpoint !== '' && typeof document !== 'undefined';
    } catch {
      // A hostile configuration (a Proxy): the opener reports it and the handle becomes a no-op.
    }
  }

  /** `session.id`, unless the record set its own (the `session.end` event names the ended session). */
  #stampSession(list: AttributeList): void {
    if (list.keys.indexOf('session.id') >= 0) return;
    try {
      putAttribute(list, 'session.id', this.sessionOf?.(), this.limits.attributeCountLimit, this.limits.attributeValueLengthLimit, this.diag);
    } catch {
      // A session that cannot be read must not lose the record.
    }
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
    const a = this.#attached;
    if (!a) return Promise.resolve();
    a.sender.pageHiding(unloading);
    return Promise.all([a.spans.flushOnHide(), a.logs.flushOnHide(), a.metrics.collectOnHide()]).then(
      () => {},
      () => {},
    );
  }

  forceFlush(): Promise<void> {
    if (!this.#attached) {
      if (!this.#started || this.handle.broken) return Promise.resolve();
      return this.ready.then(() => (this.#attached ? this.forceFlush() : undefined));
    }
    const a = this.#attached;
    return Promise.all([a.spans.forceFlush(), a.logs.forceFlush(), a.metrics.forceFlush()]).then(
      () => {},
      () => {},
    );
  }

  shutdown(): Promise<void> {
    if (this.#shutdownPromise) return this.#shutdownPromise;
    releaseRunning(this);
    const a = this.#attached;
    if (!a) {
      // Nothing new is recorded; what waits is flushed once the core is attached (see attach).
      this.#closedEarly = true;
      return this.#started ? this.ready.then(() => this.#shutdownPromise) : Promise.resolve();
    }
    // Stop capturing first, so nothing the shutdown itself logs is captured.
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    const closing = Promise.all([a.spans.shutdown(), a.logs.shutdown(), a.metrics.shutdown()]);
    this.#shutdownPromise = closing
      .catch(() => {})
      .then(() => {
        a.sender.close();
        this.#finalCoreStats = this.#coreStats();
        this.handle.call((c) => c.free(), undefined);
        this.handle.broken = true;
      });
    return this.#shutdownPromise;
  }

  stats(): TelemetryStats {
    const stats = emptyStats();
    Object.assign(stats, this.#finalCoreStats ?? this.#coreStats(), this.diag.counts, this.#attached?.sender.counters);
    stats.spansStarted = this.spansStarted;
    stats.spansEnded = this.spansEnded;
    stats.logsEmitted = this.logsEmitted;
    stats.wasmMemoryBytes = wasmMemoryBytes();
    return stats;
  }

  #coreStats(): Record<string, number> {
    const read = this.#pipelines?.coreStats;
    return read ? this.handle.call((c) => read(c) as Record<string, number>, {}) : {};
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
   * The page was hidden (`unloading`: `pagehide`) or shown again (export/pipelines.ts listens):
   * hidden, what is left to record is recorded (runtime/page_hide.ts), then everything goes out at once.
   */
  #pageVisibility(hidden: boolean, unloading: boolean): void {
    this.#pageHidden = hidden;
    if (hidden) {
      runBeforeHideFlush();
      void this.flushOnHide(unloading);
    } else {
      this.#attached?.sender.pageShown();
      this.#attached?.metrics.pageShown();
    }
  }
}

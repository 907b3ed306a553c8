/**
 * `startTelemetry`: a Telemetry handle that records from the first line of the app, while the
 * WASM core loads. Until it is ready, ended spans, measurements and log records wait in
 * bounded JS buffers (a span is a plain JS object anyway); then they are handed to the real
 * SDK in order, and every later call goes straight to it. If initialisation fails, the
 * buffers are dropped and the handle becomes a no-op (with the one warning `initTelemetry`
 * prints).
 */

import type {
  Counter,
  Gauge,
  Histogram,
  LogRecord,
  Logger,
  Meter,
  MetricAttributes,
  MetricOptions,
  Observable,
  ObservableCallback,
  Telemetry,
  TelemetryConfig,
  TelemetryStats,
  Tracer,
} from './api/types.js';
import { initTelemetry } from './init.js';
import { Diagnostics } from './runtime/diagnostics.js';
import { nowMillis } from './trace/clock.js';
import { activeSpan } from './trace/context.js';
import { DEFAULT_SPAN_LIMITS } from './trace/limits.js';
import { NOOP_TRACER, emptyStats } from './trace/noop.js';
import type { RecordingSpan } from './trace/span.js';
import { TracerImpl, type TracerHost } from './trace/tracer.js';
import { TelemetrySdk } from './telemetry.js';

/** Items of each kind kept while the core loads; more are dropped (and counted). */
const MAX_PENDING = 2048;

/** A Telemetry handle usable at once; `ready` settles when the WASM core has loaded (or failed to). */
export interface StartedTelemetry extends Telemetry {
  readonly ready: Promise<Telemetry>;
}

/**
 * Starts telemetry and returns a handle that works immediately: spans, measurements and logs
 * recorded while the WASM core loads are kept (up to 2048 of each) and sent once it is ready.
 * Never throws; a configuration or load problem turns it into a no-op with one warning.
 *
 * @example
 * export const telemetry = startTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'shop-web' });
 * telemetry.tracer.startSpan('app start').end(); // fine before the core has loaded
 */
export function startTelemetry(config: TelemetryConfig): StartedTelemetry {
  const telemetry = new DeferredTelemetry(config);
  telemetry.start();
  return telemetry;
}

/**
 * Like `startTelemetry`, but the WASM core only starts loading on first use (or `start()`):
 * React may render a component twice and discard one result, and a handle that was never used
 * must not leave a loading core, timers and listeners behind.
 */
export function lazyTelemetry(config: TelemetryConfig): StartedTelemetry & { start(): void } {
  return new DeferredTelemetry(config);
}

class DeferredTelemetry implements StartedTelemetry, TracerHost {
  readonly ready: Promise<Telemetry>;
  readonly limits = DEFAULT_SPAN_LIMITS;
  /** Read from the configuration directly: the core validates it once it has loaded. */
  readonly sampleRatio: number;
  readonly diag = new Diagnostics();
  spansStarted = 0;
  readonly tracer: Tracer;
  readonly meter: Meter;
  readonly logger: Logger;
  private real: Telemetry | undefined;
  private closed = false;
  private dropped = 0;
  private readonly pendingSpans: RecordingSpan[] = [];
  private readonly pendingLogs: LogRecord[] = [];
  private readonly pendingInstruments: DeferredInstrument[] = [];
  private readonly scopes = new Map<string, Tracer | Meter | Logger>();
  private readonly likelyEnabled: boolean;

  private started = false;
  private resolveReady!: (telemetry: Telemetry) => void;

  constructor(private readonly config: TelemetryConfig) {
    const c = (typeof config === 'object' && config !== null ? config : {}) as TelemetryConfig;
    this.sampleRatio = 1;
    this.likelyEnabled = false;
    try {
      this.sampleRatio = typeof c.sampleRatio === 'number' && c.sampleRatio >= 0 && c.sampleRatio <= 1 ? c.sampleRatio : 1;
      this.likelyEnabled = c.enabled !== false && typeof c.endpoint === 'string' && c.endpoint !== '' && typeof document !== 'undefined';
    } catch {
      // A hostile configuration (a Proxy): initTelemetry reports it and the handle becomes a no-op.
    }
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    this.tracer = this.getTracer('greptime-web-telemetry');
    this.meter = this.getMeter('greptime-web-telemetry');
    this.logger = this.getLogger('greptime-web-telemetry');
  }

  /** Starts loading the WASM core (once); everything recorded before waits for it. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void initTelemetry(this.config).then((telemetry) => {
      this.adopt(telemetry);
      this.resolveReady(telemetry);
    });
  }

  get enabled(): boolean {
    return this.real ? this.real.enabled : this.likelyEnabled && !this.closed;
  }

  get recording(): boolean {
    return !this.closed;
  }

  onEnd(span: RecordingSpan): void {
    const real = this.real;
    if (real instanceof TelemetrySdk) real.onEnd(span);
    else if (!real) this.keep(this.pendingSpans, span);
  }

  getTracer(name: string, version?: string): Tracer {
    return this.scoped('t', name, version, (n, v) => new DeferredTracer(this, n, v));
  }

  getMeter(name: string, version?: string): Meter {
    return this.scoped('m', name, version, (n, v) => new DeferredMeter(this, n, v));
  }

  getLogger(name: string, version?: string): Logger {
    return this.scoped('l', name, version, (n, v) => new DeferredLogger(this, n, v));
  }

  forceFlush(): Promise<void> {
    if (!this.started) return Promise.resolve();
    return this.ready.then((t) => t.forceFlush());
  }

  shutdown(): Promise<void> {
    this.closed = true;
    if (!this.started) return Promise.resolve();
    return this.ready.then((t) => t.shutdown());
  }

  stats(): TelemetryStats {
    const stats = this.real ? this.real.stats() : emptyStats();
    stats.spansStarted += this.spansStarted;
    for (const [kind, n] of Object.entries(this.diag.counts)) stats[kind as keyof typeof this.diag.counts] += n;
    stats.droppedBeforeReady = this.dropped;
    return stats;
  }

  /** The real SDK, once `ready` has it (undefined before). */
  get current(): Telemetry | undefined {
    return this.real;
  }

  keep<T>(list: T[], item: T): void {
    this.start();
    if (list.length < MAX_PENDING) list.push(item);
    else this.dropped++;
  }

  pendingLog(record: LogRecord): void {
    this.keep(this.pendingLogs, record);
  }

  pendingInstrument(instrument: DeferredInstrument): void {
    this.start();
    this.pendingInstruments.push(instrument);
  }

  private adopt(telemetry: Telemetry): void {
    this.real = telemetry;
    if (telemetry instanceof TelemetrySdk) {
      for (const span of this.pendingSpans) telemetry.onEnd(span);
    }
    for (const instrument of this.pendingInstruments) instrument.bind(telemetry);
    for (const { scope, ...record } of this.pendingLogs as PendingLog[]) telemetry.getLogger(...scope).emit(record);
    this.pendingSpans.length = 0;
    this.pendingInstruments.length = 0;
    this.pendingLogs.length = 0;
  }

  private scoped<T extends Tracer | Meter | Logger>(kind: string, name: unknown, version: unknown, create: (name: string, version: string) => T): T {
    const scopeName = typeof name === 'string' && name ? name : 'greptime-web-telemetry';
    const scopeVersion = typeof version === 'string' ? version : '';
    const key = `${kind}\u0000${scopeName}\u0000${scopeVersion}`;
    let value = this.scopes.get(key) as T | undefined;
    if (!value) {
      value = create(scopeName, scopeVersion);
      if (this.scopes.size < 192) this.scopes.set(key, value);
    }
    return value;
  }
}

type PendingLog = LogRecord & { scope: [string, string] };

class DeferredTracer implements Tracer {
  private readonly early: TracerImpl;

  constructor(
    private readonly owner: DeferredTelemetry,
    private readonly name: string,
    private readonly version: string,
  ) {
    this.early = new TracerImpl(owner, name, version);
  }

  private target(): Tracer {
    const real = this.owner.current;
    if (real) return real.getTracer(this.name, this.version);
    if (!this.owner.recording) return NOOP_TRACER;
    this.owner.start();
    return this.early;
  }

  startSpan(...args: Parameters<Tracer['startSpan']>) {
    return this.target().startSpan(...args);
  }

  startActiveSpan(name: string, optionsOrFn: unknown, maybeFn?: unknown): never {
    return (this.target().startActiveSpan as (...a: unknown[]) => never)(name, optionsOrFn, maybeFn);
  }
}

class DeferredLogger implements Logger {
  constructor(
    private readonly owner: DeferredTelemetry,
    private readonly name: string,
    private readonly version: string,
  ) {}

  emit(record: LogRecord): void {
    const real = this.owner.current;
    if (real) {
      real.getLogger(this.name, this.version).emit(record);
    } else if (this.owner.recording && typeof record === 'object' && record !== null) {
      // Keep what only the moment of emitting knows: the time and the active span.
      const pending: PendingLog = {
        ...record,
        timestamp: record.timestamp ?? nowMillis(),
        span: record.span ?? activeSpan(),
        scope: [this.name, this.version],
      };
      this.owner.pendingLog(pending);
    }
  }
}

type InstrumentKind = 'createCounter' | 'createUpDownCounter' | 'createHistogram' | 'createGauge';
type ObservableKind = 'createObservableCounter' | 'createObservableUpDownCounter' | 'createObservableGauge';

/** An instrument created before the core was ready: buffers measurements, then forwards. */
class DeferredInstrument implements Counter, Histogram, Gauge, Observable {
  private real: (Counter & Histogram & Observable) | undefined;
  private readonly measurements: [number, MetricAttributes | undefined][] = [];
  private readonly callbacks: ObservableCallback[] = [];

  constructor(
    private readonly owner: DeferredTelemetry,
    private readonly scope: [string, string],
    private readonly kind: InstrumentKind | ObservableKind,
    private readonly name: string,
    private readonly options: MetricOptions | undefined,
  ) {}

  add(value: number, attributes?: MetricAttributes): void {
    if (this.real) this.real.add(value, attributes);
    else if (this.owner.recording) this.owner.keep(this.measurements, [value, attributes]);
  }

  record(value: number, attributes?: MetricAttributes): void {
    if (this.real) this.real.record(value, attributes);
    else if (this.owner.recording) this.owner.keep(this.measurements, [value, attributes]);
  }

  addCallback(callback: ObservableCallback): void {
    if (this.real) this.real.addCallback(callback);
    else if (!this.callbacks.includes(callback)) this.callbacks.push(callback);
  }

  removeCallback(callback: ObservableCallback): void {
    if (this.real) this.real.removeCallback(callback);
    const i = this.callbacks.indexOf(callback);
    if (i >= 0) this.callbacks.splice(i, 1);
  }

  bind(telemetry: Telemetry): void {
    const meter = telemetry.getMeter(...this.scope) as unknown as Record<string, (name: string, options?: MetricOptions) => unknown>;
    const real = meter[this.kind](this.name, this.options) as Counter & Histogram & Observable;
    const isRecord = this.kind === 'createHistogram' || this.kind === 'createGauge';
    for (const [value, attributes] of this.measurements) {
      if (isRecord) real.record(value, attributes);
      else real.add(value, attributes);
    }
    for (const callback of this.callbacks) real.addCallback(callback);
    this.measurements.length = 0;
    this.real = real;
  }
}

class DeferredMeter implements Meter {
  constructor(
    private readonly owner: DeferredTelemetry,
    private readonly name: string,
    private readonly version: string,
  ) {}

  /** The real instrument once the core is ready; a buffering stand-in before. */
  private instrument<T>(kind: InstrumentKind | ObservableKind, name: string, options?: MetricOptions): T {
    const real = this.owner.current;
    if (real) return (real.getMeter(this.name, this.version) as unknown as Record<string, (n: string, o?: MetricOptions) => T>)[kind](name, options);
    const instrument = new DeferredInstrument(this.owner, [this.name, this.version], kind, name, options);
    this.owner.pendingInstrument(instrument);
    return instrument as unknown as T;
  }

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.instrument('createCounter', name, options);
  }

  createUpDownCounter(name: string, options?: MetricOptions): Counter {
    return this.instrument('createUpDownCounter', name, options);
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.instrument('createHistogram', name, options);
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.instrument('createGauge', name, options);
  }

  createObservableCounter(name: string, options?: MetricOptions): Observable {
    return this.instrument('createObservableCounter', name, options);
  }

  createObservableUpDownCounter(name: string, options?: MetricOptions): Observable {
    return this.instrument('createObservableUpDownCounter', name, options);
  }

  createObservableGauge(name: string, options?: MetricOptions): Observable {
    return this.instrument('createObservableGauge', name, options);
  }
}

/**
 * A meter: creates instruments in one instrumentation scope. Creating an instrument again with
 * the same name (case-insensitively), kind and unit returns the one already made, as the
 * OpenTelemetry API specifies: both get the same id (instrument_rules.ts), and the meter keeps one JS
 * object per id. So an app that calls `createObservableGauge` on every component mount adds no
 * instrument and no registry entry after the first, and `removeCallback` acts on the callbacks
 * the collection really runs. The core caps instruments at 1000, which bounds both maps.
 */

import type { Counter, Gauge, Histogram, Meter, MetricOptions, Observable, UpDownCounter } from '../api/types.js';
import { describe } from '../runtime/diagnostics.js';
import { CounterImpl, HistogramImpl, Kind, ObservableImpl, PENDING_ID, type MetricsHost } from './instruments.js';

/** Instruments as the telemetry SDK keeps them: observables are read at each collection. */
export interface InstrumentRegistry {
  readonly observables: ObservableImpl[];
}

type AnyInstrument = CounterImpl | HistogramImpl | ObservableImpl;

/** What the core registers an instrument with, read from the app's options once. */
interface InstrumentSpec {
  description: string;
  unit: string;
  bounds: Float64Array;
}
/** The instrument's name for warnings: `String()` of a Symbol or Proxy would throw. */
function nameOf(name: unknown): string {
  return typeof name === 'string' ? name : describe(name);
}

export class MeterImpl implements Meter {
  /** Core instrument id → its JS object (ids are unique per name, kind, unit and scope). */
  readonly #instruments = new Map<number, AnyInstrument>();
  /**
   * Instruments created while the core loads, by the identity they are registered under (kind, name
   * ignoring ASCII case, unit): the same object for the same identity, as afterwards.
   */
  readonly #pending = new Map<string, AnyInstrument>();

  constructor(
    private readonly host: MetricsHost,
    private readonly registry: InstrumentRegistry,
    private readonly scopeName: string,
    private readonly scopeVersion: string,
  ) {}

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.#instrument(Kind.Counter, name, options, (id, n) => new CounterImpl(this.host, id, Kind.Counter, n));
  }

  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.#instrument(Kind.UpDownCounter, name, options, (id, n) => new CounterImpl(this.host, id, Kind.UpDownCounter, n));
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.#instrument(Kind.Histogram, name, options, (id, n) => new HistogramImpl(this.host, id, Kind.Histogram, n));
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.#instrument(Kind.Gauge, name, options, (id, n) => new HistogramImpl(this.host, id, Kind.Gauge, n));
  }

  createObservableCounter(name: string, options?: MetricOptions): Observable {
    return this.observable(Kind.ObservableCounter, name, options);
  }

  createObservableUpDownCounter(name: string, options?: MetricOptions): Observable {
    return this.observable(Kind.ObservableUpDownCounter, name, options);
  }

  createObservableGauge(name: string, options?: MetricOptions): Observable {
    return this.observable(Kind.ObservableGauge, name, options);
  }

  private observable(kind: Kind, name: string, options: MetricOptions | undefined): Observable {
    return this.#instrument(kind, name, options, (id, n) => {
      // Another meter object for the same scope (past the SDK's scope cache) may have made it.
      const known = id >= 0 ? this.registry.observables.find((o) => o.id === id) : undefined;
      if (known) return known;
      const instrument = new ObservableImpl(this.host, id, kind, n);
      if (id >= 0 || id === PENDING_ID) this.registry.observables.push(instrument);
      return instrument;
    });
  }

  /** The instrument with the core's id for (kind, name, options), made by `create` the first time. */
  #instrument<T extends AnyInstrument>(kind: Kind, name: string, options: MetricOptions | undefined, create: (id: number, name: string) => T): T {
    const spec = this.#spec(name, options);
    if (!spec) return create(-1, nameOf(name)); // records nothing; not kept
    if (!this.host.coreReady) return this.early(kind, name, spec, create);
    const id = this.#register(kind, name, spec);
    if (id < 0) return create(id, nameOf(name)); // records nothing; not kept
    let instrument = this.#instruments.get(id) as T | undefined;
    if (instrument === undefined) {
      instrument = create(id, nameOf(name));
      this.#instruments.set(id, instrument);
    }
    return instrument;
  }

  /** An instrument created while the core loads: it records at once and is registered once the core is ready. */
  private early<T extends AnyInstrument>(kind: Kind, name: string, spec: InstrumentSpec, create: (id: number, name: string) => T): T {
    const key = `${kind}\u0000${name.replace(/[A-Z]+/g, (c) => c.toLowerCase())}\u0000${spec.unit}`;
    const known = this.#pending.get(key) as T | undefined;
    if (known) return known;
    const instrument = create(PENDING_ID, name);
    const waits = this.host.onEarlyInstrument(() => {
      this.#pending.delete(key);
      instrument.id = this.#register(kind, name, spec);
      if (instrument.id >= 0 && !this.#instruments.has(instrument.id)) this.#instruments.set(instrument.id, instrument);
      else if (instrument.id < 0) this.#forget(instrument);
    });
    if (waits) this.#pending.set(key, instrument);
    else {
      instrument.id = -1;
      this.#forget(instrument);
    }
    return instrument;
  }

  /** An observable that records nothing is not run at collection. */
  #forget(instrument: AnyInstrument): void {
    const i = this.registry.observables.indexOf(instrument as ObservableImpl);
    if (i >= 0) this.registry.observables.splice(i, 1);
  }

  /** The name and options as the core takes them; undefined (after a warning) when the name is not a string. */
  #spec(name: unknown, options: MetricOptions | undefined): InstrumentSpec | undefined {
    if (typeof name !== 'string') {
      this.host.diag.report('invalidArguments', () => `instrument name must be a string, got ${describe(name)}; the instrument records nothing`);
      return undefined;
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const spec: InstrumentSpec = { description: '', unit: '', bounds: new Float64Array(0) };
    try {
      spec.description = text(options?.description);
      spec.unit = text(options?.unit);
      const boundaries = options?.advice?.explicitBucketBoundaries;
      if (Array.isArray(boundaries) && boundaries.every((b) => typeof b === 'number')) spec.bounds = new Float64Array(boundaries);
    } catch {
      // A Proxy or a throwing getter: the instrument is created with the defaults.
      this.host.diag.report('invalidArguments', () => `"${name}": instrument options could not be read; using the defaults`);
    }
    return spec;
  }

  /** The core's id for the instrument, the same for the same identity; -1 = records nothing (warned). */
  #register(kind: Kind, name: string, spec: InstrumentSpec): number {
    const handle = this.host.handle;
    // The rules and the identities load with the core (CoreServices): registering waits for it anyway.
    const services = handle.services;
    return services ? services.registerInstrument(handle, kind, name, spec.unit, spec.bounds, spec.description, this.scopeName, this.scopeVersion) : -1;
  }
}

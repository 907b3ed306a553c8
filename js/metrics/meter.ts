/** A meter: creates instruments in one instrumentation scope. */

import type { Counter, Gauge, Histogram, Meter, MetricOptions, Observable, UpDownCounter } from '../api/types.js';
import { describe } from '../runtime/diagnostics.js';
import { CounterImpl, HistogramImpl, Kind, ObservableImpl, type MetricsHost } from './instruments.js';

/** Instruments as the telemetry SDK keeps them: observables are read at each collection. */
export interface InstrumentRegistry {
  readonly observables: ObservableImpl[];
}

/** The instrument's name for warnings: `String()` of a Symbol or Proxy would throw. */
function nameOf(name: unknown): string {
  return typeof name === 'string' ? name : describe(name);
}

export class MeterImpl implements Meter {
  constructor(
    private readonly host: MetricsHost,
    private readonly registry: InstrumentRegistry,
    private readonly scopeName: string,
    private readonly scopeVersion: string,
  ) {}

  createCounter(name: string, options?: MetricOptions): Counter {
    return new CounterImpl(this.host, this.register(Kind.Counter, name, options), Kind.Counter, nameOf(name));
  }

  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return new CounterImpl(this.host, this.register(Kind.UpDownCounter, name, options), Kind.UpDownCounter, nameOf(name));
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    return new HistogramImpl(this.host, this.register(Kind.Histogram, name, options), Kind.Histogram, nameOf(name));
  }

  createGauge(name: string, options?: MetricOptions): Gauge {
    return new HistogramImpl(this.host, this.register(Kind.Gauge, name, options), Kind.Gauge, nameOf(name));
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
    const instrument = new ObservableImpl(this.host, this.register(kind, name, options), kind, nameOf(name));
    if (instrument.id >= 0) this.registry.observables.push(instrument);
    return instrument;
  }

  /** The core validates the name and unit (warning once per bad instrument); -1 = records nothing. */
  private register(kind: Kind, name: unknown, options: MetricOptions | undefined): number {
    if (typeof name !== 'string') {
      this.host.diag.report('invalidArguments', () => `instrument name must be a string, got ${describe(name)}; the instrument records nothing`);
      return -1;
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    let description = '';
    let unit = '';
    let bounds = new Float64Array(0);
    try {
      description = text(options?.description);
      unit = text(options?.unit);
      const boundaries = options?.advice?.explicitBucketBoundaries;
      if (Array.isArray(boundaries) && boundaries.every((b) => typeof b === 'number')) bounds = new Float64Array(boundaries);
    } catch {
      // A Proxy or a throwing getter: the instrument is created with the defaults.
      this.host.diag.report('invalidArguments', () => `"${name}": instrument options could not be read; using the defaults`);
    }
    return this.host.handle.call((c) => c.registerInstrument(kind, name, description, unit, this.scopeName, this.scopeVersion, bounds), -1);
  }
}

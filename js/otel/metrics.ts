/**
 * The API's `MeterProvider` over our meters. Our instruments already have the API's shape
 * (`add`/`record`, `addCallback`/`removeCallback`); options keep `description`, `unit` and
 * `advice.explicitBucketBoundaries` (`valueType` is not used: whole numbers go out as ints anyway).
 */

import type {
  BatchObservableCallback,
  Counter as ApiCounter,
  Gauge as ApiGauge,
  Histogram as ApiHistogram,
  UpDownCounter as ApiUpDownCounter,
  Meter as ApiMeter,
  MeterProvider,
  MetricOptions as ApiMetricOptions,
  Observable as ApiObservable,
  ObservableCallback as ApiObservableCallback,
} from '@opentelemetry/api';
import type { Meter, MetricOptions, Telemetry } from '../api/types.js';

function options(o: ApiMetricOptions | undefined): MetricOptions | undefined {
  if (!o || typeof o !== 'object') return undefined;
  const bounds = o.advice?.explicitBucketBoundaries;
  return { description: o.description, unit: o.unit, advice: bounds ? { explicitBucketBoundaries: bounds } : undefined };
}

class BridgedMeter implements ApiMeter {
  /** Per batch callback, the per-instrument callbacks registered for it. */
  private readonly batches = new Map<BatchObservableCallback, Map<ApiObservable, ApiObservableCallback>>();
  constructor(private readonly meter: Meter) {}

  // Our instruments check attribute values at run time; the API types its attributes more loosely.
  createCounter(name: string, o?: ApiMetricOptions): ApiCounter {
    return this.meter.createCounter(name, options(o)) as unknown as ApiCounter;
  }
  createUpDownCounter(name: string, o?: ApiMetricOptions): ApiUpDownCounter {
    return this.meter.createUpDownCounter(name, options(o)) as unknown as ApiUpDownCounter;
  }
  createHistogram(name: string, o?: ApiMetricOptions): ApiHistogram {
    return this.meter.createHistogram(name, options(o)) as unknown as ApiHistogram;
  }
  createGauge(name: string, o?: ApiMetricOptions): ApiGauge {
    return this.meter.createGauge(name, options(o)) as unknown as ApiGauge;
  }
  createObservableCounter(name: string, o?: ApiMetricOptions): ApiObservable {
    return this.meter.createObservableCounter(name, options(o)) as unknown as ApiObservable;
  }
  createObservableUpDownCounter(name: string, o?: ApiMetricOptions): ApiObservable {
    return this.meter.createObservableUpDownCounter(name, options(o)) as unknown as ApiObservable;
  }
  createObservableGauge(name: string, o?: ApiMetricOptions): ApiObservable {
    return this.meter.createObservableGauge(name, options(o)) as unknown as ApiObservable;
  }

  /**
   * Our collection reads each observable by itself, so the batch callback runs once per
   * observable per collection, each run keeping only what it observes for that observable.
   */
  addBatchObservableCallback(callback: BatchObservableCallback, observables: ApiObservable[]): void {
    if (typeof callback !== 'function' || !Array.isArray(observables)) return;
    let registered = this.batches.get(callback);
    if (!registered) this.batches.set(callback, (registered = new Map()));
    for (const observable of observables) {
      if (!observable || typeof observable.addCallback !== 'function' || registered.has(observable)) continue;
      const single: ApiObservableCallback = (result) =>
        callback({
          observe(target, value, attributes) {
            if (target === observable) result.observe(value, attributes);
          },
        });
      registered.set(observable, single);
      observable.addCallback(single);
    }
  }

  removeBatchObservableCallback(callback: BatchObservableCallback, observables: ApiObservable[]): void {
    const registered = this.batches.get(callback);
    if (!registered || !Array.isArray(observables)) return;
    for (const observable of observables) {
      const single = registered.get(observable);
      if (!single) continue;
      observable.removeCallback(single);
      registered.delete(observable);
    }
    if (registered.size === 0) this.batches.delete(callback);
  }
}

const meters = new WeakMap<Meter, BridgedMeter>();

/** `getMeter(name, version)` of the telemetry, as the API's `MeterProvider`. */
export function meterProvider(telemetry: Telemetry): MeterProvider {
  return {
    getMeter(name: string, version?: string): ApiMeter {
      const meter = telemetry.getMeter(name, version);
      let bridged = meters.get(meter);
      if (!bridged) meters.set(meter, (bridged = new BridgedMeter(meter)));
      return bridged;
    },
  };
}

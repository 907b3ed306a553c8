/**
 * Metric instruments. The hot path (`add`, `record`) stays in JS: it checks the value, finds
 * the attribute set's series id in a per-instrument cache, and appends one pair to the
 * measurement buffer. Only an attribute set not seen before crosses into WASM, once, to be
 * registered (sorted there, so attribute order does not matter).
 */

import type {
  Counter,
  Gauge,
  Histogram,
  MetricAttributes,
  Observable,
  ObservableCallback,
  ObservableResult,
  UpDownCounter,
} from '../api/types.js';
import type { EarlyMeasurement } from '../export/before_ready.js';
import type { CoreHandle } from '../export/core_handle.js';
import { describe, thrownMessage, type Diagnostics } from '../runtime/diagnostics.js';
import { newAttributeList, putAttributes, type AttributeList } from '../trace/attributes.js';
import { nowMillis } from '../trace/clock.js';
import type { ResolvedSpanLimits } from '../trace/limits.js';
import { convertForGreptime } from './attribute_values.js';
import type { MeasurementBuffer } from './measurement_buffer.js';

/** Instrument kinds as the core numbers them (src/pipeline/metric_instruments.rs). */
export const enum Kind {
  Counter = 0,
  UpDownCounter = 1,
  Histogram = 2,
  Gauge = 3,
  ObservableCounter = 4,
  ObservableUpDownCounter = 5,
  ObservableGauge = 6,
}

/** What instruments share: the core, the buffer, limits and diagnostics. */
export interface MetricsHost {
  readonly handle: CoreHandle;
  readonly buffer: MeasurementBuffer;
  readonly diag: Diagnostics;
  readonly limits: ResolvedSpanLimits;
  readonly recording: boolean;
  /** False while the WASM core loads: instruments and series cannot be registered yet. */
  readonly coreReady: boolean;
  /** Keeps a measurement made while the core loads (bounded), to replay once it is ready. */
  onEarlyMeasurement(measurement: EarlyMeasurement): void;
  /** Runs `register` once the core is ready; false when it will not (too many, or no core). */
  onEarlyInstrument(register: () => void): boolean;
}

/** An instrument's id before the core has registered it (`startTelemetry`). */
export const PENDING_ID = -2;

/** Attribute sets cached per instrument; past this many the cache starts over. */
const SERIES_CACHE_LIMIT = 4096;
/** Where a trie node keeps the series id of the attribute set that ends there. */
const END = Symbol('series');

/**
 * Attribute set → series id, as a trie walked key, value, key, value… in the object's own
 * order. Lookups reuse the app's own key and value strings (their hashes are cached), so a
 * known set costs a few Map lookups and builds no string. Different key orders take different
 * paths to the same series (the core sorts attributes when it registers a set).
 */
type TrieNode = Map<unknown, TrieNode | number>;

function seriesNode(root: TrieNode, attributes: MetricAttributes): TrieNode {
  let node = root;
  for (const k in attributes) {
    let v: unknown = attributes[k];
    // Maps compare objects by identity; an array (rare in metric attributes) by its contents.
    if (typeof v === 'object' && v !== null) v = arrayKey(v);
    let values = node.get(k) as TrieNode | undefined;
    if (values === undefined) node.set(k, (values = new Map()));
    let next = values.get(v) as TrieNode | undefined;
    if (next === undefined) values.set(v, (next = new Map()));
    node = next;
  }
  return node;
}

/**
 * Lengths prefix every entry, so no content can be mistaken for a separator. Only primitives
 * are stringified (an array holding anything else is dropped at registration, so all such
 * arrays share one key): `String()` of an object can throw or run app code.
 */
function arrayKey(v: object): string {
  if (!Array.isArray(v)) return '\u0000object';
  let key = '\u0000array';
  for (const x of v) {
    const t = typeof x;
    if (t !== 'string' && t !== 'number' && t !== 'boolean' && x !== null && x !== undefined) return '\u0000invalid';
    const text = String(x);
    key += `${t}${text.length}:${text}`;
  }
  return key;
}

/** The shared part of every instrument: its core id and its attribute-set → series cache. */
class InstrumentBase {
  #noAttributesSeries = -2;
  private series: TrieNode = new Map();
  #cachedSets = 0;

  constructor(
    protected readonly host: MetricsHost,
    /** -1: invalid name (the core warned); the instrument records nothing. PENDING_ID: the core is loading. */
    public id: number,
    readonly kind: Kind,
    readonly name: string,
  ) {}

  /** Checks and records one measurement; never throws. */
  protected measure(value: number, attributes: MetricAttributes | undefined): void {
    if ((this.id < 0 && this.id !== PENDING_ID) || !this.host.recording) return;
    const nonNegative = this.kind === Kind.Counter || this.kind === Kind.Histogram || this.kind === Kind.ObservableCounter;
    if (typeof value !== 'number' || !Number.isFinite(value) || (nonNegative && value < 0)) {
      this.host.diag.report(
        'invalidMeasurements',
        () => `"${this.name}": measurement ${describe(value)} dropped (${nonNegative ? 'a finite number ≥ 0' : 'a finite number'} expected)`,
      );
      return;
    }
    let series = -1;
    let early: AttributeList | undefined;
    try {
      // While the core loads, the set is copied now (later changes to the app's object do not count).
      if (this.id === PENDING_ID) early = this.#attributeList(attributes);
      else series = this.#seriesFor(attributes);
    } catch {
      // A throwing getter or a Proxy: the set cannot be known, so neither can its series.
      this.host.diag.report('invalidArguments', () => `"${this.name}": attributes object could not be read; measurement dropped`);
      return;
    }
    if (early) this.#measureEarly(value, early);
    else if (series >= 0) this.host.buffer.push(series, value);
  }

  #seriesFor(attributes: MetricAttributes | undefined): number {
    if (attributes === undefined || attributes === null || typeof attributes !== 'object') {
      if (this.#noAttributesSeries === -2) this.#noAttributesSeries = this.#register(attributes);
      return this.#noAttributesSeries;
    }
    if (this.#cachedSets >= SERIES_CACHE_LIMIT) {
      this.series = new Map();
      this.#cachedSets = 0;
    }
    const node = seriesNode(this.series, attributes);
    let id = node.get(END) as number | undefined;
    if (id === undefined) {
      id = this.#register(attributes);
      node.set(END, id);
      this.#cachedSets++;
    }
    return id;
  }

  /**
   * While the core loads: the attribute set, checked and copied by `measure`, is encoded (the
   * writer loads with the core) and registered with the measurement's time once the core is ready.
   */
  #measureEarly(value: number, list: AttributeList): void {
    const time = nowMillis();
    this.host.onEarlyMeasurement({
      replay: () => {
        const services = this.host.handle.services;
        if (this.id < 0 || !services) return; // the core refused the instrument (and warned)
        const encoded = services.encodeAttributes(list);
        const series = this.host.handle.call((c) => c.registerSeries(this.id, encoded, time), -1);
        if (series >= 0) this.host.buffer.push(series, value);
      },
    });
  }

  #register(attributes: MetricAttributes | undefined): number {
    const services = this.host.handle.services;
    if (!services) return -1; // no core attached (never the case here: measurements wait for it)
    const encoded = services.encodeAttributes(this.#attributeList(attributes));
    return this.host.handle.call((c) => c.registerSeries(this.id, encoded, nowMillis()), -1);
  }

  /** The attribute set as the core registers it: limits applied, values converted for GreptimeDB. */
  #attributeList(attributes: MetricAttributes | undefined): AttributeList {
    const { limits, diag } = this.host;
    const list = newAttributeList();
    putAttributes(list, attributes, limits.attributeCountLimit, limits.attributeValueLengthLimit, diag);
    convertForGreptime(list, this.name, diag);
    return list;
  }
}

export class CounterImpl extends InstrumentBase implements Counter, UpDownCounter {
  add(value: number, attributes?: MetricAttributes): void {
    this.measure(value, attributes);
  }
}

export class HistogramImpl extends InstrumentBase implements Histogram, Gauge {
  record(value: number, attributes?: MetricAttributes): void {
    this.measure(value, attributes);
  }
}

export class ObservableImpl extends InstrumentBase implements Observable {
  readonly #callbacks: ObservableCallback[] = [];
  private readonly result: ObservableResult = { observe: (value, attributes) => this.measure(value, attributes) };

  addCallback(callback: ObservableCallback): void {
    if (typeof callback !== 'function') {
      this.host.diag.report('invalidArguments', () => `"${this.name}": addCallback needs a function, got ${describe(callback)}`);
      return;
    }
    if (!this.#callbacks.includes(callback)) this.#callbacks.push(callback);
  }

  removeCallback(callback: ObservableCallback): void {
    const i = this.#callbacks.indexOf(callback);
    if (i >= 0) this.#callbacks.splice(i, 1);
  }

  /** Runs every callback (at collection); a throw, rejection or timeout is counted, not passed on. */
  async observe(timeoutMillis: number): Promise<void> {
    for (const callback of [...this.#callbacks]) {
      try {
        const pending = callback(this.result);
        if (pending && typeof (pending as Promise<void>).then === 'function') {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timeout = new Promise<never>((_, reject) => {
            // A plain timer: an export waiting on it should keep a Node process alive until it fires.
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMillis} ms`)), timeoutMillis);
          });
          try {
            await Promise.race([pending, timeout]);
          } finally {
            clearTimeout(timer);
          }
        }
      } catch (error) {
        this.host.diag.report('callbackErrors', () => `"${this.name}": observable callback failed: ${thrownMessage(error, true)}`);
      }
    }
  }
}

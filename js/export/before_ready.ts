/**
 * What waits for the WASM core while it loads (`startTelemetry`): the SDK's own objects record
 * from the first line, and only the hand-off to the core waits here. Ended spans and log records
 * wait as the pipelines would take them; measurements as (instrument, encoded attribute set,
 * value), because series ids come from the core; instruments as the registration they still
 * need. Each list is bounded (MAX_BEFORE_READY); what is past it is dropped, counted in
 * `stats().droppedBeforeReady` and warned about once.
 */

import type { Diagnostics } from '../runtime/diagnostics.js';

/** Items of each kind kept while the core loads; more are dropped (and counted). */
export const MAX_BEFORE_READY = 2048;

/** Instruments registered while the core loads; the core's own cap is 1000. */
const MAX_INSTRUMENTS_BEFORE_READY = 1000;

/** A measurement made before the core was ready, replayed into its instrument once it is. */
export interface EarlyMeasurement {
  replay(): void;
}

export class BeforeReady<Span, Log> {
  spans: Span[] = [];
  logs: Log[] = [];
  measurements: EarlyMeasurement[] = [];
  /** Registrations of instruments created early, in creation order (run before the measurements). */
  instruments: (() => void)[] = [];

  constructor(private readonly diag: Diagnostics) {}

  span(span: Span): void {
    this.keep(this.spans, span, 'span');
  }

  log(record: Log): void {
    this.keep(this.logs, record, 'log record');
  }

  measurement(measurement: EarlyMeasurement): void {
    this.keep(this.measurements, measurement, 'measurement');
  }

  /** False when too many instruments wait already: the instrument then records nothing. */
  instrument(register: () => void): boolean {
    if (this.instruments.length >= MAX_INSTRUMENTS_BEFORE_READY) {
      this.dropped('instrument', MAX_INSTRUMENTS_BEFORE_READY);
      return false;
    }
    this.instruments.push(register);
    return true;
  }

  /** Empties every list and returns what it held (to replay it, or to forget it). */
  take(): { spans: Span[]; logs: Log[]; measurements: EarlyMeasurement[]; instruments: (() => void)[] } {
    const taken = { spans: this.spans, logs: this.logs, measurements: this.measurements, instruments: this.instruments };
    this.spans = [];
    this.logs = [];
    this.measurements = [];
    this.instruments = [];
    return taken;
  }

  private keep<T>(list: T[], item: T, what: string): void {
    if (list.length < MAX_BEFORE_READY) list.push(item);
    else this.dropped(what, MAX_BEFORE_READY);
  }

  private dropped(what: string, limit: number): void {
    this.diag.report('droppedBeforeReady', () => `a ${what} was dropped: ${limit} of its kind already wait for the WASM core to load`);
  }
}

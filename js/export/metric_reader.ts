/**
 * Periodic metric collection and export, like OpenTelemetry's PeriodicExportingMetricReader:
 * every `exportIntervalMillis` (and on `forceFlush`, shutdown and page hide) it runs the
 * observable callbacks, hands buffered measurements to the core, and sends what the core
 * collects. Collections never overlap.
 */

import { describe, type Diagnostics } from '../runtime/diagnostics.js';
import { backgroundTimeout } from '../runtime/timers.js';
import type { CoreHandle } from './core_handle.js';
import type { Sender } from './sender.js';
import { METRICS } from './signals.js';
import type { MeasurementBuffer } from '../metrics/measurement_buffer.js';
import type { InstrumentRegistry } from '../metrics/meter.js';
import { nowMillis } from '../trace/clock.js';

export class MetricReader {
  private readonly intervalMillis: number;
  private readonly timeoutMillis: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  /**
   * A collection already ran for this page hide (`visibilitychange` and `pagehide` both fire).
   * Measurements made after it still get one more (see collectOnHide).
   */
  private collectedOnHide = false;

  constructor(
    private readonly handle: CoreHandle,
    private readonly buffer: MeasurementBuffer,
    private readonly registry: InstrumentRegistry,
    private readonly sender: Sender,
    private readonly diag: Diagnostics,
  ) {
    const { exportIntervalMillis, exportTimeoutMillis: timeoutMillis } = handle.settings.metrics;
    this.intervalMillis = exportIntervalMillis;
    this.timeoutMillis = timeoutMillis;
    sender.setTimeout(METRICS, timeoutMillis);
    this.schedule();
  }

  /**
   * Collects and exports now, after any collection already running. Never rejects: a failed
   * collection is counted and warned once, and the chain goes on (a rejected link would stop
   * every later collection of the page).
   */
  forceFlush(): Promise<void> {
    this.running = this.running.then(() =>
      this.collectAndExport().catch((error: unknown) => {
        this.diag.report('metricCollectionErrors', () => `metric collection failed (${reason(error)}); the next one runs as usual`);
      }),
    );
    return this.running;
  }

  /**
   * The page is being hidden: collects and sends now, without waiting behind a collection that
   * is running (its export may be waiting for an answer that comes after the page is gone).
   * With synchronous observable callbacks this all happens in the page-hide task.
   */
  collectOnHide(): Promise<void> {
    // Once per hide (a second collection re-sends every cumulative point), unless measurements
    // came in since: an unload fires pagehide first, and web-vitals records INP and CLS at the
    // visibilitychange after it.
    if (this.collectedOnHide && !this.buffer.pending) return Promise.resolve();
    this.collectedOnHide = true;
    return this.collectAndExport();
  }

  /** The page is visible again: the next hide collects again. */
  pageShown(): void {
    this.collectedOnHide = false;
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush();
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.closed || this.handle.broken) return;
    this.timer = backgroundTimeout(() => {
      this.timer = undefined;
      void this.forceFlush().then(() => this.schedule());
    }, this.intervalMillis);
  }

  private async collectAndExport(): Promise<void> {
    if (this.closed || this.handle.broken) return;
    for (const observable of this.registry.observables) await observable.observe(this.timeoutMillis);
    this.buffer.flush();
    const body = this.handle.call((c) => c.takeRequest(METRICS, nowMillis()), undefined);
    if (!body) return;
    const points = this.handle.call((c) => c.lastBatchSize(), 0);
    await this.sender.send(METRICS, body, points);
  }
}

/** Why a collection failed, without calling into a hostile thrown value. */
function reason(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : describe(error);
  } catch {
    return describe(error);
  }
}

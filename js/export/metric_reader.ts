/**
 * Periodic metric collection and export, like OpenTelemetry's PeriodicExportingMetricReader:
 * every `exportIntervalMillis` (and on `forceFlush`, shutdown and page hide) it runs the
 * observable callbacks, hands buffered measurements to the core, and sends what the core
 * collects. Collections never overlap.
 */

import type { Diagnostics } from '../runtime/diagnostics.js';
import { backgroundTimeout, nowMillis, thrownMessage } from '../runtime/initial_chunk.js';
import type { CoreHandle } from './core_handle.js';
import type { Sender } from './sender.js';
import { METRICS } from './signals.js';
import type { MeasurementBuffer } from '../metrics/measurement_buffer.js';
import type { InstrumentRegistry } from '../metrics/meter.js';

export class MetricReader {
  readonly #intervalMillis: number;
  readonly #timeoutMillis: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #closed = false;
  /**
   * A collection already ran for this page hide (`visibilitychange` and `pagehide` both fire).
   * Measurements made after it still get one more (see collectOnHide).
   */
  #collectedOnHide = false;
  /** This hide's collection, once it has got past its first step (see collectOnHide). */
  #collectingOnHide: Promise<void> | undefined;
  /** This hide's collection, taken from the core and not yet handed to the sender. */
  #unsentAtHide: [Uint8Array, number] | undefined;
  /** This hide's collection, handed to the sender: sent once more at the next hide event. */
  #sentAtHide: Uint8Array | undefined;

  constructor(
    private readonly handle: CoreHandle,
    private readonly buffer: MeasurementBuffer,
    private readonly registry: InstrumentRegistry,
    private readonly sender: Sender,
    private readonly diag: Diagnostics,
  ) {
    const { exportIntervalMillis, exportTimeoutMillis: timeoutMillis } = handle.settings.metrics;
    this.#intervalMillis = exportIntervalMillis;
    this.#timeoutMillis = timeoutMillis;
    sender.setTimeout(METRICS, timeoutMillis);
    this.#schedule();
  }

  /**
   * Collects and exports now, after any collection already running. Never rejects: a failed
   * collection is counted and warned once, and the chain goes on (a rejected link would stop
   * every later collection of the page).
   */
  forceFlush(): Promise<void> {
    this.#running = this.#running.then(() =>
      this.#collectAndExport().catch((error: unknown) => {
        this.diag.report('metricCollectionErrors', () => `metric collection failed (${thrownMessage(error)}); the next one runs as usual`);
      }),
    );
    return this.#running;
  }

  /**
   * The page is being hidden: collects and sends now, without waiting behind a collection that
   * is running (its export may be waiting for an answer that comes after the page is gone).
   * With synchronous observable callbacks this all happens in the page-hide task.
   */
  collectOnHide(): Promise<void> {
    // Firefox may stop a closing page's `pagehide` handler part-way; the `visibilitychange`
    // after it then finishes: the collection already taken is sent (never collected again: a
    // second collection of the same measurements would be a second row), or, if none was
    // taken, it collects now.
    const unsent = this.#unsentAtHide;
    this.#unsentAtHide = undefined;
    const resumed = unsent ? this.sender.resumeOnUnload(METRICS, unsent[0], unsent[1]) : undefined;
    if (!this.#collectedOnHide) return (this.#collectingOnHide ??= this.#collectAndExport(true));
    // Once per hide, unless measurements came in since: an unload fires pagehide first, and
    // web-vitals records INP and CLS at the visibilitychange after it.
    if (!this.buffer.pending) {
      // Firefox discards some keepalive requests a closing page starts in `pagehide` and keeps
      // those started in the `visibilitychange` after it (README, "Firefox, the last word"):
      // the collection goes once more, byte for byte. GreptimeDB keeps one row per series and
      // timestamp (its metric tables merge by last row), so a copy that also arrives replaces
      // itself; spans and log records are never sent twice this way.
      const sent = this.#sentAtHide;
      this.#sentAtHide = undefined;
      if (sent && !resumed) return this.sender.resendOnUnload(METRICS, sent);
      return resumed ?? Promise.resolve();
    }
    const again = this.#collectAndExport(true);
    return resumed ? Promise.all([resumed, again]).then(() => undefined) : again;
  }

  /** The page is visible again: the next hide collects again. */
  pageShown(): void {
    this.#collectedOnHide = false;
    this.#collectingOnHide = undefined;
    this.#sentAtHide = undefined;
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    await this.forceFlush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#closed || this.handle.broken) return;
    this.#timer = backgroundTimeout(() => {
      this.#timer = undefined;
      void this.forceFlush().then(() => this.#schedule());
    }, this.#intervalMillis);
  }

  async #collectAndExport(atHide = false): Promise<void> {
    if (this.#closed || this.handle.broken) return;
    for (const observable of this.registry.observables) await observable.observe(this.#timeoutMillis);
    this.buffer.flush();
    const body = this.handle.call((c) => c.takeRequest(METRICS, nowMillis()), undefined);
    if (atHide) this.#collectedOnHide = true;
    if (!body) return;
    const points = this.handle.call((c) => c.lastBatchSize(), 0);
    if (atHide) this.#unsentAtHide = [body, points];
    const sent = this.sender.send(METRICS, body, points); // calls fetch in this task at hide
    this.#unsentAtHide = undefined;
    if (atHide) this.#sentAtHide = body;
    await sent;
  }
}

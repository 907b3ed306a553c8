/**
 * Ended spans or emitted log records → record chunk (JS) → WASM core queue → encoded batches
 * → transport. One pipeline per batched signal.
 *
 * Ended items wait as they are (plain JS objects) until a full batch has ended, then a
 * microtask writes them into a JS-owned record chunk and hands that to WASM in one crossing
 * (per CHUNK_BYTES): `span.end()` itself only appends to an array. At most `maxQueueSize` items
 * wait in JS; beyond that they are handed over at once (and the core's queue bound applies).
 * Full batches go one request at a time; a flush starts every queued batch at once (the
 * `Sender` retries, splits and keeps for later). As in OpenTelemetry's batch processors, a full
 * batch is sent at once and whatever is left waits for the scheduled delay; the schedule,
 * `forceFlush()` and the page being hidden send everything.
 */

import { backgroundTimeout } from '../runtime/timers.js';
import { RecordWriter } from '../wire/record_writer.js';
import type { CoreHandle } from './core_handle.js';
import type { Sender } from './sender.js';
import type { SignalNumber } from './signals.js';

/**
 * Hand a chunk over before it grows past this, whatever the item count. The core copies each
 * chunk into WASM memory, which never shrinks: small chunks keep a burst's footprint small, at
 * the cost of a crossing per few hundred spans.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * A tail this large (encoded records waiting for the scheduled delay) is sent at once, as a
 * full batch is, instead of waiting. Sent while the page is visible it is gzipped first, so it
 * goes with keepalive and survives a page close; waiting, it would meet page hide uncompressed
 * (compression is asynchronous, too late in a closing page) and mostly miss the 64 KiB
 * keepalive budget that all three signals share. Waiting items are handed over every
 * HAND_OVER_EVERY items so that the tail's size is known.
 */
const TAIL_BYTES_SENT_AT_ONCE = 32 * 1024;
const HAND_OVER_EVERY = 64;

export class BatchPipeline<T> {
  private readonly writer = new RecordWriter();
  private pending: T[] = [];
  private handOverQueued = false;
  private readonly maxQueueSize: number;
  private readonly maxExportBatchSize: number;
  private readonly scheduledDelayMillis: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;
  /** Record bytes handed to the core since a request was last taken from it. */
  private tailBytes = 0;

  constructor(
    private readonly handle: CoreHandle,
    private readonly signal: SignalNumber,
    private readonly sender: Sender,
    private readonly write: (writer: RecordWriter, item: T) => void,
  ) {
    const [maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis] = handle.call((c) => c.settings(signal), new Uint32Array(4));
    this.maxQueueSize = maxQueueSize;
    this.maxExportBatchSize = maxExportBatchSize;
    this.scheduledDelayMillis = scheduledDelayMillis;
    sender.setTimeout(signal, exportTimeoutMillis);
  }

  get recording(): boolean {
    return !this.closed && !this.handle.broken;
  }

  add(item: T): void {
    if (!this.recording) return;
    const waiting = this.pending.push(item);
    if (waiting >= this.maxQueueSize) {
      this.handOver();
    } else if (waiting >= this.maxExportBatchSize || waiting % HAND_OVER_EVERY === 0) {
      this.queueHandOver();
    } else {
      this.schedule();
    }
  }

  /** Hands the waiting items over after the app's current task, not inside its `end()` call. */
  private queueHandOver(): void {
    if (this.handOverQueued) return;
    this.handOverQueued = true;
    queueMicrotask(() => {
      this.handOverQueued = false;
      this.handOver();
    });
  }

  /** Exports everything added so far; resolves when every request has been answered. */
  async forceFlush(): Promise<void> {
    await this.drain(true);
    // An export that was already running may have been one that sends only full batches, or
    // finished before these items were handed over: go again while anything is left.
    while (this.recording && (this.pending.length > 0 || this.queued() > 0)) {
      await this.drain(true);
    }
  }

  /**
   * The page is being hidden: hand everything over and start every batch now, concurrently,
   * without waiting for an export that is already running (its loop would send the rest one
   * response at a time, and the page may be gone before then).
   */
  async flushOnHide(): Promise<void> {
    if (!this.recording) return;
    this.handOver();
    const sends: Promise<void>[] = [];
    for (;;) {
      const body = this.take();
      if (!body) break;
      const items = this.handle.call((c) => c.lastBatchSize(), 0);
      sends.push(this.sender.send(this.signal, body, items));
    }
    await Promise.all(sends);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    await this.forceFlush();
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private queued(): number {
    return this.handle.call((c) => c.queued(this.signal), 0);
  }

  private take(): Uint8Array | undefined {
    this.tailBytes = 0;
    return this.handle.call((c) => c.takeRequest(this.signal, 0), undefined);
  }

  /** Writes every waiting item into record chunks and hands them to the core. */
  private handOver(): void {
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    for (let i = 0; i < items.length; i++) {
      this.write(this.writer, items[i]);
      if (this.writer.length >= CHUNK_BYTES) this.ingest();
    }
    this.ingest();
    if (this.tailBytes >= TAIL_BYTES_SENT_AT_ONCE) void this.drain(true);
  }

  private ingest(): void {
    if (this.writer.length === 0) return;
    const chunk = this.writer.take();
    this.tailBytes += chunk.byteLength;
    const queued = this.handle.call((c) => c.ingest(this.signal, chunk), 0);
    // -1: the core could not decode the chunk (counted there) and forgot its interned strings.
    if (queued < 0) this.writer.resetStrings();
    else if (queued >= this.maxExportBatchSize) void this.drain(false);
    else if (queued > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.draining || !this.recording) return;
    this.timer = backgroundTimeout(() => {
      this.timer = undefined;
      void this.drain(true);
    }, this.scheduledDelayMillis);
  }

  /**
   * Starts exporting unless an export is running, and resolves when it ends. `everything`:
   * send all that waits; otherwise only full batches (the rest waits for the schedule).
   */
  private drain(everything: boolean): Promise<void> {
    if (!this.draining) {
      if (everything && this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.draining = this.exportBatches(everything).finally(() => {
        this.draining = undefined;
        if (this.tailBytes >= TAIL_BYTES_SENT_AT_ONCE) void this.drain(true);
        else if (this.pending.length > 0 || this.queued() > 0) this.schedule();
      });
    }
    return this.draining;
  }

  /**
   * Sends batches: one at a time for full batches as they fill; every queued batch at once when
   * everything goes (the schedule, `forceFlush()`), as OpenTelemetry's batch processors do. The
   * browser then queues them on its connections (six per origin over HTTP/1.1) with no JS round
   * trip between two requests: the benchmark measured a window of three, and of sixteen, as
   * slower than that. What is in flight stays bounded: at most `maxQueueSize` items were queued.
   */
  private async exportBatches(everything: boolean): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const limit = everything ? Infinity : 1;
    for (;;) {
      if (everything) this.handOver();
      else if (this.queued() < this.maxExportBatchSize) break;
      const body = this.take();
      if (!body) break;
      const items = this.handle.call((c) => c.lastBatchSize(), 0);
      const sent: Promise<void> = this.sender.send(this.signal, body, items).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }
}

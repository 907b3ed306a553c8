/**
 * Ended spans or emitted log records → record chunk (JS) → WASM core queue → encoded batches
 * → transport. One pipeline per batched signal.
 *
 * Ended items wait as they are (plain JS objects) until a full batch has ended, then a
 * microtask writes them into a JS-owned record chunk and hands that to WASM in one crossing
 * (per CHUNK_BYTES): `span.end()` itself only appends to an array. At most `maxQueueSize` items
 * (or items with `maxQueueSize` × 2 K characters of strings) wait in JS; beyond that they are
 * handed over at once (and the core's queue bounds, in items and bytes, apply).
 * Full batches go one request at a time; a flush starts every queued batch at once (the
 * `Sender` retries, splits and keeps for later). As in OpenTelemetry's batch processors, a full
 * batch is sent at once and whatever is left waits for the scheduled delay; the schedule,
 * `forceFlush()` and the page being hidden send everything.
 */

import { backgroundTimeout } from '../runtime/initial_chunk.js';
import { RecordWriter } from '../wire/record_writer.js';
import type { CoreHandle } from './core_handle.js';
import { coreQueued } from './core_stats.js';
import type { Sender } from './sender.js';
import { LOGS, type SignalNumber } from './signals.js';

/**
 * Hand a chunk over before it grows past this, whatever the item count. The core copies each
 * chunk into WASM memory, which never shrinks: small chunks keep a burst's footprint small, at
 * the cost of a crossing per few hundred spans.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * The core's queue holds at most `maxQueueSize` × this many encoded bytes (4 MiB at the default
 * 2048). Items waiting in JS are handed over at once when their string content reaches as many
 * characters, whatever their count: a few huge spans must not wait in JS for the scheduled
 * delay, unbounded. Must equal BYTES_PER_QUEUE_SLOT in src/pipeline/batch_queue.rs.
 */
const BYTES_PER_QUEUE_SLOT = 2048;

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
/** A tail up to this large is sent aside while an export runs (see sendAside). */
const TAIL_ASIDE_MAX_BYTES = 1024 * 1024;

export class BatchPipeline<T> {
  readonly #writer = new RecordWriter();
  #pending: T[] = [];
  /** Approximate string content of `pending`, from `weigh`. */
  #pendingChars = 0;
  #handOverQueued = false;
  private readonly maxQueueSize: number;
  readonly #maxPendingChars: number;
  private readonly maxExportBatchSize: number;
  private readonly scheduledDelayMillis: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #draining: Promise<void> | undefined;
  /** Batches handed to the sender while the backend fails (see sendAside). */
  readonly #setAside = new Set<Promise<void>>();
  #closed = false;
  /** Record bytes handed to the core since a request was last taken from it. */
  #tailBytes = 0;
  /**
   * Set while items are being handed over, and the batch taken at page hide until the sender
   * has it: Firefox stops a closing page's script part-way (its page-hide handler included),
   * and the next hide event (`visibilitychange` after `pagehide`) then finishes the job
   * instead of losing what was already out of `pending` or out of the core's queue.
   */
  #handingOver = false;
  #unsentAtHide: [Uint8Array, number] | undefined;

  constructor(
    private readonly handle: CoreHandle,
    private readonly signal: SignalNumber,
    private readonly sender: Sender,
    /** Writes one item whole, or nothing and returns false (counted by the caller). */
    private readonly write: (writer: RecordWriter, item: T) => boolean,
    private readonly onUnwritable: () => void = () => {},
    /** Approximate size of an item in characters (its strings); cheap, an upper bound is fine. */
    private readonly weigh: (item: T) => number = () => 0,
  ) {
    const { maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis } = handle.settings[signal === LOGS ? 'logBatch' : 'batch'];
    this.maxQueueSize = maxQueueSize;
    this.#maxPendingChars = maxQueueSize * BYTES_PER_QUEUE_SLOT;
    this.maxExportBatchSize = maxExportBatchSize;
    this.scheduledDelayMillis = scheduledDelayMillis;
    sender.setTimeout(signal, exportTimeoutMillis);
  }

  get recording(): boolean {
    return !this.#closed && !this.handle.broken;
  }

  add(item: T): void {
    if (!this.recording) return;
    const waiting = this.#pending.push(item);
    this.#pendingChars += this.weigh(item);
    if (waiting >= this.maxQueueSize || this.#pendingChars >= this.#maxPendingChars) {
      this.#handOver();
    } else if (waiting >= this.maxExportBatchSize || waiting % HAND_OVER_EVERY === 0) {
      this.#queueHandOver();
    } else {
      this.#schedule();
    }
  }

  /** Hands the waiting items over after the app's current task, not inside its `end()` call. */
  #queueHandOver(): void {
    if (this.#handOverQueued) return;
    this.#handOverQueued = true;
    queueMicrotask(() => {
      this.#handOverQueued = false;
      this.#handOver();
    });
  }

  /** Exports everything added so far; resolves when every request has been answered. */
  async forceFlush(): Promise<void> {
    await this.#drain(true);
    await Promise.all(this.#setAside);
    // An export that was already running may have been one that sends only full batches, or
    // finished before these items were handed over: go again while anything is left. A tail
    // past TAIL_BYTES_SENT_AT_ONCE starts an export by itself (also as one ends): wait for it.
    while (this.recording && (this.#pending.length > 0 || this.queued() > 0 || this.#draining)) {
      await (this.#draining ?? this.#drain(true));
    }
  }

  /**
   * The page is being hidden: hand everything over and start every batch now, concurrently,
   * without waiting for an export that is already running (its loop would send the rest one
   * response at a time, and the page may be gone before then).
   */
  async flushOnHide(): Promise<void> {
    if (!this.recording) return;
    const sends: Promise<void>[] = [];
    const unsent = this.#unsentAtHide;
    this.#unsentAtHide = undefined;
    if (unsent) sends.push(this.sender.resumeOnUnload(this.signal, unsent[0], unsent[1]));
    this.#handOver();
    for (;;) {
      const batch = this.#takeBatch();
      if (!batch) break;
      this.#unsentAtHide = batch;
      sends.push(this.sender.send(this.signal, ...batch)); // calls fetch in this task
      this.#unsentAtHide = undefined;
    }
    await Promise.all(sends);
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    await this.forceFlush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  private queued(): number {
    return this.handle.call((c) => coreQueued(c, this.signal), 0);
  }

  /** The core's next request and how many items it holds; undefined when none is queued. */
  #takeBatch(): [Uint8Array, number] | undefined {
    this.#tailBytes = 0;
    const body = this.handle.call((c) => c.takeRequest(this.signal, 0), undefined);
    return body && [body, this.handle.call((c) => c.lastBatchSize(), 0)];
  }

  /**
   * Writes the waiting items (the first `limit` of them) into record chunks and hands them to
   * the core. A flush hands over a batch at a time (see exportBatches).
   */
  #handOver(limit = Infinity): void {
    if (this.#pending.length === 0) return;
    if (this.#handingOver) {
      // The last hand-over was stopped part-way: its partial chunk never reached the core.
      this.#writer.take();
      this.#writer.resetStrings();
    }
    this.#handingOver = true;
    const items = this.#pending;
    let count = Math.min(limit, items.length);
    let i = 0;
    while (i < count) {
      if (!this.write(this.#writer, items[i])) this.onUnwritable();
      i++;
      if (this.#writer.length >= CHUNK_BYTES) {
        this.ingest();
        this.#dropHandedOver(i); // `pending` keeps only what the core has not got
        count -= i;
        i = 0;
      }
    }
    this.ingest();
    this.#dropHandedOver(i);
    this.#handingOver = false;
    if (this.#tailBytes < TAIL_BYTES_SENT_AT_ONCE) return;
    if (!this.#draining) void this.#drain(true);
    // Only a moderate tail, one burst at a time: in-flight bytes outside the queue stay small
    // (huge spans wait in the bounded queue as before). A full queue sheds load instead
    // (tailBytes then counts what it dropped, too), and a failing backend gets no more
    // requests at once (see sendAside).
    else if (
      this.#tailBytes <= TAIL_ASIDE_MAX_BYTES &&
      this.#setAside.size === 0 &&
      this.queued() < this.maxQueueSize &&
      !this.sender.lastAnswerFailed(this.signal)
    )
      this.#sendAside(false);
  }

  /**
   * Removes the first `count` waiting items, which the core now has. From the front in place
   * (V8 trims the array's start): no copy of what still waits, which a flush of a long queue
   * would otherwise pay for each chunk.
   */
  #dropHandedOver(count: number): void {
    if (count === 0) return;
    if (count >= this.#pending.length) {
      this.#pending = [];
      this.#pendingChars = 0;
      return;
    }
    const gone = this.#pending.splice(0, count);
    for (let i = 0; i < gone.length; i++) this.#pendingChars -= this.weigh(gone[i]);
  }

  /**
   * Hands queued batches to the sender now, beside the export that is running, at most a
   * queue's worth at once (past that the queue sheds load as usual); a forceFlush waits for
   * them too. Two cases:
   * - `fullOnly` false: a large tail handed over while an export runs (its answer may take
   *   long) is compressed and on its way (with keepalive, if it fits) while the page is visible,
   *   instead of waiting in the queue behind that export, where page hide would find it;
   * - `fullOnly` true: the batch being exported waits to be retried (the backend is failing),
   *   so full batches go to the sender, which keeps them in the offline store, instead of
   *   filling the queue behind that one batch until it overflows.
   */
  #sendAside(fullOnly: boolean): void {
    const limit = Math.max(1, Math.floor(this.maxQueueSize / this.maxExportBatchSize));
    while (this.#setAside.size < limit && (!fullOnly || this.queued() >= this.maxExportBatchSize)) {
      const batch = this.#takeBatch();
      if (!batch) break;
      const sent: Promise<void> = this.sender.send(this.signal, ...batch).finally(() => this.#setAside.delete(sent));
      this.#setAside.add(sent);
    }
  }

  private ingest(): void {
    if (this.#writer.length === 0) return;
    const chunk = this.#writer.take();
    this.#tailBytes += chunk.byteLength;
    const queued = this.handle.call((c) => c.ingest(this.signal, chunk), 0);
    // -1: the core could not decode the chunk (counted there) and forgot its interned strings.
    if (queued < 0) this.#writer.resetStrings();
    else if (queued >= this.maxExportBatchSize && this.#draining && this.sender.failing(this.signal)) this.#sendAside(true);
    else if (queued >= this.maxExportBatchSize) void this.#drain(false);
    else if (queued > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#draining || !this.recording) return;
    this.#timer = backgroundTimeout(() => {
      this.#timer = undefined;
      void this.#drain(true);
    }, this.scheduledDelayMillis);
  }

  /**
   * Starts exporting unless an export is running, and resolves when it ends. `everything`:
   * send all that waits; otherwise only full batches (the rest waits for the schedule).
   */
  #drain(everything: boolean): Promise<void> {
    if (!this.#draining) {
      if (everything && this.#timer !== undefined) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      // `draining` is set before the export starts: a full batch handed over inside it (see
      // exportBatches) must join it, not start a second export beside it, which nobody waited
      // for (forceFlush resolved before its answer: tests/js/force_flush_waits.test.mjs).
      let settle!: (exported: Promise<void>) => void;
      const draining = new Promise<void>((resolve) => (settle = resolve));
      this.#draining = draining;
      settle(
        this.#exportBatches(everything).finally(() => {
          if (this.#draining === draining) this.#draining = undefined;
          if (this.#tailBytes >= TAIL_BYTES_SENT_AT_ONCE) void this.#drain(true);
          else if (this.#pending.length > 0 || this.queued() > 0) this.#schedule();
        }),
      );
    }
    return this.#draining;
  }

  /**
   * Sends batches: one at a time for full batches as they fill; every queued batch at once when
   * everything goes (the schedule, `forceFlush()`), as OpenTelemetry's batch processors do. The
   * browser then queues them on its connections (six per origin over HTTP/1.1) with no JS round
   * trip between two requests: the benchmark measured a window of three, and of sixteen, as
   * slower than that. What is in flight stays bounded: at most `maxQueueSize` items were queued.
   * Everything is handed to the core a batch at a time, and each request taken out at once:
   * WASM memory, which never shrinks, then holds a batch or two instead of every waiting item
   * (10,000 spans: 2.56 → under 1 MiB, tests/e2e/flush_memory.e2e.test.mjs), and the first
   * request leaves before the last items are written.
   */
  async #exportBatches(everything: boolean): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const limit = everything ? Infinity : 1;
    for (;;) {
      if (everything) this.#handOver(this.maxExportBatchSize);
      else if (this.queued() < this.maxExportBatchSize) break;
      const batch = this.#takeBatch();
      // Nothing queued: done, unless this batch was taken as it was handed over (a full batch
      // starts an export of its own, see ingest) and more items wait.
      if (!batch && everything && this.#pending.length > 0 && this.recording) continue;
      if (!batch) break;
      const sent: Promise<void> = this.sender.send(this.signal, ...batch).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }
}

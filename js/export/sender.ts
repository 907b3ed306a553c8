/**
 * Delivery of one encoded request: the part of the SDK that decides what is lost.
 * - Retries network errors and 429/502/503/504 with exponential backoff and jitter (OpenTelemetry
 *   JS's schedule by default: 1 s × 1.5ⁿ, at most 5 s, ±20 %), honouring a readable `Retry-After`.
 * - Never retries what cannot succeed (400, 401, 403, 404…): one warning, the batch dropped. A
 *   413 (body over the server's limit) is split in two and each half sent, not dropped.
 * - gzips bodies above a threshold with the browser's `CompressionStream`.
 * - While the page is being hidden, sends with `keepalive`, split so each request stays within
 *   the browser's 64 KiB keepalive budget, without retry pauses (the page is going away); what
 *   no longer fits that budget is written to the offline store at once, in the page-hide event,
 *   instead of going as a plain request the browser would cancel with the page. A retry
 *   sleeping in backoff wakes up and takes the same way.
 * - Keeps what still could not be sent (offline, or past every retry) in IndexedDB and sends it
 *   when the browser is back online, after the next successful export, a little later (twice the
 *   longest backoff), or on the next page load.
 * What is in flight comes out of the core's bounded queues (see BatchPipeline: one request per
 * signal while batches fill, every queued batch on a flush), so what waits is bounded by them.
 *
 * The drain of stored requests is in offline_drain.ts, access to the store in store_access.ts,
 * copies written while visible of what page hide could not send in tail_backup.ts. (Over 400
 * lines: delivery and page hide share per-batch state, split pieces and their copies.)
 */

import type { Settings } from '../config/schema.js';
import { concatBytes, transformBytes } from '../runtime/initial_chunk.js';
import type { CoreHandle } from './core_handle.js';
import { exportHeaders, exportUrl } from './greptime_contract.js';
import { ACCEPTED, interpretResponse, REJECTED } from './response.js';
import { KEEPALIVE_BODY_LIMIT, type Transport, type TransportResponse } from './fetch_transport.js';
import { isOffline, OfflineDrain } from './offline_drain.js';
import type { OfflineCounters } from './offline_store.js';
import { StoreAccess } from './store_access.js';
import { TailBackups } from './tail_backup.js';
import type { SignalNumber } from './signals.js';
import { WarnOnce } from './warn_once.js';
import { warnAnswer } from './answer_warnings.js';
import { splitRequest, type CountedRequest } from './split_request.js';
import { countAnswer, newAnswerCounters, type AnswerCounters } from './answer_counts.js';

export interface DeliverySettings {
  maxAttempts: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  offlineEnabled: boolean;
  offlineMaxBytes: number;
  offlineMaxAgeMillis: number;
  compressionThresholdBytes: number;
}

export interface DeliveryCounters extends OfflineCounters, AnswerCounters {
  exportRetries: number;
  requestsSplit: number;
  itemsUnconfirmedAtUnload: number;
  itemsPossiblyDuplicated: number;
}

/** The delivery part of the validated configuration (`retry`, `offline`, `compression`). */
export function deliverySettings(s: Settings): DeliverySettings {
  return {
    maxAttempts: s.retry.maxAttempts,
    initialBackoffMillis: s.retry.initialBackoffMillis,
    maxBackoffMillis: s.retry.maxBackoffMillis,
    offlineEnabled: s.offline.enabled,
    offlineMaxBytes: s.offline.maxBytes,
    offlineMaxAgeMillis: s.offline.maxAgeMillis,
    compressionThresholdBytes: s.compression,
  };
}

const BACKOFF_MULTIPLIER = 1.5;
/**
 * A plain request unanswered this long after it was sent gets its keepalive pieces: a page
 * hidden before then splits it in the page-hide task (in JS, well under a millisecond per
 * batch warm; the tail backups come due later, at BACKUP_DELAY_MILLIS).
 */
const PREPARE_AFTER_MILLIS = 50;
const JITTER = 0.2;

interface Target {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

/** How `deliver` may try: attempts (stored requests get one), and whether page hide takes the batch the unload way. */
interface DeliverOptions {
  maxAttempts?: number;
  /**
   * When the page is hidden while this waits (compression, a plain request in flight, backoff),
   * the batch is sent the unload way at once, from the page-hide event. Off for stored requests:
   * they stay in the store instead. Default true.
   */
  unloadOnHide?: boolean;
}

/** `done`: accepted, or rejected for good (recorded either way); `later`: worth sending again. */
export type Outcome = { done: true; accepted: boolean } | { done: false; response: TransportResponse | undefined };

export class Sender {
  readonly counters: DeliveryCounters = {
    exportRetries: 0,
    requestsSplit: 0,
    itemsUnconfirmedAtUnload: 0,
    itemsPossiblyDuplicated: 0,
    itemsPersistedOffline: 0,
    itemsRestoredFromOffline: 0,
    itemsDroppedOffline: 0,
    itemsUnconfirmedOffline: 0,
    ...newAnswerCounters(),
  };
  readonly #targets = new Map<number, Target>();
  private readonly warnings = new WarnOnce();
  private readonly offline: StoreAccess;
  readonly #drain: OfflineDrain;
  /** Copies, written while visible, of batches page hide could not send with keepalive (tail_backup.ts). */
  readonly backups: TailBackups;
  /** Per signal: whether the last answer was a failure (no answer, or not accepted). */
  readonly #lastFailed = new Map<number, boolean>();
  /** Per signal: deliveries waiting to retry (the backend is failing), and the last failing answer. */
  readonly #retrying = new Map<number, number>();
  readonly #lastFailure = new Map<number, TransportResponse>();
  /** Bodies already sent the unload way. */
  readonly #unloadedBodies = new WeakSet<Uint8Array>();
  /**
   * Pieces whose keepalive fetch page hide was about to call: a resumed page hide does not send
   * them again (Firefox stopped the script in that call and the request went out, in 1 of 30
   * closes); they are counted as unconfirmed, so nothing is sent twice.
   */
  readonly #fetchedAtHide = new WeakSet<Uint8Array>();
  /**
   * Keepalive-sized pieces of a batch sent as a plain request, split while the page is visible:
   * Firefox cancels a closing tab's running script (its pagehide handler included) within a
   * few milliseconds under load, and splitting a large batch in the WASM core at hide took long
   * enough to be cut off mid-call (nothing sent or kept, and the core left unusable). Split
   * when sent if a keepalive head may fit, else once unanswered for PREPARE_AFTER_MILLIS (a
   * flush's batches are mostly answered by then: 3–4 ms of main-thread time per S1 flush).
   */
  readonly #preparedPieces = new WeakMap<Uint8Array, [Uint8Array, number][]>();
  /** Bodies made by deliverHeadAndRest: not split that way again. */
  readonly #headAndRest = new WeakSet<Uint8Array>();
  /**
   * Bytes of keepalive heads split off and not yet answered: batches sent at once (a flush)
   * choose their heads before the first head's request has taken its room in the budget, and
   * without this every batch split off a head that then went as a plain request too (twice
   * the requests, nothing protected: tests/js/keepalive_heads.test.mjs).
   */
  #headBytes = 0;
  /** What page hide interrupts: retries sleeping in backoff, compressions, plain requests in flight. */
  readonly #onHide = new Set<() => void>();
  #closed = false;
  /** `pagehide` has fired: the page is being unloaded (or frozen), not only hidden. */
  #unloading = false;

  constructor(
    private readonly handle: CoreHandle,
    private readonly transport: Transport,
    private readonly settings: DeliverySettings,
    private readonly pageHidden: () => boolean,
    /** Waits between retries; replaceable in tests. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.offline = new StoreAccess(settings, this.counters, this.warnings, (signal) => this.target(signal));
    this.#drain = new OfflineDrain(settings, this.counters, this.warnings, this.offline, {
      deliverStored: (signal, body, items) => this.#deliver(signal, body, items, { maxAttempts: 1, unloadOnHide: false }),
      timeoutMillis: (signal) => this.target(signal).timeoutMillis,
      pageHidden: () => this.pageHidden(),
    });
    this.backups = new TailBackups(settings.offlineEnabled, this.offline, this.#drain.owner, (items) => {
      this.counters.itemsPersistedOffline += items;
      this.#drain.kept(); // sent once their hold lapses: when the page is shown again, or by the next one
    }, (items) => (this.counters.itemsPossiblyDuplicated += items));
  }

  /** Sends what an earlier page left in the offline store, now and whenever the browser comes back online. */
  start(): void {
    if (!this.settings.offlineEnabled) return;
    if (typeof addEventListener === 'function') addEventListener('online', this.#onOnline);
    // Load the store's chunk now, even offline (the drain waits for the network): once the
    // browser is offline, a chunk not loaded yet cannot be fetched either. Opening it also
    // prepares what page hide needs synchronously (the store, each signal's destination).
    void this.offline.open();
    void this.drainOffline();
  }

  close(): void {
    this.#closed = true;
    this.#drain.close();
    if (typeof removeEventListener === 'function') removeEventListener('online', this.#onOnline);
    this.offline.close();
  }

  /** How long one request of `signal` may take (from the signal's batch or metrics settings). */
  setTimeout(signal: SignalNumber, timeoutMillis: number): void {
    this.target(signal).timeoutMillis = timeoutMillis;
  }

  /**
   * Whether a request of `signal` is waiting to be retried (the backend is failing) and the
   * offline store is on: new batches of that signal then go to the store at once (see `send`).
   */
  failing(signal: SignalNumber): boolean {
    return this.settings.offlineEnabled && (this.#retrying.get(signal) ?? 0) > 0;
  }

  /** Whether the last answer for `signal` was a failure: more requests at once would only add load. */
  lastAnswerFailed(signal: SignalNumber): boolean {
    return this.#lastFailed.get(signal) ?? false;
  }

  /** Sends `body` (holding `items` items) until it is accepted, rejected for good, or kept for later. */
  async send(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    if (this.pageHidden()) return this.#sendOnUnload(signal, body, items);
    if (isOffline()) return this.#keepForLater(signal, body, items, undefined);
    // One batch at a time retries against a failing backend; the others wait in the offline
    // store (and follow it once it is accepted) instead of filling the queue behind it.
    if (this.failing(signal)) return this.#keepForLater(signal, body, items, this.#lastFailure.get(signal));
    const outcome = await this.#deliver(signal, body, items);
    await this.#afterDelivery(signal, body, items, outcome);
    if (outcome.done && outcome.accepted) this.#drain.nudge();
  }

  /** What follows a delivery: its copies deleted once answered, else the unload way or the store. */
  async #afterDelivery(signal: SignalNumber, body: Uint8Array, items: number, outcome: Outcome, unloadOnHide = true): Promise<void> {
    if (outcome.done) await this.backups.settled(body);
    else if (this.pageHidden() && unloadOnHide) await this.#sendOnUnload(signal, body, items);
    else await this.#keepForLater(signal, body, items, outcome.response);
  }

  /**
   * The page is being hidden: retries sleeping in backoff stop waiting, so their batches go now
   * with keepalive or into the offline store, instead of dying with the page uncounted.
   */
  pageHiding(unloading: boolean): void {
    if (unloading) this.#unloading = true;
    // First: what already has copies in the store is not sent again by the interrupts below.
    this.backups.relinquishAll();
    for (const interrupt of [...this.#onHide]) interrupt();
  }

  /**
   * A batch whose page-hide send was stopped part-way before its fetch (see BatchPipeline's
   * unsentAtHide): sent the unload way again, at the next hide event.
   */
  resumeOnUnload(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    this.#unloadedBodies.delete(body);
    return this.#sendOnUnload(signal, body, items);
  }

  /**
   * Page hide: `body`, already sent at this hide, once more with keepalive. Only for requests
   * whose second copy GreptimeDB stores as the first (a metrics collection: same series, same
   * timestamp); its items are counted once, with the first.
   */
  resendOnUnload(signal: SignalNumber, body: Uint8Array): Promise<void> {
    return this.#sendPieceOnUnload(signal, body, 0);
  }

  /** The page is visible again: what was kept while it was hidden can go now. */
  pageShown(): void {
    this.#unloading = false;
    this.#drain.nudge();
  }

  #onOnline = () => void this.drainOffline();

  /**
   * `work`'s result, or undefined as soon as the page is being hidden (or `work` fails).
   * `onHidden` runs in the page-hide event itself, not a promise turn later: some browsers
   * run nothing more of a closing page.
   */
  #untilHidden<T>(work: Promise<T>, onHidden?: () => void): Promise<T | undefined> {
    return new Promise((resolve) => {
      const settle = (value: T | undefined) => {
        this.#onHide.delete(hidden);
        resolve(value);
      };
      const hidden = () => {
        onHidden?.();
        settle(undefined);
      };
      this.#onHide.add(hidden);
      work.then(settle, () => settle(undefined));
    });
  }

  private target(signal: SignalNumber): Target {
    let t = this.#targets.get(signal);
    if (!t) {
      t = {
        url: exportUrl(this.handle.settings, signal),
        headers: exportHeaders(this.handle.settings, signal),
        timeoutMillis: 30000,
      };
      this.#targets.set(signal, t);
    }
    return t;
  }

  async #deliver(signal: SignalNumber, body: Uint8Array, items: number, options: DeliverOptions = {}): Promise<Outcome> {
    const { maxAttempts = this.settings.maxAttempts, unloadOnHide = true } = options;
    const target = this.target(signal);
    let unloaded: Promise<void> | undefined;
    const unload = unloadOnHide ? () => void (unloaded ??= this.#sendOnUnload(signal, body, items)) : undefined;
    const handedOver = async (): Promise<Outcome> => {
      await unloaded;
      return { done: true, accepted: false };
    };
    // Page hide during the (asynchronous) compression: the raw body goes the unload way at once.
    const compressed = this.pageHidden() ? undefined : await this.#untilHidden(this.#compress(body), unload);
    if (unloaded) return handedOver();
    if (!compressed) return { done: false, response: undefined };
    const { body: payload, encoding } = compressed;
    const headers = encoding ? { ...target.headers, 'content-encoding': encoding } : target.headers;
    let last: TransportResponse | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // keepalive whenever the budget allows (the transport checks it): a request already on
      // its way when the page is closed is then not cancelled. One that goes without (no room
      // left) would be cancelled with the page, unseen: page hide aborts it instead, and the
      // caller sends its batch the unload way (keepalive or the offline store).
      const plain = payload.byteLength > (this.transport.keepaliveRoom?.() ?? Infinity) && typeof AbortController === 'function';
      const abort = plain ? new AbortController() : undefined;
      let prepare: ReturnType<typeof setTimeout> | undefined;
      const onHide = () => {
        abort?.abort();
        unload?.();
      };
      if (abort) {
        if (unload) {
          // The pieces that fit the keepalive budget now go as a keepalive request of their own
          // while the page is visible (it outlives a close); the rest, a plain request, gets
          // copies in the store if it is not answered soon (TailBackups). Split now only when a
          // head may fit (room for half the body or half the budget: the pieces are no smaller
          // in a flush); the other batches of a flush are mostly answered before
          // PREPARE_AFTER_MILLIS, when their pieces are made otherwise.
          const room = attempt === 1 && !this.#headAndRest.has(body) ? (this.transport.keepaliveRoom?.() ?? 0) - this.#headBytes : 0;
          if (room > 0 && room >= Math.min(body.byteLength, KEEPALIVE_BODY_LIMIT) / 2) this.#piecesOf(signal, body, items);
          const pieces = this.#preparedPieces.get(body);
          const head = pieces ? keepaliveHead(pieces, room) : 0;
          if (pieces && head > 0 && head < pieces.length) return this.#deliverHeadAndRest(signal, pieces, head, options);
          this.backups.watch(signal, body, () => this.#piecesOf(signal, body, items));
          if (!pieces) prepare = setTimeout(() => this.#piecesOf(signal, body, items), PREPARE_AFTER_MILLIS);
        }
        this.#onHide.add(onHide);
      }
      const response = await this.transport(target.url, headers, payload, target.timeoutMillis, true, abort?.signal);
      this.#onHide.delete(onHide);
      clearTimeout(prepare);
      if (unloaded) return handedOver();
      if (abort?.signal.aborted) return { done: false, response };
      if (!plain && this.#unconfirmedAtUnload(response, items)) return { done: true, accepted: false };
      last = response;
      const verdict = interpretResponse(response.status, response.body).verdict;
      this.#lastFailed.set(signal, verdict !== ACCEPTED);
      if (verdict === ACCEPTED) {
        this.record(signal, items, response);
        return { done: true, accepted: true };
      }
      if (response.status === 413) return this.#deliverHalves(signal, body, items, response, options);
      if (verdict === REJECTED) {
        this.record(signal, items, response);
        return { done: true, accepted: false };
      }
      if (attempt >= maxAttempts || isOffline() || this.#closed || this.pageHidden()) break;
      this.counters.exportRetries++;
      // Sleeping in backoff, the batch would be sent at page hide: copies now instead.
      if (unload) this.backups.watch(signal, body, () => (plain ? this.#piecesOf(signal, body, items) : [[body, items]]), 0);
      this.#lastFailure.set(signal, response);
      this.#retrying.set(signal, (this.#retrying.get(signal) ?? 0) + 1);
      try {
        await this.#untilHidden(this.sleep(retryDelay(response.retryAfter, attempt, this.settings)), unload);
      } finally {
        this.#retrying.set(signal, (this.#retrying.get(signal) ?? 1) - 1);
      }
      if (unloaded) return handedOver();
      if (this.pageHidden()) break; // woken by page hide: the caller sends it the unload way
    }
    return { done: false, response: last };
  }

  /** 413: the body is over the server's limit; each half is sent (and halved again if needed). */
  async #deliverHalves(signal: SignalNumber, body: Uint8Array, items: number, response: TransportResponse, options: DeliverOptions): Promise<Outcome> {
    await this.backups.settled(body); // the halves get copies of their own
    const parts = this.halves(signal, body);
    if (!parts) {
      this.record(signal, items, response); // one item over the limit can never be sent
      return { done: true, accepted: false };
    }
    this.counters.requestsSplit++;
    for (const [part, n] of parts) {
      const outcome = await this.#deliver(signal, part, n, options);
      await this.#afterDelivery(signal, part, n, outcome, options.unloadOnHide !== false);
    }
    return { done: true, accepted: true };
  }

  /**
   * A batch too large for the keepalive budget, already split in keepalive-sized `pieces`:
   * the first `head` pieces as one request and the rest as another, concurrently (an OTLP
   * request's only field is repeated, so pieces concatenated are a valid request).
   */
  async #deliverHeadAndRest(signal: SignalNumber, pieces: [Uint8Array, number][], head: number, options: DeliverOptions): Promise<Outcome> {
    this.counters.requestsSplit++;
    const headBytes = pieces.slice(0, head).reduce((n, [b]) => n + b.byteLength, 0);
    this.#headBytes += headBytes;
    await Promise.all(
      [pieces.slice(0, head), pieces.slice(head)].map(async (group, i) => {
        const body = group.length === 1 ? group[0][0] : concatBytes(group.map(([b]) => b));
        const items = group.reduce((n, [, i]) => n + i, 0);
        this.#preparedPieces.set(body, group);
        this.#headAndRest.add(body);
        let outcome: Outcome;
        try {
          outcome = await this.#deliver(signal, body, items, options);
        } finally {
          if (i === 0) this.#headBytes -= headBytes;
        }
        await this.#afterDelivery(signal, body, items, outcome, options.unloadOnHide !== false);
      }),
    );
    return { done: true, accepted: true };
  }

  /**
   * The page is going away: `keepalive` requests (which outlive the page) in pieces under the
   * keepalive budget, all started at once, in this task. A piece that no longer fits the budget
   * would go as a plain request, which the browser cancels with the page (and Chromium even
   * caps keepalive requests by number): with an offline store it is written there instead,
   * also in this task, and sent on the next page load. What fails is kept the same way.
   */
  async #sendOnUnload(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    // Page hide can reach one batch from two sides (what interrupted it, and its caller seeing
    // the page hidden): it goes once.
    if (this.#unloadedBodies.has(body)) return;
    this.#unloadedBodies.add(body);
    // Pieces with copies in the store already (written while visible) stay there.
    const inStore = this.backups.inStore(body);
    if (inStore?.has(body)) return;
    let room = this.transport.keepaliveRoom?.() ?? Infinity;
    const send: [Uint8Array, number][] = [];
    const keep: [Uint8Array, number][] = [];
    const prepared = this.#preparedPieces.get(body);
    if (prepared) this.counters.requestsSplit += prepared.length - 1;
    for (const piece of prepared ?? this.#piecesUnder(signal, body, items, KEEPALIVE_BODY_LIMIT)) {
      if (inStore?.has(piece[0])) continue;
      if (this.#fetchedAtHide.has(piece[0])) {
        this.counters.itemsUnconfirmedAtUnload += piece[1];
        continue;
      }
      if (piece[0].byteLength <= room || !this.settings.offlineEnabled) {
        send.push(piece);
        room -= piece[0].byteLength;
      } else {
        keep.push(piece);
      }
    }
    // The IndexedDB write is started before any fetch: Firefox can run the page's microtasks
    // inside a fetch() made during page hide, and a write started after them was lost.
    const kept = keep.length > 0 ? this.#keepAllForLater(signal, keep) : undefined;
    await Promise.all([
      kept,
      ...send.map(([part, n]) => {
        this.#fetchedAtHide.add(part);
        return this.#sendPieceOnUnload(signal, part, n);
      }),
    ]);
  }

  /**
   * Page hide: the pieces in one IndexedDB transaction, started in this call when the store is
   * open and this signal's destination known (both prepared at start: see StoreAccess.ready).
   * putAll counts and warns about what it could not keep.
   */
  async #keepAllForLater(signal: SignalNumber, parts: [Uint8Array, number][]): Promise<void> {
    let ready = this.offline.ready(signal);
    if (!ready) {
      // Not prepared yet (the page is hidden right after start): the write starts later, and may not land.
      const store = await this.offline.open();
      const destination = store ? await this.offline.destination(signal) : undefined;
      if (store && destination) ready = { store, destination };
    }
    if (ready) {
      const { store, destination } = ready;
      if (await store.putAll(parts.map(([body, items]) => ({ destination, signal, body, items })))) this.#drain.kept();
      return;
    }
    const why = new TextEncoder().encode('the page was closing, the keepalive budget was used up and the offline store could not keep it');
    for (const [, items] of parts) this.record(signal, items, { status: 0, body: why });
  }

  async #sendPieceOnUnload(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    const room = this.transport.keepaliveRoom?.() ?? Infinity;
    const target = this.target(signal);
    const response = await this.transport(target.url, target.headers, body, target.timeoutMillis, true);
    if (body.byteLength <= room && this.#unconfirmedAtUnload(response, items)) return;
    if (response.status === 413) {
      // Over the server's limit (the page is still there to hear it): halves, as when visible.
      const parts = this.halves(signal, body);
      if (parts) {
        this.counters.requestsSplit++;
        await Promise.all(parts.map(([part, n]) => this.#sendOnUnload(signal, part, n)));
        return;
      }
    }
    const verdict = interpretResponse(response.status, response.body).verdict;
    if (verdict !== ACCEPTED && verdict !== REJECTED) await this.#keepForLater(signal, body, items, response);
    else this.record(signal, items, response);
  }

  /**
   * A keepalive request that got no answer (status 0) after `pagehide`: browsers fail its
   * promise when the page is unloaded while they may still deliver it, so sending it again, or
   * keeping it for the next page load, could deliver it twice. Counted, not retried.
   */
  #unconfirmedAtUnload(response: TransportResponse, items: number): boolean {
    if (response.status !== 0 || !this.#unloading) return false;
    this.counters.itemsUnconfirmedAtUnload += items;
    return true;
  }

  /**
   * The keepalive-sized pieces of `body`, split for page hide ahead of time (see
   * preparedPieces) unless they already were: the same pieces every time; counted only if used.
   */
  #piecesOf(signal: SignalNumber, body: Uint8Array, items: number): [Uint8Array, number][] {
    let pieces = this.#preparedPieces.get(body);
    if (!pieces) {
      const splits = this.counters.requestsSplit;
      this.#preparedPieces.set(body, (pieces = this.#piecesUnder(signal, body, items, KEEPALIVE_BODY_LIMIT)));
      this.counters.requestsSplit = splits;
    }
    return pieces;
  }

  /** `body` split in halves (and halves again) until every piece is at most `limit` bytes or one item. */
  #piecesUnder(signal: SignalNumber, body: Uint8Array, items: number, limit: number): [Uint8Array, number][] {
    if (body.byteLength <= limit) return [[body, items]];
    const parts = this.halves(signal, body);
    if (!parts) return [[body, items]];
    this.counters.requestsSplit++;
    return [...this.#piecesUnder(signal, parts[0][0], parts[0][1], limit), ...this.#piecesUnder(signal, parts[1][0], parts[1][1], limit)];
  }

  /** `body` in two halves with their item counts (split_request.ts); undefined for a single item. */
  private halves(signal: SignalNumber, body: Uint8Array): [CountedRequest, CountedRequest] | undefined {
    return splitRequest(signal, body);
  }

  async #keepForLater(signal: SignalNumber, body: Uint8Array, items: number, response: TransportResponse | undefined): Promise<void> {
    // Its copies, if it has them, become the kept requests.
    if (await this.backups.keep(body)) return this.#drain.kept();
    const store = await this.offline.open();
    const destination = store ? await this.offline.destination(signal) : undefined;
    if (store && destination) {
      // put() counts and warns about what it could not keep (full, quota, a failed write).
      if (await store.put(destination, signal, body, items)) this.#drain.kept();
      return;
    }
    // Nowhere to keep it: it is lost; counted, and warned about once with the last answer.
    this.record(signal, items, response ?? { status: 0, body: new TextEncoder().encode('the browser is offline') });
  }

  /** Records the final answer for these items: counted (answer_counts.ts), one warning per kind. */
  private record(signal: SignalNumber, items: number, response: TransportResponse): void {
    const answer = interpretResponse(response.status, response.body);
    countAnswer(this.counters, signal, items, answer);
    warnAnswer(this.warnings, this.handle.settings.endpoint, signal, items, response.status, answer);
  }

  /** Sends the stored requests of this page's configuration (see offline_drain.ts). */
  drainOffline(): Promise<void> {
    return this.#drain.run();
  }

  async #compress(body: Uint8Array): Promise<{ body: Uint8Array; encoding?: string }> {
    const threshold = this.settings.compressionThresholdBytes;
    if (threshold === 0 || body.byteLength < threshold || typeof CompressionStream !== 'function') return { body };
    try {
      return { body: await gzip(body), encoding: 'gzip' };
    } catch {
      return { body };
    }
  }
}

/** `Retry-After` (seconds or an HTTP date) when readable, else exponential backoff with jitter. */
export function retryDelay(retryAfter: string | null | undefined, attempt: number, s: DeliverySettings): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 600000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.min(Math.max(0, date - Date.now()), 600000);
  }
  const base = Math.min(s.initialBackoffMillis * BACKOFF_MULTIPLIER ** (attempt - 1), s.maxBackoffMillis);
  return Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER));
}

/** How many leading `pieces` fit `room` bytes together. */
function keepaliveHead(pieces: [Uint8Array, number][], room: number): number {
  let n = 0;
  for (const [piece] of pieces) {
    if (piece.byteLength > room) break;
    room -= piece.byteLength;
    n++;
  }
  return n;
}

function gzip(body: Uint8Array): Promise<Uint8Array> {
  return transformBytes(body, new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
}

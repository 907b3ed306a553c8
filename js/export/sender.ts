/**
 * Delivery of one encoded request: the part of the SDK that decides what is lost.
 * - Retries network errors and 429/502/503/504 with exponential backoff and jitter (OpenTelemetry
 *   JS's schedule by default: 1 s × 1.5ⁿ, at most 5 s, ±20 %), honouring a readable `Retry-After`.
 * - Never retries what cannot succeed (400, 401, 403, 404…): one warning, the batch dropped. A
 *   413 (body over the server's limit) is split in two and each half sent, not dropped.
 * - gzips bodies above a threshold with the browser's `CompressionStream`.
 * - While the page is being hidden, sends with `keepalive`, split so each request stays within
 *   the browser's 64 KiB keepalive budget, without retry pauses (the page is going away).
 * - Keeps what still could not be sent (offline, or past every retry) in IndexedDB and sends it
 *   when the browser is back online, after the next successful export, a little later (twice the
 *   longest backoff), or on the next page load.
 * What is in flight comes out of the core's bounded queues (see BatchPipeline: one request per
 * signal while batches fill, every queued batch on a flush), so what waits is bounded by them.
 */

import { transformBytes } from '../runtime/streams.js';
import { backgroundTimeout } from '../runtime/timers.js';
import type { CoreHandle } from './core_handle.js';
import { KEEPALIVE_BODY_LIMIT, type Transport, type TransportResponse } from './fetch_transport.js';
import type { OfflineCounters, OfflineStore, StoredRequest } from './offline_store.js';
import { withOriginLock } from './origin_lock.js';
import { StoreAccess } from './store_access.js';
import type { SignalNumber } from './signals.js';
import { WarnOnce } from './warn_once.js';

export interface DeliverySettings {
  maxAttempts: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  offlineEnabled: boolean;
  offlineMaxBytes: number;
  offlineMaxAgeMillis: number;
  compressionThresholdBytes: number;
}

export interface DeliveryCounters extends OfflineCounters {
  exportRetries: number;
  requestsSplit: number;
}

export function deliverySettingsFromCore(values: ArrayLike<number>): DeliverySettings {
  return {
    maxAttempts: values[0],
    initialBackoffMillis: values[1],
    maxBackoffMillis: values[2],
    offlineEnabled: values[3] === 1,
    offlineMaxBytes: values[4],
    offlineMaxAgeMillis: values[5],
    compressionThresholdBytes: values[6],
  };
}

/** `[name0, value0, name1, value1, …]` as fetch headers. */
export function headerObject(pairs: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) headers[pairs[i]] = pairs[i + 1];
  return headers;
}

const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;
const OFFLINE_LOCK = 'greptime-web-telemetry-offline';
/** A drain claims a record for its request's timeout plus this margin. */
const CLAIM_MARGIN_MILLIS = 2000;

interface Target {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
}

/** `done`: accepted, or rejected for good (recorded either way); `later`: worth sending again. */
type Outcome = { done: true; accepted: boolean } | { done: false; response: TransportResponse | undefined };

export class Sender {
  readonly counters: DeliveryCounters = {
    exportRetries: 0,
    requestsSplit: 0,
    itemsPersistedOffline: 0,
    itemsRestoredFromOffline: 0,
    itemsDroppedOffline: 0,
    itemsUnconfirmedOffline: 0,
  };
  private readonly targets = new Map<number, Target>();
  private readonly warnings = new WarnOnce();
  private readonly offline: StoreAccess;
  /** Identifies this page's claims on stored records. */
  private readonly owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  /** Stored records this page has the answer for, whose delete did not commit: never sent again. */
  private readonly settled = new Set<number>();
  /** Per signal: deliveries waiting to retry (the backend is failing), and the last failing answer. */
  private readonly retrying = new Map<number, number>();
  private readonly lastFailure = new Map<number, TransportResponse>();
  private draining = false;
  /**
   * Whether the offline store may hold requests: unknown at first (an earlier page may have left
   * some), false once a drain found it empty, true again when this page keeps one. A successful
   * export drains the store only while this is true: otherwise every export would also cost an
   * IndexedDB transaction under a Web Lock.
   */
  private storeMayHoldRequests = true;
  private closed = false;
  private drainTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly handle: CoreHandle,
    private readonly transport: Transport,
    private readonly settings: DeliverySettings,
    private readonly pageHidden: () => boolean,
    /** Waits between retries; replaceable in tests. */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.offline = new StoreAccess(settings, this.counters, this.warnings, (signal) => this.target(signal));
  }

  /** Sends what an earlier page left in the offline store, now and whenever the browser comes back online. */
  start(): void {
    if (!this.settings.offlineEnabled) return;
    if (typeof addEventListener === 'function') addEventListener('online', this.onOnline);
    // Load the store's chunk now, even offline (the drain waits for the network): once the
    // browser is offline, a chunk not loaded yet cannot be fetched either.
    void this.offline.open();
    void this.drainOffline();
  }

  close(): void {
    this.closed = true;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    if (typeof removeEventListener === 'function') removeEventListener('online', this.onOnline);
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
    return this.settings.offlineEnabled && (this.retrying.get(signal) ?? 0) > 0;
  }

  /** Sends `body` (holding `items` items) until it is accepted, rejected for good, or kept for later. */
  async send(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    if (this.pageHidden()) return this.sendOnUnload(signal, body, items);
    if (isOffline()) return this.keepForLater(signal, body, items, undefined);
    // One batch at a time retries against a failing backend; the others wait in the offline
    // store (and follow it once it is accepted) instead of filling the queue behind it.
    if (this.failing(signal)) return this.keepForLater(signal, body, items, this.lastFailure.get(signal));
    const outcome = await this.deliver(signal, body, items);
    if (!outcome.done) {
      if (this.pageHidden()) await this.sendOnUnload(signal, body, items);
      else await this.keepForLater(signal, body, items, outcome.response);
    } else if (outcome.accepted && this.storeMayHoldRequests) {
      void this.drainOffline();
    }
  }

  private onOnline = () => void this.drainOffline();

  private target(signal: SignalNumber): Target {
    let t = this.targets.get(signal);
    if (!t) {
      t = {
        url: this.handle.call((c) => c.exportUrl(signal), ''),
        headers: headerObject(this.handle.call((c) => c.exportHeaders(signal), [])),
        timeoutMillis: 30000,
      };
      this.targets.set(signal, t);
    }
    return t;
  }

  private async deliver(signal: SignalNumber, body: Uint8Array, items: number, maxAttempts = this.settings.maxAttempts): Promise<Outcome> {
    const target = this.target(signal);
    const { body: payload, encoding } = await this.compress(body);
    const headers = encoding ? { ...target.headers, 'content-encoding': encoding } : target.headers;
    let last: TransportResponse | undefined;
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt++) {
      // keepalive whenever the budget allows (the transport checks it): a request already on
      // its way when the page is closed is then not cancelled.
      const response = await this.transport(target.url, headers, payload, target.timeoutMillis, true);
      last = response;
      const verdict = this.handle.call((c) => c.classifyResponse(signal, response.status, response.body), 2);
      if (verdict === 0) {
        this.record(signal, items, response);
        return { done: true, accepted: true };
      }
      if (response.status === 413) return this.deliverHalves(signal, body, items, response);
      if (verdict === 2) {
        this.record(signal, items, response);
        return { done: true, accepted: false };
      }
      if (attempt >= maxAttempts || isOffline() || this.closed || this.pageHidden()) break;
      this.counters.exportRetries++;
      this.lastFailure.set(signal, response);
      this.retrying.set(signal, (this.retrying.get(signal) ?? 0) + 1);
      try {
        await this.sleep(retryDelay(response.retryAfter, attempt, this.settings));
      } finally {
        this.retrying.set(signal, (this.retrying.get(signal) ?? 1) - 1);
      }
    }
    return { done: false, response: last };
  }

  /** 413: the body is over the server's limit; each half is sent (and halved again if needed). */
  private async deliverHalves(signal: SignalNumber, body: Uint8Array, items: number, response: TransportResponse): Promise<Outcome> {
    const parts = this.handle.call((c) => c.splitRequest(signal, body), []) as unknown[];
    if (parts.length !== 4) {
      this.record(signal, items, response); // one item over the limit can never be sent
      return { done: true, accepted: false };
    }
    this.counters.requestsSplit++;
    for (const [part, n] of [
      [parts[0], parts[1]],
      [parts[2], parts[3]],
    ] as [Uint8Array, number][]) {
      const outcome = await this.deliver(signal, part, n);
      if (!outcome.done) await this.keepForLater(signal, part, n, outcome.response);
    }
    return { done: true, accepted: true };
  }

  /**
   * The page is going away: `keepalive` requests (which outlive the page) in pieces under the
   * keepalive budget, all started at once. What fails is kept for the next page load.
   */
  private async sendOnUnload(signal: SignalNumber, body: Uint8Array, items: number): Promise<void> {
    if (body.byteLength > KEEPALIVE_BODY_LIMIT) {
      const parts = this.handle.call((c) => c.splitRequest(signal, body), []) as unknown[];
      if (parts.length === 4) {
        this.counters.requestsSplit++;
        await Promise.all([
          this.sendOnUnload(signal, parts[0] as Uint8Array, parts[1] as number),
          this.sendOnUnload(signal, parts[2] as Uint8Array, parts[3] as number),
        ]);
        return;
      }
    }
    const target = this.target(signal);
    const response = await this.transport(target.url, target.headers, body, target.timeoutMillis, true);
    const verdict = this.handle.call((c) => c.classifyResponse(signal, response.status, response.body), 2);
    if (verdict === 1) await this.keepForLater(signal, body, items, response);
    else this.record(signal, items, response);
  }

  private async keepForLater(signal: SignalNumber, body: Uint8Array, items: number, response: TransportResponse | undefined): Promise<void> {
    const store = await this.offline.open();
    const destination = store ? await this.offline.destination(signal) : undefined;
    if (store && destination) {
      // put() counts and warns about what it could not keep (full, quota, a failed write).
      if (await store.put(destination, signal, body, items)) {
        this.storeMayHoldRequests = true;
        this.scheduleDrain();
      }
      return;
    }
    // Nowhere to keep it: it is lost; the core counts it and warns once with the last answer.
    this.record(signal, items, response ?? { status: 0, body: new TextEncoder().encode('the browser is offline') });
  }

  /** Records the final answer for these items in the core (its counters and its one warning). */
  private record(signal: SignalNumber, items: number, response: TransportResponse): void {
    this.handle.call((c) => c.recordResponse(signal, items, response.status, response.body), 0);
  }

  /**
   * Sends this configuration's stored requests (see offline_store.ts: each is claimed first, so
   * no other page sends it too), oldest first, one attempt each, until none is left or the
   * backend fails again (then the record is released and tried later).
   */
  async drainOffline(): Promise<void> {
    if (!this.settings.offlineEnabled || this.draining || this.closed || isOffline()) return;
    this.draining = true;
    try {
      const store = await this.offline.open();
      if (!store) return;
      const mine = new Map<number, string>();
      for (const signal of [0, 1, 2] as SignalNumber[]) {
        const destination = await this.offline.destination(signal);
        if (destination) mine.set(signal, destination.fingerprint);
      }
      // Web Locks, where the page has them, only spare the other pages the claim transactions.
      await withOriginLock(OFFLINE_LOCK, async () => {
        for (;;) {
          if (this.closed || isOffline() || this.pageHidden()) return;
          const { record, claimedUntil } = await store.claimNext(
            this.owner,
            (r) => mine.get(r.signal) === r.fingerprint,
            (r) => this.target(r.signal as SignalNumber).timeoutMillis + CLAIM_MARGIN_MILLIS,
            (id) => this.settled.has(id),
          );
          if (!record) {
            // Another page is sending some: look again once its claim ends (it may have gone away).
            if (claimedUntil > 0) this.scheduleDrain(claimedUntil - Date.now() + 100);
            // Another tab may keep requests later; it drains them itself (timer, `online`,
            // its next export, the next page load).
            else this.storeMayHoldRequests = false;
            return;
          }
          const outcome = await this.deliver(record.signal as SignalNumber, record.body, record.items, 1);
          if (!outcome.done) {
            await this.release(store, record);
            this.scheduleDrain(); // the backend is failing again: keep it, and try later
            return;
          }
          this.settled.add(record.id);
          if (outcome.accepted) this.counters.itemsRestoredFromOffline += record.items;
          await this.forget(store, record);
        }
      });
    } catch (error) {
      this.warnings.warn('offlineDrain', () => `could not use the offline store: ${String(error)}`);
    } finally {
      this.draining = false;
    }
  }

  /** Deletes an answered record; if that does not commit, it stays claimed and is never sent again by this page. */
  private async forget(store: OfflineStore, record: StoredRequest): Promise<void> {
    try {
      await store.delete(record.id);
      this.settled.delete(record.id);
    } catch (error) {
      this.warnings.warn(
        'offlineDelete',
        () => `could not delete a sent request from the offline store (${String(error)}); it stays claimed, is not sent again, and is removed once its claim expires`,
      );
    }
  }

  private async release(store: OfflineStore, record: StoredRequest): Promise<void> {
    try {
      await store.release(record);
    } catch (error) {
      // It stays claimed: once the claim expires it is dropped unsent (counted as unconfirmed).
      this.warnings.warn('offlineRelease', () => `could not give a kept request back to the offline store (${String(error)})`);
    }
  }

  /**
   * Tries the offline store again later, so kept requests go out once the backend is back even
   * if the app records nothing more (a new successful export or `online` also drains it).
   */
  private scheduleDrain(delayMillis = this.settings.maxBackoffMillis * 2): void {
    if (this.drainTimer !== undefined || this.closed) return;
    this.drainTimer = backgroundTimeout(() => {
      this.drainTimer = undefined;
      void this.drainOffline();
    }, Math.max(0, delayMillis));
  }

  private async compress(body: Uint8Array): Promise<{ body: Uint8Array; encoding?: string }> {
    const threshold = this.settings.compressionThresholdBytes;
    if (threshold === 0 || body.byteLength < threshold || typeof CompressionStream !== 'function') return { body };
    try {
      return { body: await gzip(body), encoding: 'gzip' };
    } catch {
      return { body };
    }
  }
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
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

function gzip(body: Uint8Array): Promise<Uint8Array> {
  return transformBytes(body, new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
}

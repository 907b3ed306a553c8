/**
 * Sends the offline store's requests again: this page's configuration's only (see
 * offline_store.ts: each record is claimed first, so no other page sends it too), oldest first,
 * one attempt each and never the page-unload way (a stored request stays in the store when the
 * page goes), until none is left or the backend fails again (then the record is released and
 * tried later). Split from sender.ts, which delivers new batches and handles page hide.
 */

import { thrownMessage, backgroundTimeout } from '../runtime/initial_chunk.js';
import type { OfflineCounters, OfflineStore, StoredRequest } from './offline_store.js';
import { withOriginLock } from './origin_lock.js';
import type { DeliverySettings, Outcome } from './sender.js';
import type { SignalNumber } from './signals.js';
import type { StoreAccess } from './store_access.js';
import type { WarnOnce } from './warn_once.js';

const OFFLINE_LOCK = 'greptime-web-telemetry-offline';
/** A drain claims a record for its request's timeout plus this margin. */
const CLAIM_MARGIN_MILLIS = 2000;

/** What the drain needs from the Sender. */
export interface DrainDelivery {
  /** One attempt, never sent the unload way at page hide. */
  deliverStored(signal: SignalNumber, body: Uint8Array, items: number): Promise<Outcome>;
  timeoutMillis(signal: SignalNumber): number;
  pageHidden(): boolean;
}

export class OfflineDrain {
  /** Identifies this page's claims on stored records. */
  readonly owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  /** Stored records this page has the answer for, whose delete did not commit: never sent again. */
  private readonly settled = new Set<number>();
  #draining = false;
  /**
   * Whether the offline store may hold requests: unknown at first (an earlier page may have left
   * some), false once a drain found it empty, true again when this page keeps one. A successful
   * export drains the store only while this is true: otherwise every export would also cost an
   * IndexedDB transaction under a Web Lock.
   */
  #storeMayHoldRequests = true;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly settings: DeliverySettings,
    private readonly counters: OfflineCounters,
    private readonly warnings: WarnOnce,
    private readonly offline: StoreAccess,
    private readonly delivery: DrainDelivery,
  ) {}

  /** This page has just kept a request: drain later (the backend, or the network, is failing). */
  kept(): void {
    this.#storeMayHoldRequests = true;
    this.#schedule();
  }

  /** A good moment to drain (an export was accepted, the page is visible again), if anything may be kept. */
  nudge(): void {
    if (this.#storeMayHoldRequests) void this.run();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** Sends this configuration's stored requests until none is left or the backend fails again. */
  async run(): Promise<void> {
    if (!this.settings.offlineEnabled || this.#draining || this.#closed || isOffline()) return;
    this.#draining = true;
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
          if (this.#closed || isOffline() || this.delivery.pageHidden()) return;
          const { record, claimedUntil } = await store.claimNext(
            this.owner,
            (r) => mine.get(r.signal) === r.fingerprint,
            (r) => this.delivery.timeoutMillis(r.signal as SignalNumber) + CLAIM_MARGIN_MILLIS,
            (id) => this.settled.has(id),
          );
          if (!record) {
            // Another page is sending some: look again once its claim ends (it may have gone away).
            if (claimedUntil > 0) this.#schedule(claimedUntil - Date.now() + 100);
            // Another tab may keep requests later; it drains them itself (timer, `online`,
            // its next export, the next page load).
            else this.#storeMayHoldRequests = false;
            return;
          }
          const outcome = await this.delivery.deliverStored(record.signal as SignalNumber, record.body, record.items);
          if (!outcome.done) {
            await this.#release(store, record);
            this.#schedule(); // the backend is failing again: keep it, and try later
            return;
          }
          this.settled.add(record.id);
          if (outcome.accepted) this.counters.itemsRestoredFromOffline += record.items;
          await this.#forget(store, record);
        }
      });
    } catch (error) {
      this.warnings.warn('offlineDrain', () => `could not use the offline store: ${thrownMessage(error, true)}`);
    } finally {
      this.#draining = false;
    }
  }

  /** Deletes an answered record; if that does not commit, it stays claimed and is never sent again by this page. */
  async #forget(store: OfflineStore, record: StoredRequest): Promise<void> {
    try {
      await store.delete(record.id);
      this.settled.delete(record.id);
    } catch (error) {
      this.warnings.warn(
        'offlineDelete',
        () => `could not delete a sent request from the offline store (${thrownMessage(error, true)}); it is not sent again, and is removed when its claim expires`,
      );
    }
  }

  async #release(store: OfflineStore, record: StoredRequest): Promise<void> {
    try {
      await store.release(record);
    } catch (error) {
      // It stays claimed: once the claim expires it is dropped unsent (counted as unconfirmed).
      this.warnings.warn('offlineRelease', () => `could not give a kept request back to the offline store (${thrownMessage(error, true)})`);
    }
  }

  /**
   * Tries the offline store again later, so kept requests go out once the backend is back even
   * if the app records nothing more (a new successful export or `online` also drains it).
   */
  #schedule(delayMillis = this.settings.maxBackoffMillis * 2): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = backgroundTimeout(() => {
      this.#timer = undefined;
      void this.run();
    }, Math.max(0, delayMillis));
  }
}

export function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

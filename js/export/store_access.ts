/**
 * The Sender's access to the offline store: loads its chunk (only when needed, tried again
 * after a failed load), opens IndexedDB within a time limit, and computes where each signal's
 * requests go (their Destination, fingerprint included), once per signal.
 */

import type { Destination, OfflineCounters, OfflineStore } from './offline_store.js';
import type { DeliverySettings } from './sender.js';
import type { SignalNumber } from './signals.js';
import type { WarnOnce } from './warn_once.js';

/** A hung `indexedDB.open` (a stuck upgrade, a broken profile) must not hold batches forever. */
const STORE_OPEN_TIMEOUT_MILLIS = 5000;

export class StoreAccess {
  private store: Promise<OfflineStore | undefined> | undefined;
  private readonly destinations = new Map<number, Promise<Destination>>();
  /** Loads the offline store's chunk; replaceable in tests. */
  loadStore: () => Promise<typeof import('./offline_store.js')> = () => import('./offline_store.js');

  constructor(
    private readonly settings: DeliverySettings,
    private readonly counters: OfflineCounters,
    private readonly warnings: WarnOnce,
    private readonly target: (signal: SignalNumber) => { url: string; headers: Record<string, string> },
  ) {}

  /**
   * The offline store, once its chunk has loaded and IndexedDB has opened; undefined if either
   * fails (one warning each; a failed load is tried again for the next batch) or takes longer
   * than STORE_OPEN_TIMEOUT_MILLIS (the open goes on and is used once it succeeds).
   */
  open(): Promise<OfflineStore | undefined> {
    if (!this.settings.offlineEnabled) return Promise.resolve(undefined);
    if (!this.store) {
      const opening: Promise<OfflineStore | undefined> = this.loadStore()
        .then(({ OfflineStore }) => OfflineStore.open(this.settings.offlineMaxBytes, this.settings.offlineMaxAgeMillis, this.counters, this.warnings))
        .catch((error: unknown) => {
          if (this.store === opening) this.store = undefined;
          this.warnings.warn('offlineLoad', () => `the offline store could not be loaded (${String(error)}); what cannot be sent meanwhile is lost (counted in telemetry.stats())`);
          return undefined;
        });
      this.store = opening;
    }
    const store = this.store;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.warnings.warn('offlineOpenTimeout', () => `IndexedDB did not open the offline store within ${STORE_OPEN_TIMEOUT_MILLIS} ms; what cannot be sent meanwhile is lost (counted in telemetry.stats())`);
        resolve(undefined);
      }, STORE_OPEN_TIMEOUT_MILLIS);
      void store.then((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** Where requests of `signal` go, as the offline store keeps it (undefined if it cannot be computed). */
  destination(signal: SignalNumber): Promise<Destination | undefined> {
    let d = this.destinations.get(signal);
    if (!d) {
      const target = this.target(signal);
      d = this.loadStore().then(({ destinationOf }) => destinationOf(target.url, target.headers));
      this.destinations.set(signal, d);
      d.catch(() => this.destinations.delete(signal));
    }
    return d.catch(() => undefined);
  }

  close(): void {
    void this.store?.then((s) => s?.close());
  }
}

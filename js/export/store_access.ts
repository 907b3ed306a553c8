/**
 * The Sender's access to the offline store: loads its chunk (only when needed, tried again
 * after a failed load), opens IndexedDB within a time limit, and computes where each signal's
 * requests go (their Destination, fingerprint included), once per signal. Page hide needs both
 * without waiting (see `ready`): they are prepared when the store is first opened.
 */

import type { Destination, OfflineCounters, OfflineStore } from './offline_store.js';
import type { DeliverySettings } from './sender.js';
import type { SignalNumber } from './signals.js';
import type { WarnOnce } from './warn_once.js';
import { bundled, thrownMessage } from '../runtime/initial_chunk.js';

/** A hung `indexedDB.open` (a stuck upgrade, a broken profile) must not hold batches forever. */
const STORE_OPEN_TIMEOUT_MILLIS = 5000;

export class StoreAccess {
  #store: Promise<OfflineStore | undefined> | undefined;
  readonly #destinations = new Map<number, Promise<Destination>>();
  /** Destinations computed so far (the fingerprint is asynchronous: crypto.subtle). */
  readonly #known = new Map<number, Destination>();
  /** The store once open, for page hide, which writes in its own task without awaiting a promise. */
  opened: OfflineStore | undefined;
  /** Loads the offline store's chunk; replaceable in tests. */
  loadStore: () => Promise<typeof import('./offline_store.js')> = () => (bundled.store ? Promise.resolve(bundled.store) : import('./offline_store.js'));

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
    if (!this.#store) {
      const opening: Promise<OfflineStore | undefined> = this.loadStore()
        .then(({ OfflineStore }) => OfflineStore.open(this.settings.offlineMaxBytes, this.settings.offlineMaxAgeMillis, this.counters, this.warnings))
        .then((s) => (this.opened = s))
        .catch((error: unknown) => {
          if (this.#store === opening) this.#store = undefined;
          this.warnings.warn('offlineLoad', () => `the offline store could not be loaded (${thrownMessage(error, true)}); what cannot be sent meanwhile is lost (counted in telemetry.stats())`);
          return undefined;
        });
      this.#store = opening;
      // Computed now, so page hide finds them ready.
      for (const signal of [0, 1, 2] as SignalNumber[]) void this.destination(signal);
    }
    const store = this.#store;
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
    let d = this.#destinations.get(signal);
    if (!d) {
      const target = this.target(signal);
      d = this.loadStore()
        .then(({ destinationOf }) => destinationOf(target.url, target.headers))
        .then((destination) => {
          this.#known.set(signal, destination);
          return destination;
        });
      this.#destinations.set(signal, d);
      d.catch(() => this.#destinations.delete(signal));
    }
    return d.catch(() => undefined);
  }

  /**
   * The open store and `signal`'s destination when both are known already, synchronously: a
   * write at page hide must start in the page-hide task itself (see OfflineStore.putAll).
   */
  ready(signal: SignalNumber): { store: OfflineStore; destination: Destination } | undefined {
    const destination = this.#known.get(signal);
    return this.opened && destination ? { store: this.opened, destination } : undefined;
  }

  close(): void {
    this.opened = undefined;
    void this.#store?.then((s) => s?.close());
  }
}

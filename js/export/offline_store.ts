/**
 * Encoded requests that could not be sent (offline, or the backend down past every retry),
 * kept in IndexedDB until they can be: bounded by bytes and by age, oldest dropped first. A
 * record is deleted as soon as the backend has accepted it, and the pages of one origin drain
 * the store one at a time (Web Locks), so nothing accepted is sent again.
 */

const DB_NAME = 'greptime-web-telemetry';
const STORE = 'requests';

export interface StoredRequest {
  id: number;
  signal: number;
  body: Uint8Array;
  items: number;
  createdAt: number;
}

export interface OfflineCounters {
  itemsPersistedOffline: number;
  itemsRestoredFromOffline: number;
  itemsDroppedOffline: number;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export class OfflineStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly maxBytes: number,
    private readonly maxAgeMillis: number,
    private readonly counters: OfflineCounters,
  ) {}

  /** The store, or undefined where IndexedDB is missing or refused (private modes, old browsers). */
  static async open(maxBytes: number, maxAgeMillis: number, counters: OfflineCounters): Promise<OfflineStore | undefined> {
    if (typeof indexedDB === 'undefined') return undefined;
    try {
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      return new OfflineStore(await request(open), maxBytes, maxAgeMillis, counters);
    } catch {
      return undefined;
    }
  }

  /** Keeps a request; older ones are dropped to stay under `maxBytes`. False if it does not fit at all. */
  async put(signal: number, body: Uint8Array, items: number): Promise<boolean> {
    if (body.byteLength > this.maxBytes) {
      this.counters.itemsDroppedOffline += items;
      return false;
    }
    // Written first and committed at once, eviction after: during page hide this may be the
    // page's last task, and a write queued behind an eviction's reads would never start.
    const tx = this.db.transaction(STORE, 'readwrite');
    const added = request(tx.objectStore(STORE).add({ signal, body, items, createdAt: Date.now() }));
    tx.commit?.();
    await added;
    this.counters.itemsPersistedOffline += items;
    await this.evict(0);
    return true;
  }

  /**
   * Keeps several requests in one transaction, committed at once (page hide: one write has a
   * better chance to land before the page is torn down than several). False if none was kept.
   */
  async putAll(requests: { signal: number; body: Uint8Array; items: number }[]): Promise<boolean> {
    const fitting = requests.filter((r) => r.body.byteLength <= this.maxBytes);
    for (const r of requests) if (r.body.byteLength > this.maxBytes) this.counters.itemsDroppedOffline += r.items;
    if (fitting.length === 0) return false;
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const createdAt = Date.now();
    const added = fitting.map((r) => request(store.add({ signal: r.signal, body: r.body, items: r.items, createdAt })));
    tx.commit?.();
    await Promise.all(added);
    for (const r of fitting) this.counters.itemsPersistedOffline += r.items;
    await this.evict(0);
    return true;
  }

  /** The oldest request still within `maxAgeMillis` (older ones are dropped on the way). */
  async oldest(): Promise<StoredRequest | undefined> {
    for (;;) {
      const cursor = await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).openCursor());
      if (!cursor) return undefined;
      const record = cursor.value as StoredRequest;
      if (Date.now() - record.createdAt <= this.maxAgeMillis) return record;
      this.counters.itemsDroppedOffline += record.items;
      await this.delete(record.id);
    }
  }

  async delete(id: number): Promise<void> {
    await request(this.db.transaction(STORE, 'readwrite').objectStore(STORE).delete(id));
  }

  async count(): Promise<number> {
    return request(this.db.transaction(STORE, 'readonly').objectStore(STORE).count());
  }

  /** Drops the oldest requests until `incoming` more bytes fit under `maxBytes`. */
  private async evict(incoming: number): Promise<void> {
    const all = (await request(this.db.transaction(STORE, 'readonly').objectStore(STORE).getAll())) as StoredRequest[];
    let total = all.reduce((n, r) => n + r.body.byteLength, 0);
    for (const record of all) {
      if (total + incoming <= this.maxBytes) break;
      total -= record.body.byteLength;
      this.counters.itemsDroppedOffline += record.items;
      await this.delete(record.id);
    }
  }

  close(): void {
    this.db.close();
  }
}

/** Runs `fn` while holding the origin-wide lock named `name` (or just runs it without Web Locks). */
export async function withOriginLock<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const locks = (typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined) ?? undefined;
  if (!locks) return fn();
  // ifAvailable: another page is draining already; this one need not wait for it.
  return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? fn() : undefined)) as Promise<T | undefined>;
}

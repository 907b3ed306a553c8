/**
 * Encoded requests that could not be sent (offline, or the backend down past every retry),
 * kept in IndexedDB until they can be: bounded by bytes and by age, oldest dropped first. (Over
 * 400 lines: puts, claims, holds and sweeps share one transaction discipline and its accounting.)
 *
 * - **Where each request goes**: a record keeps its destination: the URL, GreptimeDB's
 *   non-secret headers (database, table, pipeline) and a fingerprint of the whole destination,
 *   credentials included. Credentials themselves are never stored (any script of the origin
 *   can read IndexedDB). A page drains only records whose fingerprint is its own, and sends
 *   them with its own headers; the others wait for their configuration (or their age limit).
 * - **Exactly once across pages**: before sending, a page claims a record in a readwrite
 *   transaction (IndexedDB runs those one at a time per store, secure context or not, unlike
 *   Web Locks), with a lease; other pages skip claimed records. Deleted after the answer;
 *   released if the backend failed (while the page lives).
 * - **A page that went away mid-request** never recorded its answer: once its lease has expired,
 *   the record is deleted unsent and counted in `itemsUnconfirmedOffline` (at most once: the
 *   request, sent with keepalive, most likely landed; if it did not, it is lost and counted).
 * - A write counts only once its transaction commits: a quota error at commit is a loss
 *   (counted, one warning), never "kept".
 * - **Copies held by their page** (`hold`, tail_backup.ts) are skipped by every page until the
 *   hold lapses, then sent like any other record.
 * (Over 400 lines: every transaction on the one object store is here, next to its schema.)
 */

import { thrownMessage } from '../runtime/initial_chunk.js';
import type { WarnOnce } from './warn_once.js';

export const DB_NAME = 'greptime-web-telemetry';
const STORE = 'requests';

/** Where a request goes, as stored with it. */
export interface Destination {
  url: string;
  /** GreptimeDB's non-secret headers (database, tables, pipeline), for whoever inspects the store. */
  headers: Record<string, string>;
  /** SHA-256 (or, where `crypto.subtle` is missing, FNV-1a 64) of the URL and every header. */
  fingerprint: string;
}

export interface StoredRequest extends Destination {
  id: number;
  signal: number;
  body: Uint8Array;
  items: number;
  createdAt: number;
  /** Set while a page sends the request: which page, and until when the others leave it alone. */
  claim?: { owner: string; until: number };
  /**
   * Set on a copy written while the page still sends the request itself (tail_backup.ts):
   * nobody sends it until `until`, which that page renews while it is visible and sending.
   * Once it has lapsed (the page went away or was hidden first) it is an ordinary record.
   */
  hold?: { owner: string; until: number };
}

export interface OfflineCounters {
  itemsPersistedOffline: number;
  itemsRestoredFromOffline: number;
  itemsDroppedOffline: number;
  itemsUnconfirmedOffline: number;
}

/** Headers worth keeping with a record: GreptimeDB's routing headers, never credentials. */
function publicHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-greptime-') && lower !== 'x-greptime-auth') kept[lower] = value;
  }
  return kept;
}

/** The destination of requests to `url` with `headers` (the fingerprint covers all of them). */
export async function destinationOf(url: string, headers: Record<string, string>): Promise<Destination> {
  const names = Object.keys(headers).sort();
  const canonical = JSON.stringify([url, names.map((n) => [n.toLowerCase(), headers[n]])]);
  return { url, headers: publicHeaders(headers), fingerprint: await fingerprint(canonical) };
}

async function fingerprint(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const subtle = typeof crypto !== 'undefined' ? crypto.subtle : undefined;
  if (subtle) {
    try {
      return 'sha256:' + hex(new Uint8Array(await subtle.digest('SHA-256', bytes)));
    } catch {
      // fall through
    }
  }
  // Plain-HTTP pages have no crypto.subtle. Their credentials cross the network in clear
  // anyway; this only has to tell configurations apart: two FNV-1a 32 hashes with different
  // offsets (64 bits).
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const byte of bytes) {
    a = Math.imul(a ^ byte, 0x01000193) >>> 0;
    b = Math.imul(b ^ byte, 0x01000193) >>> 0;
  }
  return 'fnv1a64:' + a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Resolves when `tx` commits; rejects with its error when it aborts. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('the transaction was aborted', 'AbortError'));
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Opens the database: its current version if it has our object store, else one version up,
 * creating the store (a same-named database from an older schema, or someone else's).
 */
async function openDatabase(): Promise<IDBDatabase> {
  const open = (version?: number) => {
    const r = version === undefined ? indexedDB.open(DB_NAME) : indexedDB.open(DB_NAME, version);
    r.onupgradeneeded = () => {
      if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    };
    return request(r);
  };
  let db = await open();
  if (!db.objectStoreNames.contains(STORE)) {
    const version = db.version + 1;
    db.close();
    db = await open(version);
  }
  // Another page upgrading the database must not wait for this one.
  db.onversionchange = () => db.close();
  return db;
}

export class OfflineStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly maxBytes: number,
    private readonly maxAgeMillis: number,
    private readonly counters: OfflineCounters,
    private readonly warnings: WarnOnce,
  ) {}

  /** The store, or undefined where IndexedDB is missing or refused (private modes, old browsers). */
  static async open(maxBytes: number, maxAgeMillis: number, counters: OfflineCounters, warnings: WarnOnce): Promise<OfflineStore | undefined> {
    if (typeof indexedDB === 'undefined') return undefined;
    try {
      return new OfflineStore(await openDatabase(), maxBytes, maxAgeMillis, counters, warnings);
    } catch (error) {
      warnings.warn('offlineOpen', () => `the offline store (IndexedDB) could not be opened (${thrownMessage(error, true)}); what cannot be sent is lost (counted in telemetry.stats())`);
      return undefined;
    }
  }

  /**
   * Keeps a request for `destination`; the oldest records (of any destination) are dropped to
   * stay under `maxBytes`, and expired ones on the way. True once the write has committed;
   * false if it does not fit or the write failed (then its items are counted in
   * `itemsDroppedOffline`, with a warning). Never throws.
   */
  async put(destination: Destination, signal: number, body: Uint8Array, items: number): Promise<boolean> {
    if (body.byteLength > this.maxBytes) {
      this.counters.itemsDroppedOffline += items;
      this.#warnEvicted();
      return false;
    }
    try {
      await this.#sweepInTransaction(body.byteLength, (store) => store.add({ ...destination, signal, body, items, createdAt: Date.now() }));
    } catch (error) {
      this.#lost(items, error);
      return false;
    }
    this.counters.itemsPersistedOffline += items;
    return true;
  }

  /**
   * Page hide: keeps several requests in ONE transaction, started in this call (nothing is read
   * first) and committed at once, so the write has begun before the page can be torn down and
   * before any keepalive fetch of the same batch (Firefox runs the page's microtasks inside a
   * fetch made during page hide: a write started after them was lost). Eviction and expiry are
   * NOT part of it (put's getAll would queue the add behind a read): they follow in a
   * transaction of their own (`trim`), so the store may be over `maxBytes` by these requests
   * until that commits, or, if the page dies first, until the next `put` evicts. True once the
   * write has committed; what is not kept is counted in `itemsDroppedOffline`, with a warning.
   * Never throws.
   */
  async putAll(requests: { destination: Destination; signal: number; body: Uint8Array; items: number }[]): Promise<boolean> {
    const fitting = requests.filter((r) => r.body.byteLength <= this.maxBytes);
    if (fitting.length < requests.length) {
      for (const r of requests) if (r.body.byteLength > this.maxBytes) this.counters.itemsDroppedOffline += r.items;
      this.#warnEvicted();
    }
    if (fitting.length === 0) return false;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const done = committed(tx);
      const store = tx.objectStore(STORE);
      const createdAt = Date.now();
      for (const r of fitting) store.add({ ...r.destination, signal: r.signal, body: r.body, items: r.items, createdAt });
      tx.commit?.();
      await done;
    } catch (error) {
      this.#lost(fitting.reduce((n, r) => n + r.items, 0), error);
      return false;
    }
    for (const r of fitting) this.counters.itemsPersistedOffline += r.items;
    await this.trim();
    return true;
  }

  /** After putAll: drops expired records, then the oldest until the store is under `maxBytes`. */
  private async trim(): Promise<void> {
    await this.#sweepInTransaction(0).catch(() => {}); // the next put evicts what this did not
  }

  /**
   * One readwrite transaction: reads every record, sweeps (expired, then oldest until
   * `extraBytes` more fit), then `add`s in the same transaction. What was swept is counted once
   * the transaction commits; rejects (nothing counted) if it aborts.
   */
  async #sweepInTransaction(extraBytes: number, add?: (store: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(STORE);
    const { evicted, expired } = this.#sweep(store, (await request(store.getAll())) as StoredRequest[], extraBytes);
    add?.(store);
    await done;
    this.#countSwept(evicted, expired);
  }

  /** Items of a write that did not commit: lost, counted, one warning. */
  #lost(items: number, error: unknown): void {
    this.counters.itemsDroppedOffline += items;
    this.warnings.warn('offlineWrite', () => `could not keep a request in the offline store (${thrownMessage(error, true)}); its items are lost (counted in telemetry.stats().itemsDroppedOffline)`);
  }

  /** What a committed sweep dropped: counted, and one warning per kind. */
  #countSwept(evicted: number, expired: number): void {
    this.counters.itemsDroppedOffline += evicted + expired;
    if (evicted) this.#warnEvicted();
    if (expired) this.#warnExpired();
  }

  /**
   * Deletes (in `store`'s transaction) the expired records, then the oldest until `incoming`
   * more bytes fit under `maxBytes`; returns the items of each kind.
   */
  #sweep(store: IDBObjectStore, all: StoredRequest[], incoming: number): { evicted: number; expired: number } {
    const now = Date.now();
    let evicted = 0;
    let expired = 0;
    let total = 0;
    const live: StoredRequest[] = [];
    for (const record of all) {
      if (now - record.createdAt > this.maxAgeMillis) {
        expired += record.items;
        store.delete(record.id);
      } else {
        total += record.body.byteLength;
        live.push(record);
      }
    }
    for (const record of live) {
      if (total + incoming <= this.maxBytes) break;
      total -= record.body.byteLength;
      evicted += record.items;
      store.delete(record.id);
    }
    return { evicted, expired };
  }

  /**
   * Claims the oldest unexpired request that `mine` accepts and no other page is sending, for
   * `leaseMillis(record)`; deletes expired records and those whose sender went away (lease over,
   * no answer recorded) on the way. `record` is undefined when none is free; `claimedUntil` is
   * then when the last claim on one of `mine` ends (0: none is claimed). Throws if IndexedDB
   * fails. `settled(id)`: this page already has the answer for that record (a delete that failed).
   */
  async claimNext(
    owner: string,
    mine: (record: StoredRequest) => boolean,
    leaseMillis: (record: StoredRequest) => number,
    settled: (id: number) => boolean,
  ): Promise<{ record: StoredRequest | undefined; claimedUntil: number }> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    const cursors = tx.objectStore(STORE).openCursor();
    let claimed: StoredRequest | undefined;
    let expired = 0;
    let unconfirmed = 0;
    let claimedUntil = 0;
    await new Promise<void>((resolve, reject) => {
      cursors.onerror = () => reject(cursors.error);
      cursors.onsuccess = () => {
        const cursor = cursors.result;
        if (!cursor) return resolve();
        const record = cursor.value as StoredRequest;
        const now = Date.now();
        if (now - record.createdAt > this.maxAgeMillis) {
          expired += record.items;
          cursor.delete();
        } else if (mine(record)) {
          if (record.hold && record.hold.until > now) {
            claimedUntil = Math.max(claimedUntil, record.hold.until); // its page still sends it itself
          } else if (record.claim && record.claim.until > now) {
            claimedUntil = Math.max(claimedUntil, record.claim.until); // another page is sending it
          } else if (record.claim) {
            if (!settled(record.id)) unconfirmed += record.items;
            cursor.delete();
          } else {
            claimed = { ...record, claim: { owner, until: now + leaseMillis(record) } };
            delete claimed.hold;
            cursor.update(claimed);
            return resolve();
          }
        }
        cursor.continue();
      };
    });
    await done;
    this.counters.itemsDroppedOffline += expired;
    this.counters.itemsUnconfirmedOffline += unconfirmed;
    if (expired) this.#warnExpired();
    if (unconfirmed) {
      this.warnings.warn(
        'offlineUnconfirmed',
        () => `a page went away while sending ${unconfirmed} kept items and never saw the answer; they are not sent again (counted in telemetry.stats().itemsUnconfirmedOffline)`,
      );
    }
    return { record: claimed, claimedUntil };
  }

  /**
   * Copies of requests this page still sends itself (see `hold` on StoredRequest), written in
   * one transaction started in this call. `abort()` stops the write if it has not committed
   * yet (true: nothing will be written); `done` resolves with the records' ids once committed,
   * or undefined if the write failed. Not counted as persisted: the page counts them if it
   * hands them over (page hide, or the backend failing past every retry).
   */
  hold(owner: string, until: number, requests: { destination: Destination; signal: number; body: Uint8Array; items: number }[]): { abort: () => boolean; done: Promise<number[] | undefined> } {
    let finished = false;
    try {
      const tx = this.db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const createdAt = Date.now();
      const ids: number[] = [];
      for (const r of requests) {
        const add = store.add({ ...r.destination, signal: r.signal, body: r.body, items: r.items, createdAt, hold: { owner, until } });
        add.onsuccess = () => ids.push(add.result as number);
      }
      const commit = committed(tx);
      void commit.then(
        () => (finished = true),
        () => (finished = true),
      );
      const done = commit.then(
        async () => {
          await this.trim(); // copies count against maxBytes like any record
          return ids;
        },
        () => undefined,
      );
      return {
        done,
        abort: () => {
          if (finished) return false;
          try {
            tx.abort();
            return true;
          } catch {
            return false; // committing already: it will most likely land
          }
        },
      };
    } catch {
      return { abort: () => true, done: Promise.resolve(undefined) };
    }
  }

  /**
   * For records `ids` still held by `owner`: a new `until` (renewal), or no hold at all
   * (`until` undefined: handed over to whoever drains the store). One transaction.
   */
  async rehold(owner: string, ids: number[], until: number | undefined): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(STORE);
    const records = await Promise.all(ids.map((id) => request(store.get(id)) as Promise<StoredRequest | undefined>));
    for (const record of records) {
      if (!record || record.hold?.owner !== owner) continue;
      if (until === undefined) delete record.hold;
      else record.hold = { owner, until };
      store.put(record);
    }
    await done;
  }

  /** Deletes several records in one transaction; resolves when that has committed. */
  async deleteAll(ids: number[]): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(STORE);
    for (const id of ids) store.delete(id);
    await done;
  }

  /** Deletes a record once its answer is known; resolves when that has committed. */
  async delete(id: number): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    tx.objectStore(STORE).delete(id);
    await done;
  }

  /** Gives a claimed record back (its send failed, it is worth trying again). */
  async release(record: StoredRequest): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(STORE);
    const current = (await request(store.get(record.id))) as StoredRequest | undefined;
    if (current && current.claim?.owner === record.claim?.owner) {
      delete current.claim;
      store.put(current);
    }
    await done;
  }

  async count(): Promise<number> {
    return request(this.db.transaction(STORE, 'readonly').objectStore(STORE).count());
  }

  #warnEvicted(): void {
    this.warnings.warn('offlineEvicted', () => 'the offline store is full (offline.maxBytes): the oldest kept requests were dropped (counted in telemetry.stats().itemsDroppedOffline)');
  }

  #warnExpired(): void {
    this.warnings.warn('offlineExpired', () => 'kept requests older than offline.maxAgeMillis were dropped unsent (counted in telemetry.stats().itemsDroppedOffline)');
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Copies in the offline store, written while the page is visible, of batches the page is still
 * sending itself but that page hide could not send with keepalive: a plain request (too large
 * for the 64 KiB keepalive budget) in flight, or a batch sleeping in retry backoff.
 *
 * Why: Firefox (ESR 153, a tab closed under load) discards in about 3 of 10 closes both the
 * IndexedDB write and the keepalive requests a page starts in its pagehide handler, though the
 * handler runs to its end. What was written before page hide is not lost that way.
 *
 * Exactly once:
 * - A copy is `hold`: no page sends it while its hold lasts (HOLD_MILLIS, renewed every
 *   RENEW_MILLIS while the page is visible and the batch unanswered).
 * - The batch's answer known while visible: the copies are deleted (accepted, or rejected for
 *   good), or handed over (the hold removed) when the batch is to be kept for later anyway.
 * - Page hide: the page stops sending the batch (a plain request is aborted there, a retry no
 *   longer waits) and relinquishes its copies without writing anything: page hide sends only
 *   the pieces that have no committed copy, and a copy still being written is aborted (then its
 *   pieces go the page-hide way). Once the hold lapses, whoever drains the store sends it: the
 *   next page load, or this page when it is shown again.
 * Left open: a page that is still sending but does not run for longer than HOLD_MILLIS (a
 * frozen main thread) may see another tab send the copy too; and a page that goes away between
 * a batch's answer and the commit of its copies' delete leaves copies that are sent again.
 */

import type { Destination } from './offline_store.js';
import type { SignalNumber } from './signals.js';
import type { StoreAccess } from './store_access.js';

/**
 * A batch unanswered this long gets copies. Short, so that a tab closed soon after a burst
 * still finds them written; requests answered sooner (most) cost no IndexedDB write.
 */
export const BACKUP_DELAY_MILLIS = 100;
/** How long a copy is held for its page (the next page load waits at most this long for it). */
const HOLD_MILLIS = 3000;
const RENEW_MILLIS = 1000;
/** StoreAccess gives up opening the store after 5 s. */
const STORE_WAIT_MILLIS = 6000;

type Piece = [Uint8Array, number];

interface Backup {
  signal: SignalNumber;
  /** Looks at a store that was not open yet, so far. */
  waits: number;
  pieces: Piece[];
  timer?: ReturnType<typeof setTimeout>;
  write?: { abort: () => boolean; done: Promise<number[] | undefined> };
  ids?: number[];
}

export class TailBackups {
  /** Per batch body, its copies (or the timer that will write them). */
  private readonly live = new Map<Uint8Array, Backup>();
  /** Per batch body, the pieces whose copies page hide found written: they are not sent at hide. */
  private readonly relinquished = new WeakMap<Uint8Array, Set<Uint8Array>>();
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** IndexedDB transactions started for copies (writes, renewals, deletes, hand-overs), for tests and measurements. */
  transactions = 0;

  constructor(
    /** The offline store is on (`offline` is not false). */
    private readonly enabled: boolean,
    private readonly offline: StoreAccess,
    private readonly owner: string,
    /** Items handed over to the store (counted as persisted) at page hide or for later. */
    private readonly handedOver: (items: number) => void,
  ) {}

  /**
   * `body` is being sent as `pieces` (each small enough for keepalive) and page hide could
   * not send it with keepalive: copies of the pieces are written if it is still unanswered
   * after `delayMillis` (once per body; 0: now), or as soon as the store is open after that.
   */
  watch(signal: SignalNumber, body: Uint8Array, pieces: Piece[], delayMillis = BACKUP_DELAY_MILLIS): void {
    if (!this.enabled || this.live.has(body)) return;
    const backup: Backup = { signal, pieces, waits: 0 };
    this.live.set(body, backup);
    if (delayMillis > 0) backup.timer = setTimeout(() => this.write(body, backup), delayMillis);
    else this.write(body, backup);
  }

  private write(body: Uint8Array, backup: Backup): void {
    backup.timer = undefined;
    if (this.live.get(body) !== backup) return;
    const ready = this.offline.ready(backup.signal);
    if (!ready) {
      // The store is still opening (a batch sent right after init): look again shortly, for
      // as long as the store may take to open (it fails or times out by then).
      if (++backup.waits * BACKUP_DELAY_MILLIS <= STORE_WAIT_MILLIS) backup.timer = setTimeout(() => this.write(body, backup), BACKUP_DELAY_MILLIS);
      else this.live.delete(body);
      return;
    }
    this.transactions++;
    const requests = backup.pieces.map(([piece, items]) => ({ destination: ready.destination as Destination, signal: backup.signal, body: piece, items }));
    backup.write = ready.store.hold(this.owner, Date.now() + HOLD_MILLIS, requests);
    void backup.write.done.then((ids) => {
      backup.write = undefined;
      if (!ids) {
        if (this.live.get(body) === backup) this.live.delete(body);
        return;
      }
      backup.ids = ids;
      // Settled, kept or relinquished meanwhile: whoever took it finishes with the ids.
      if (this.live.get(body) === backup) this.scheduleRenewal();
    });
  }

  /** Renews the holds of every live copy in one transaction, while any is live. */
  private scheduleRenewal(): void {
    if (this.renewTimer !== undefined) return;
    this.renewTimer = setTimeout(() => {
      this.renewTimer = undefined;
      const store = this.offline.opened;
      const ids = [...this.live.values()].flatMap((b) => b.ids ?? []);
      if (!store || ids.length === 0) return;
      this.transactions++;
      store.rehold(this.owner, ids, Date.now() + HOLD_MILLIS).catch(() => {});
      this.scheduleRenewal();
    }, RENEW_MILLIS);
  }

  /**
   * The batch was answered (accepted, or rejected for good) while the page is visible: its
   * copies are deleted. Resolves once that has committed (or failed: see the file comment).
   */
  async settled(body: Uint8Array): Promise<void> {
    const backup = this.take(body);
    if (backup) await this.drop(backup);
  }

  /**
   * The batch is to be kept for later (offline, or the backend failing past every retry): if
   * every piece has a copy, the copies are handed over (their hold removed) and true is
   * returned, so nothing is written again; otherwise the copies are deleted and false returned.
   */
  async keep(body: Uint8Array): Promise<boolean> {
    const backup = this.take(body);
    if (!backup) return false;
    if (backup.write) await backup.write.done;
    const store = this.offline.opened;
    if (!backup.ids || !store) return false;
    try {
      this.transactions++;
      await store.rehold(this.owner, backup.ids, undefined);
    } catch {
      await this.drop(backup);
      return false;
    }
    this.handedOver(backup.pieces.reduce((n, [, items]) => n + items, 0));
    return true;
  }

  /**
   * Page hide, in its own task: the page stops sending what it has copies of. A copy whose
   * write has not committed is aborted (its pieces then go the page-hide way); if it cannot
   * be aborted any more (committing), it is counted as written. Writes nothing.
   */
  relinquishAll(): void {
    if (this.renewTimer !== undefined) clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    for (const [body, backup] of this.live) {
      if (backup.timer !== undefined) {
        clearTimeout(backup.timer);
        continue;
      }
      if (backup.write && backup.write.abort()) continue;
      this.relinquished.set(body, new Set(backup.pieces.map(([piece]) => piece)));
      this.handedOver(backup.pieces.reduce((n, [, items]) => n + items, 0));
    }
    this.live.clear();
  }

  /** The pieces of `body` whose copies page hide left in the store (not to be sent at hide). */
  inStore(body: Uint8Array): Set<Uint8Array> | undefined {
    return this.relinquished.get(body);
  }

  private take(body: Uint8Array): Backup | undefined {
    const backup = this.live.get(body);
    if (!backup) return undefined;
    this.live.delete(body);
    if (backup.timer !== undefined) {
      clearTimeout(backup.timer);
      return undefined;
    }
    return backup;
  }

  /** Deletes a backup's copies (after its write, if that is still on its way). */
  private async drop(backup: Backup): Promise<void> {
    if (backup.write) await backup.write.done;
    const store = this.offline.opened;
    if (!backup.ids || !store) return;
    this.transactions++;
    await store.deleteAll(backup.ids).catch(() => {});
  }
}

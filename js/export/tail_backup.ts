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
 * Left open, and counted in `stats().itemsPossiblyDuplicated` (by the page that may have caused
 * it, when it can tell): a page that is still sending but does not run for longer than
 * HOLD_MILLIS (a frozen main thread) may see another tab send the copy too (counted when the
 * late renewal finds the hold lapsed); and a page that goes away between a batch's answer and
 * the commit of its copies' delete leaves copies that are sent again (counted when page hide
 * finds such a delete not yet committed; it is started at once then, to narrow the window).
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

/** One transaction writing the copies of every batch that came due together. */
interface SharedWrite {
  done: Promise<number[] | undefined>;
  /** Memoized: every batch of the write asks, and the first answer is the answer. */
  aborted?: boolean;
  abort: () => boolean;
}

interface Backup {
  signal: SignalNumber;
  pieces: Piece[];
  /** Makes `pieces` when the copies come due (then cleared). */
  piecesOf?: () => Piece[];
  /** When its copies are due (Date.now() time). */
  dueAt: number;
  write?: SharedWrite;
  ids?: number[];
  /** Until when its copies are held (as last written or renewed). */
  until?: number;
}

/** Copies to delete, in one transaction a task later (or at once, at page hide: `start`). */
interface PendingDelete {
  ids: number[];
  items: number;
  start: () => void;
  done: Promise<void>;
}

/** Batches due within this much of each other share one transaction. */
const SLACK_MILLIS = 50;

export class TailBackups {
  /** Per batch body, its copies (or the timer that will write them). */
  private readonly live = new Map<Uint8Array, Backup>();
  /** Per batch body, the pieces whose copies page hide found written: they are not sent at hide. */
  readonly #relinquished = new WeakMap<Uint8Array, Set<Uint8Array>>();
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #dueTimer: ReturnType<typeof setTimeout> | undefined;
  /** Since when copies are due while the store is not open yet. */
  #waitingSince = 0;
  #deleting: PendingDelete | undefined;

  constructor(
    /** The offline store is on (`offline` is not false). */
    private readonly enabled: boolean,
    private readonly offline: StoreAccess,
    private readonly owner: string,
    /** Items handed over to the store (counted as persisted) at page hide or for later. */
    private readonly handedOver: (items: number) => void,
    /** Items that may be sent twice (see the file comment). */
    private readonly possiblyDuplicated: (items: number) => void = () => {},
  ) {}

  /**
   * `body` is being sent as `pieces` (each small enough for keepalive) and page hide could
   * not send it with keepalive: copies of the pieces are written if it is still unanswered
   * after `delayMillis` (once per body; 0: now), or as soon as the store is open after that.
   * Batches due together are written in one transaction.
   */
  watch(signal: SignalNumber, body: Uint8Array, pieces: Piece[] | (() => Piece[]), delayMillis = BACKUP_DELAY_MILLIS): void {
    if (!this.enabled || this.live.has(body)) return;
    // A function: the pieces are made only if the copies come due (most batches are answered first).
    this.live.set(body, typeof pieces === 'function' ? { signal, pieces: [], piecesOf: pieces, dueAt: Date.now() + delayMillis } : { signal, pieces, dueAt: Date.now() + delayMillis });
    if (delayMillis <= 0) this.#writeDue();
    else this.#armDueTimer(delayMillis);
  }

  #armDueTimer(delayMillis: number): void {
    if (this.#dueTimer !== undefined) return;
    this.#dueTimer = setTimeout(() => {
      this.#dueTimer = undefined;
      this.#writeDue();
    }, delayMillis);
  }

  /** Writes the copies of every batch now due, in one transaction; re-arms for the next. */
  #writeDue(): void {
    const now = Date.now();
    const due: [Uint8Array, Backup][] = [];
    let next = Infinity;
    for (const entry of this.live) {
      const backup = entry[1];
      if (backup.write || backup.ids) continue;
      if (backup.dueAt <= now + SLACK_MILLIS) due.push(entry);
      else next = Math.min(next, backup.dueAt);
    }
    if (next !== Infinity) this.#armDueTimer(next - now);
    if (due.length === 0) return;
    const store = this.offline.opened;
    const requests: { destination: Destination; signal: number; body: Uint8Array; items: number }[] = [];
    for (const [, backup] of due) {
      const ready = this.offline.ready(backup.signal);
      if (!store || !ready) {
        // The store is still opening (a batch sent right after init): look again shortly, for
        // as long as the store may take to open (it fails or times out by then).
        this.#waitingSince ||= now;
        if (now - this.#waitingSince <= STORE_WAIT_MILLIS) this.#armDueTimer(BACKUP_DELAY_MILLIS);
        else {
          for (const [body] of due) this.live.delete(body);
          this.#waitingSince = 0; // the next batch waits again
        }
        return;
      }
      if (backup.piecesOf) {
        backup.pieces = backup.piecesOf();
        backup.piecesOf = undefined;
      }
      for (const [piece, items] of backup.pieces) requests.push({ destination: ready.destination, signal: backup.signal, body: piece, items });
    }
    this.#waitingSince = 0;
    const raw = store!.hold(this.owner, now + HOLD_MILLIS, requests);
    const write: SharedWrite = { done: raw.done, abort: () => (write.aborted ??= raw.abort()) };
    let offset = 0;
    for (const [body, backup] of due) {
      backup.write = write;
      const from = offset;
      offset += backup.pieces.length;
      void write.done.then((ids) => {
        backup.write = undefined;
        if (!ids) {
          if (this.live.get(body) === backup) this.live.delete(body);
          return;
        }
        backup.ids = ids.slice(from, from + backup.pieces.length);
        backup.until = now + HOLD_MILLIS;
        // Settled, kept or relinquished meanwhile: whoever took it finishes with the ids.
        if (this.live.get(body) === backup) this.#scheduleRenewal();
      });
    }
  }

  /** Renews the holds of every live copy in one transaction, while any is live. */
  #scheduleRenewal(): void {
    if (this.#renewTimer !== undefined) return;
    this.#renewTimer = setTimeout(() => {
      this.#renewTimer = undefined;
      const store = this.offline.opened;
      const now = Date.now();
      const until = now + HOLD_MILLIS;
      const ids: number[] = [];
      for (const backup of this.live.values()) {
        if (!backup.ids) continue;
        // The main thread stalled past the hold: another page may have sent these copies meanwhile.
        if (backup.until! <= now) this.possiblyDuplicated(items(backup));
        backup.until = until;
        ids.push(...backup.ids);
      }
      if (!store || ids.length === 0) return;
      store.rehold(this.owner, ids, until).catch(() => {});
      this.#scheduleRenewal();
    }, RENEW_MILLIS);
  }

  /**
   * The batch was answered (accepted, or rejected for good) while the page is visible: its
   * copies are deleted. Resolves once that has committed (or failed: see the file comment).
   */
  async settled(body: Uint8Array): Promise<void> {
    const backup = this.take(body);
    if (backup) await this.#drop(backup);
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
      await store.rehold(this.owner, backup.ids, undefined);
    } catch {
      await this.#drop(backup);
      return false;
    }
    this.handedOver(items(backup));
    return true;
  }

  /**
   * Page hide, in its own task: the page stops sending what it has copies of. A copy whose
   * write has not committed is aborted (its pieces then go the page-hide way); if it cannot
   * be aborted any more (committing), it is counted as written. Writes nothing.
   */
  relinquishAll(): void {
    if (this.#renewTimer !== undefined) clearTimeout(this.#renewTimer);
    if (this.#dueTimer !== undefined) clearTimeout(this.#dueTimer);
    this.#renewTimer = this.#dueTimer = undefined;
    // Copies of answered batches whose delete has not committed: the page may be gone before
    // it does, and the next load would send them again. Started now, and counted.
    const deleting = this.#deleting;
    if (deleting) {
      deleting.start();
      this.possiblyDuplicated(deleting.items);
    }
    for (const [body, backup] of this.live) {
      if (!backup.write && !backup.ids) continue; // not written yet
      if (backup.write && backup.write.abort()) continue;
      this.#relinquished.set(body, new Set(backup.pieces.map(([piece]) => piece)));
      this.handedOver(items(backup));
    }
    this.live.clear();
  }

  /** The pieces of `body` whose copies page hide left in the store (not to be sent at hide). */
  inStore(body: Uint8Array): Set<Uint8Array> | undefined {
    return this.#relinquished.get(body);
  }

  private take(body: Uint8Array): Backup | undefined {
    const backup = this.live.get(body);
    if (!backup) return undefined;
    this.live.delete(body);
    return backup.write || backup.ids ? backup : undefined;
  }

  /** Deletes a backup's copies (after its write, if that is still on its way), with others of the same task. */
  async #drop(backup: Backup): Promise<void> {
    if (backup.write) await backup.write.done;
    const store = this.offline.opened;
    if (!backup.ids || !store) return;
    let deleting = this.#deleting;
    if (!deleting) {
      let go!: (deleted: Promise<void>) => void;
      const d: PendingDelete = {
        ids: [],
        items: 0,
        done: new Promise<void>((resolve) => (go = resolve)),
        // Once: from the timer, or earlier from page hide.
        start: () => {
          if (this.#deleting !== d) return;
          this.#deleting = undefined;
          go(store.deleteAll(d.ids).catch(() => {}));
        },
      };
      deleting = this.#deleting = d;
      setTimeout(d.start, 0);
    }
    deleting.ids.push(...backup.ids);
    deleting.items += items(backup);
    await deleting.done;
  }
}

function items(backup: Backup): number {
  return backup.pieces.reduce((n, [, count]) => n + count, 0);
}

/**
 * The origin-wide Web Lock around a drain of the offline store. Its own module, so that the
 * store itself (offline_store.ts) stays a chunk loaded only when needed. Web Locks exist only
 * in secure contexts: the store's per-record claims are what makes a drain exactly once; the
 * lock only spares other pages the claim transactions.
 */

/** Runs `fn` while holding the origin-wide lock named `name` (or just runs it without Web Locks). */
export async function withOriginLock<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const locks = (typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined) ?? undefined;
  if (!locks) return fn();
  // ifAvailable: another page is draining already; this one need not wait for it.
  return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? fn() : undefined)) as Promise<T | undefined>;
}

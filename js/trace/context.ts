/**
 * The active span. Browsers have no async context yet (no Zone.js here, by design: it costs
 * size and breaks native async/await; TC39's AsyncContext is not shipped), so the parent of a
 * new span is found in two places, in this order:
 *
 * 1. **Synchronous**: the span of the innermost running `startActiveSpan` function,
 *    `context.with` call or instrumented `fetch`, like OpenTelemetry JS's StackContextManager.
 * 2. **Pending**: the spans of async `startActiveSpan`/`context.with` functions,
 *    `tracedUserAction`s and tracked callbacks whose promise has not settled yet. Code after an
 *    `await` inside them runs with an empty stack, so we pick among these (Sentry's
 *    scope-until-settled, made safe for overlap):
 *    - one pending span: it is the parent;
 *    - several, nested in one another (an action awaiting a tracked callback): the innermost
 *      one; several siblings in one tree: their deepest common ancestor;
 *    - several unrelated ones (two user actions at once): no parent, a new trace, counted in
 *      `stats().ambiguousParents`: a root is better than a wrong parent.
 *    A pending span stops being a candidate when its promise settles, when it ends, or after
 *    `PENDING_TIMEOUT_MS` (a promise that never settles must not adopt the rest of the page;
 *    counted in `stats().ambientSpansExpired`).
 */

import type { Span } from '../api/types.js';
import type { Diagnostics } from '../runtime/diagnostics.js';

/** How long an async span may stay an implicit parent: longer than a slow request chain, short enough to bound a leak. */
export const PENDING_TIMEOUT_MS = 10_000;
/** At most this many pending spans are candidates; past it the oldest one stops being one. */
const MAX_PENDING = 32;

/** A span whose async function is still running; `outer` is its nearest pending ancestor, if any. */
interface Pending {
  readonly span: Span;
  readonly outer: Pending | undefined;
  readonly deadline: number;
  /** False for unsampled spans, which never record: only settling or the timeout ends them. */
  readonly recorded: boolean;
}

let active: Span | undefined;
const pending: Pending[] = [];
/** Each pending-registered span's entry. */
const entries = new WeakMap<Span, Pending>();
/** The nearest pending ancestor of spans started while something was pending (the tree the rule needs). */
const lineage = new WeakMap<object, Pending>();

const monotonic: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

/** The span of the innermost synchronous frame, ignoring pending async spans. */
export function syncActiveSpan(): Span | undefined {
  return active;
}

/**
 * The parent a span started here gets by default (see the rules above). `diag`, when given,
 * counts ambiguous and expired cases (the tracer passes it; log correlation does not count).
 */
export function activeSpan(diag?: Diagnostics): Span | undefined {
  return active ?? (pending.length === 0 ? undefined : pendingParent(diag));
}

function pendingParent(diag: Diagnostics | undefined): Span | undefined {
  const now = monotonic();
  for (let i = pending.length - 1; i >= 0; i--) {
    const p = pending[i];
    if (p.recorded && !p.span.isRecording()) {
      pending.splice(i, 1);
    } else if (now > p.deadline) {
      pending.splice(i, 1);
      diag?.report('ambientSpansExpired', () => 'an async span pending for over 10 s is no longer the implicit parent after await (use context.with(span, fn))');
    }
  }
  if (pending.length <= 1) return pending[0]?.span;
  // The innermost pending work: entries that no other pending entry descends from.
  const leaves = pending.filter((a) => !pending.some((b) => b !== a && descendsFrom(b.outer, a)));
  if (leaves.length === 1) return leaves[0].span;
  // Siblings (an action awaiting two tracked callbacks): their deepest common ancestor.
  for (let c: Pending | undefined = leaves[0].outer; c; c = c.outer) {
    if (leaves.every((p) => descendsFrom(p, c))) return c.span;
  }
  diag?.report('ambiguousParents', () => 'unrelated async spans are pending: a span started after an await gets no parent (use context.with(span, fn))');
  return undefined;
}

function descendsFrom(p: Pending | undefined, ancestor: Pending): boolean {
  for (; p; p = p.outer) if (p === ancestor) return true;
  return false;
}

/** Records which pending span (if any) `child` was started under, so overlapping work can be told apart. */
export function noteParent(child: object, parent: unknown): void {
  if (parent === null || typeof parent !== 'object') return;
  const outer = entries.get(parent as Span) ?? lineage.get(parent);
  if (outer) lineage.set(child, outer);
}

/**
 * Keeps `span` as a pending parent candidate; returns the function that releases it. A span
 * already pending (a `tracedUserAction` inside its own `startActiveSpan`) is not added twice.
 */
export function holdPending(span: Span): () => void {
  if (entries.has(span)) return () => {};
  let recorded = false;
  try {
    recorded = span.isRecording();
  } catch {
    // A foreign span object that throws: treat it like an unsampled one.
  }
  const entry: Pending = { span, outer: lineage.get(span), deadline: monotonic() + PENDING_TIMEOUT_MS, recorded };
  entries.set(span, entry);
  if (pending.length >= MAX_PENDING) pending.shift();
  pending.push(entry);
  return () => {
    const i = pending.indexOf(entry);
    if (i >= 0) pending.splice(i, 1);
    entries.delete(span);
  };
}

/**
 * Runs `fn` with `span` active and, when `fn` returns a promise, keeps `span` a pending parent
 * candidate until that promise settles.
 */
export function withAmbientSpan<T>(span: Span, fn: () => T): T {
  // Held from the start, so spans started in the synchronous part know they descend from it.
  const release = holdPending(span);
  let result: T;
  try {
    result = withActiveSpan(span, fn);
  } catch (error) {
    release();
    throw error;
  }
  const thenable = result as unknown as PromiseLike<unknown> | undefined;
  if (thenable !== null && (typeof thenable === 'object' || typeof thenable === 'function') && typeof thenable.then === 'function') {
    try {
      thenable.then(release, release);
    } catch {
      release();
    }
  } else {
    release();
  }
  return result;
}

/** Runs `fn` with `span` active and restores the previous active span afterwards. */
export function withActiveSpan<T>(span: Span, fn: () => T): T {
  const previous = active;
  active = span;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

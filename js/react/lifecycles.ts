/**
 * The component lifecycles `useComponentLifecycleTracking` has open, so that the last word is
 * never lost:
 * - the provider that owns the SDK settles its tree's pending unmounts before shutting down
 *   (React runs the provider's unmount cleanup before its children's);
 * - at page hide (before the SDK's hide flush) every open lifecycle span ends, marked
 *   `react.lifecycle.end_reason=page_hide`, and its lifetime so far is recorded, so both leave with
 *   the unload flush; if the page comes back (tab visible again, back/forward cache), a
 *   lifecycle that was cut goes on as a new span from then, so no time is counted twice and
 *   mounts are not counted again.
 */

import type { Attributes, Span, Telemetry } from '../api/types.js';
import { onBeforeHideFlush } from '../runtime/page_hide.js';
import { nowMillis } from '../trace/clock.js';
import { REACT_SCOPE } from './global.js';
import type { ReactInstruments } from './instruments.js';

export interface Lifecycle {
  telemetry: Telemetry;
  name: string;
  attributes: Attributes;
  span: Span;
  instruments: ReactInstruments;
  labels: Attributes;
  /** Start of the segment being measured: the mount, or the page's return after a hide. */
  mountedAt: number;
  pendingUnmount: ReturnType<typeof setTimeout> | undefined;
  /** The page hid while mounted: span and lifetime so far were recorded. */
  cutByHide: boolean;
}

const open = new Set<Lifecycle>();
let listening = false;

/** The span of a lifecycle (segment); `resumed` marks one that goes on after a page hide. */
export function startLifecycleSpan(l: Pick<Lifecycle, 'telemetry' | 'name' | 'attributes'>, resumed: boolean): Span {
  const attributes: Attributes = { ...l.attributes, 'react.component.name': l.name };
  if (resumed) attributes['react.lifecycle.resumed'] = true;
  return l.telemetry.getTracer(REACT_SCOPE).startSpan(`${l.name} lifecycle`, { attributes });
}

export function trackLifecycle(lifecycle: Lifecycle): void {
  open.add(lifecycle);
  if (!listening) listen();
}

/** Ends the lifecycle: span, `mounted` down by one, and the lifetime of its last segment. */
export function finishLifecycle(lifecycle: Lifecycle, unmountedAt: number): void {
  if (!open.delete(lifecycle)) return;
  if (lifecycle.pendingUnmount !== undefined) {
    clearTimeout(lifecycle.pendingUnmount);
    lifecycle.pendingUnmount = undefined;
  }
  if (!lifecycle.cutByHide) {
    lifecycle.span.end(unmountedAt);
    lifecycle.instruments.lifetime.record(Math.max(0, unmountedAt - lifecycle.mountedAt), lifecycle.labels);
  }
  lifecycle.instruments.mounted.add(-1, lifecycle.labels);
}

/** Settles the unmounts still waiting for their tick, for `telemetry`: before it shuts down. */
export function settlePendingUnmounts(telemetry: Telemetry): void {
  for (const l of [...open]) {
    if (l.telemetry === telemetry && l.pendingUnmount !== undefined) finishLifecycle(l, nowMillis());
  }
}

function onHide(): void {
  const now = nowMillis();
  for (const l of [...open]) {
    // An unmount waiting for its tick will not get it: the page may be gone by then.
    if (l.pendingUnmount !== undefined) {
      finishLifecycle(l, now);
    } else if (!l.cutByHide) {
      l.cutByHide = true;
      l.span.setAttribute('react.lifecycle.end_reason', 'page_hide');
      l.span.end(now);
      l.instruments.lifetime.record(Math.max(0, now - l.mountedAt), l.labels);
    }
  }
}

function onShow(): void {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
  const now = nowMillis();
  for (const l of open) {
    if (!l.cutByHide) continue;
    l.cutByHide = false;
    l.mountedAt = now;
    l.span = startLifecycleSpan(l, true);
  }
}

function listen(): void {
  if (typeof addEventListener !== 'function' || typeof document === 'undefined') return;
  listening = true;
  onBeforeHideFlush(onHide);
  document.addEventListener('visibilitychange', onShow);
  addEventListener('pageshow', onShow);
}

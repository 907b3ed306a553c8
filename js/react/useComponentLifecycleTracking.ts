/** `useComponentLifecycleTracking`: a span from mount to unmount, with mount metrics. */

import { useEffect, useRef } from 'react';
import type { Attributes } from '../api/types.js';
import { nowMillis } from '../trace/clock.js';
import { finishLifecycle, startLifecycleSpan, trackLifecycle, type Lifecycle } from './lifecycles.js';
import { reactInstruments } from './instruments.js';
import { copyAttributes } from './safe_read.js';
import { useTelemetry } from './TelemetryProvider.js';

/**
 * Tracks the component's life: a span `<componentName> lifecycle` from mount to unmount, and
 * the metrics `react.component.mounts` (counter), `react.component.mounted` (up-down counter:
 * how many are mounted now) and `react.component.lifetime` (histogram, ms), labelled with
 * `react.component.name`. `attributes` go on the span.
 *
 * StrictMode's development-only unmount-and-remount does not count: the first mount's span and
 * counts carry on. A real remount (a new `key`, or another `componentName`) starts a new one.
 *
 * When the page is hidden (tab switch, close, navigation) while the component is mounted, its
 * span ends there with `react.lifecycle.end_reason=page_hide` and its lifetime so far is
 * recorded, so both go out with the page-hide flush; if the page comes back, a new span
 * (`react.lifecycle.resumed=true`) and lifetime segment start then. An owning
 * `TelemetryProvider` that unmounts with its children records their unmount before shutting down.
 */
export function useComponentLifecycleTracking(componentName: string, attributes?: Attributes): void {
  const telemetry = useTelemetry();
  const attributesRef = useRef(attributes);
  attributesRef.current = attributes;
  const lifecycle = useRef<Lifecycle | null>(null);

  useEffect(() => {
    const current = lifecycle.current;
    if (current?.pendingUnmount !== undefined) {
      clearTimeout(current.pendingUnmount);
      current.pendingUnmount = undefined;
      if (current.name === componentName && current.telemetry === telemetry) return scheduleUnmount(current);
      finishLifecycle(current, nowMillis());
    }
    const instruments = reactInstruments(telemetry);
    const labels = { 'react.component.name': componentName };
    const base = { telemetry, name: componentName, attributes: copyAttributes(attributesRef.current) };
    const span = startLifecycleSpan(base, false);
    instruments.mounts.add(1, labels);
    instruments.mounted.add(1, labels);
    const started: Lifecycle = { ...base, span, instruments, labels, mountedAt: nowMillis(), pendingUnmount: undefined, cutByHide: false };
    lifecycle.current = started;
    trackLifecycle(started);
    return scheduleUnmount(started);
  }, [telemetry, componentName]);
}

/** The unmount is settled a tick later, so StrictMode's immediate remount can cancel it. */
function scheduleUnmount(lifecycle: Lifecycle): () => void {
  return () => {
    const unmountedAt = nowMillis();
    lifecycle.pendingUnmount = setTimeout(() => {
      lifecycle.pendingUnmount = undefined;
      finishLifecycle(lifecycle, unmountedAt);
    }, 0);
  };
}

/** `useComponentLifecycleTracking`: a span from mount to unmount, with mount metrics. */

import { useEffect, useRef } from 'react';
import type { Attributes, Span } from '../api/types.js';
import { nowMillis } from '../trace/clock.js';
import { REACT_SCOPE } from './global.js';
import { reactInstruments, type ReactInstruments } from './instruments.js';
import { useTelemetry } from './TelemetryProvider.js';

interface Lifecycle {
  name: string;
  span: Span;
  instruments: ReactInstruments;
  labels: Attributes;
  mountedAt: number;
  pendingUnmount: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Tracks the component's life: a span `<componentName> lifecycle` from mount to unmount, and
 * the metrics `react.component.mounts` (counter), `react.component.mounted` (up-down counter:
 * how many are mounted now) and `react.component.lifetime` (histogram, ms), labelled with
 * `react.component.name`. `attributes` go on the span.
 *
 * StrictMode's development-only unmount-and-remount does not count: the first mount's span and
 * counts carry on. A real remount (a new `key`, or another `componentName`) starts a new one.
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
      if (current.name === componentName) return scheduleUnmount(current);
      finish(current, nowMillis());
    }
    const instruments = reactInstruments(telemetry);
    const labels = { 'react.component.name': componentName };
    const span = telemetry.getTracer(REACT_SCOPE).startSpan(`${componentName} lifecycle`, {
      attributes: { ...attributesRef.current, 'react.component.name': componentName },
    });
    instruments.mounts.add(1, labels);
    instruments.mounted.add(1, labels);
    const started: Lifecycle = { name: componentName, span, instruments, labels, mountedAt: nowMillis(), pendingUnmount: undefined };
    lifecycle.current = started;
    return scheduleUnmount(started);
  }, [telemetry, componentName]);
}

/** The unmount is settled a tick later, so StrictMode's immediate remount can cancel it. */
function scheduleUnmount(lifecycle: Lifecycle): () => void {
  return () => {
    const unmountedAt = nowMillis();
    lifecycle.pendingUnmount = setTimeout(() => {
      lifecycle.pendingUnmount = undefined;
      finish(lifecycle, unmountedAt);
    }, 0);
  };
}

function finish(lifecycle: Lifecycle, unmountedAt: number): void {
  lifecycle.span.end(unmountedAt);
  lifecycle.instruments.mounted.add(-1, lifecycle.labels);
  lifecycle.instruments.lifetime.record(Math.max(0, unmountedAt - lifecycle.mountedAt), lifecycle.labels);
}

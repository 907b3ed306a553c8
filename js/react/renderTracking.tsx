/**
 * Render timing: `useRenderTracking` (works in production builds), `traceComponentRender`
 * (the same as a higher-order component), and `RenderProfiler` (React's `<Profiler>`, whose
 * callback React only calls in development and profiling builds).
 */

import { Profiler, useEffect, useLayoutEffect, useRef, type ComponentType, type ProfilerOnRenderCallback, type ReactNode } from 'react';
import type { Telemetry } from '../api/types.js';
import { REACT_SCOPE } from './global.js';
import { reactInstruments } from './instruments.js';
import { useTelemetry } from './TelemetryProvider.js';
import { readSafely } from './safe_read.js';

export interface RenderTrackingOptions {
  /** Renders slower than this (ms) also become a span `render <name>`. Default: no spans. */
  slowRenderThresholdMs?: number | undefined;
}

// useLayoutEffect warns during server-side rendering; there is nothing to time there anyway.
const useCommitEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

function recordRender(telemetry: Telemetry, name: string, phase: string, startTime: number, duration: number, threshold: number | undefined): void {
  reactInstruments(telemetry).renderDuration.record(duration, { 'react.component.name': name, 'react.render.phase': phase });
  if (threshold !== undefined && duration > threshold) {
    // performance.now() readings: the SDK maps them to the wall clock (a stale timeOrigin would not be).
    telemetry
      .getTracer(REACT_SCOPE)
      .startSpan(`render ${name}`, { startTime, attributes: { 'react.component.name': name, 'react.render.phase': phase } })
      .end(startTime + duration);
  }
}

/**
 * Times each render of the calling component, from the start of its render to the commit
 * (children included), into the histogram `react.render.duration` (ms), labelled
 * `react.component.name` and `react.render.phase` (`mount` or `update`).
 */
export function useRenderTracking(name: string, options?: RenderTrackingOptions): void {
  const telemetry = useTelemetry();
  const renderStart = useRef(0);
  const mounted = useRef(false);
  renderStart.current = performance.now();
  useCommitEffect(() => {
    const phase = mounted.current ? 'update' : 'mount';
    mounted.current = true;
    recordRender(telemetry, name, phase, renderStart.current, performance.now() - renderStart.current, readSafely(() => options?.slowRenderThresholdMs, undefined));
  });
}

/** `Component` with `useRenderTracking(name)`: the seed's `traceComponentRender`. */
export function traceComponentRender<P extends object>(Component: ComponentType<P>, name?: string, options?: RenderTrackingOptions): ComponentType<P> {
  const label = name ?? (Component.displayName || Component.name || 'Component');
  function Traced(props: P) {
    useRenderTracking(label, options);
    return <Component {...props} />;
  }
  Traced.displayName = `traceComponentRender(${label})`;
  return Traced;
}

export interface RenderProfilerProps extends RenderTrackingOptions {
  id: string;
  children?: ReactNode | undefined;
}

/**
 * React's `<Profiler>` feeding `react.render.duration` with React's own `actualDuration`.
 * React calls it only in development and in profiling builds (`react-dom/profiling`); use
 * `useRenderTracking` in plain production builds.
 */
export function RenderProfiler({ id, slowRenderThresholdMs, children }: RenderProfilerProps) {
  const telemetry = useTelemetry();
  const onRender: ProfilerOnRenderCallback = (profilerId, phase, actualDuration, _base, startTime) => {
    recordRender(telemetry, profilerId, phase === 'mount' ? 'mount' : 'update', startTime, actualDuration, slowRenderThresholdMs);
  };
  return (
    <Profiler id={id} onRender={onRender}>
      {children}
    </Profiler>
  );
}

'use client';

/**
 * greptime-web-telemetry/react: a provider, hooks and components for React 18 and 19.
 * Without a `TelemetryProvider` every hook is a no-op that still calls what it wraps.
 *
 * `'use client'` (first line, kept there by tsc): React Server Components bundlers (Next.js App
 * Router) then treat every export as a client reference, so a server component such as
 * `app/layout.tsx` can render `<TelemetryProvider>` without a wrapper of its own.
 */

export { TelemetryProvider, useTelemetry, type TelemetryProviderProps } from './TelemetryProvider.js';
export { useComponentLifecycleTracking } from './useComponentLifecycleTracking.js';
export { useTrackedCallback, type TrackedCallbackOptions } from './useTrackedCallback.js';
export { tracedUserAction } from './tracedUserAction.js';
export { useRenderTracking, traceComponentRender, RenderProfiler, type RenderProfilerProps, type RenderTrackingOptions } from './renderTracking.js';
export { TelemetryErrorBoundary, type TelemetryErrorBoundaryProps } from './TelemetryErrorBoundary.js';
export { trackReactRouter, type DataRouterLike } from './router.js';

/** `TelemetryProvider` and `useTelemetry`: one telemetry handle for a React tree. */

import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import type { Telemetry, TelemetryConfig } from '../api/types.js';
import { lazyTelemetry, type StartedTelemetry } from '../init.js';
import { NOOP_TELEMETRY } from '../trace/noop.js';
import { runningTelemetry, warnSecondStart } from '../runtime/running.js';
import { globalTelemetry, registerGlobalTelemetry, unregisterGlobalTelemetry } from './global.js';
import { settlePendingUnmounts } from './lifecycles.js';

export const TelemetryContext = createContext<Telemetry>(NOOP_TELEMETRY);

export interface TelemetryProviderProps {
  /**
   * Starts telemetry from this configuration (read once, on first render). If telemetry already
   * runs on the page (`startTelemetry`, another provider), the running handle is used instead
   * and this configuration is ignored, with one console warning.
   */
  config?: TelemetryConfig | undefined;
  /** Or use a handle you created yourself (`startTelemetry`, `initTelemetry`); it is not shut down on unmount. */
  telemetry?: Telemetry | undefined;
  children?: ReactNode | undefined;
}

interface ProviderState {
  value: Telemetry;
  /** The handle this provider started (and so shuts down on unmount). */
  owned: (StartedTelemetry & { start(): void }) | undefined;
  pendingShutdown: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Provides telemetry to the hooks below it. Telemetry records from the first render: spans,
 * measurements and logs made while the WASM core loads are kept and sent once it is ready.
 *
 * - Initialises once: React StrictMode's double render and double mount start no second SDK,
 *   and leave no timers behind. The handle is shut down (flushing everything) on unmount.
 * - Server-side rendering: on the server the tree gets a no-op handle and nothing is loaded.
 * - Everything is flushed when the page is hidden, with keepalive requests.
 * - Without a provider, every hook is a no-op that still calls the functions it wraps.
 */
export function TelemetryProvider({ config, telemetry, children }: TelemetryProviderProps) {
  const state = useRef<ProviderState | null>(null);
  if (state.current === null) {
    // Created lazily: a render React discards never starts loading anything.
    // Telemetry runs once per page (runtime/running.ts): with one already running (startTelemetry
    // elsewhere, another provider), the provider uses it, and leaves its shutdown to its owner.
    const running = telemetry || !config || typeof window === 'undefined' ? undefined : runningTelemetry<Telemetry>();
    if (running) warnSecondStart('TelemetryProvider uses it, ignoring its `config`');
    const owned = telemetry || !config || running || typeof window === 'undefined' ? undefined : lazyTelemetry(config);
    state.current = { value: telemetry ?? running ?? owned ?? NOOP_TELEMETRY, owned, pendingShutdown: undefined };
    // Children's effects run before ours: make tracedUserAction see this handle from the start.
    if (typeof window !== 'undefined' && globalTelemetry() === NOOP_TELEMETRY) registerGlobalTelemetry(state.current.value);
  }
  const s = state.current;

  useEffect(() => {
    // StrictMode unmounts and remounts at once in development: cancel the shutdown it scheduled.
    if (s.pendingShutdown !== undefined) {
      clearTimeout(s.pendingShutdown);
      s.pendingShutdown = undefined;
    }
    s.owned?.start();
    registerGlobalTelemetry(s.value);
    return () => {
      s.pendingShutdown = setTimeout(() => {
        s.pendingShutdown = undefined;
        unregisterGlobalTelemetry(s.value);
        // React ran our cleanup before our children's: record their unmounts before the flush.
        if (s.owned) settlePendingUnmounts(s.value);
        void s.owned?.shutdown();
      }, 0);
    };
  }, [s]);

  return <TelemetryContext.Provider value={s.value}>{children}</TelemetryContext.Provider>;
}

/** The telemetry of the nearest `TelemetryProvider`, or a no-op handle without one. */
export function useTelemetry(): Telemetry {
  return useContext(TelemetryContext);
}

/**
 * The telemetry that `tracedUserAction` (a plain function, not a hook) uses: the one the
 * mounted `TelemetryProvider` registered, or a no-op.
 */

import type { Telemetry } from '../api/types.js';
import { NOOP_TELEMETRY } from '../trace/noop.js';

let current: Telemetry = NOOP_TELEMETRY;

export function globalTelemetry(): Telemetry {
  return current;
}

export function registerGlobalTelemetry(telemetry: Telemetry): void {
  current = telemetry;
}

export function unregisterGlobalTelemetry(telemetry: Telemetry): void {
  if (current === telemetry) current = NOOP_TELEMETRY;
}

/** The instrumentation scope of everything the React integration records. */
export const REACT_SCOPE = 'greptime-web-telemetry/react';

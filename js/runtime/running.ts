/**
 * One running telemetry per page. The browser signals, the fetch/XHR instrumentation and the
 * page-hide listeners belong to the page, not to a handle: a second handle started beside the
 * first would install them twice (two `documentLoad` traces, two sessions, every vital twice).
 * So a second `startTelemetry`/`initTelemetry` while one runs gets the running handle and one
 * console warning, as OpenTelemetry's `registerGlobal` and Faro's `initializeFaro` keep the
 * first registration and report the second. A handle stops running at `shutdown()` (or when it
 * could not start); a later start is then a new one.
 */

import { warn } from './diagnostics.js';

/** What is registered: a started handle (init.ts's `StartedTelemetry`), typed loosely to keep this module leaf. */
type Handle = object;

let running: Handle | undefined;
let warned = false;

/** The handle that runs on this page, if any. */
export function runningTelemetry<T extends Handle>(): T | undefined {
  return running as T | undefined;
}

/** Makes `handle` the running one; false (nothing changed) if another already runs. */
export function claimRunning(handle: Handle): boolean {
  if (running !== undefined && running !== handle) return false;
  running = handle;
  return true;
}

/** `handle` stopped (shut down, or could not start): a later start may run a new one. */
export function releaseRunning(handle: Handle): void {
  if (running === handle) running = undefined;
}

/** The one console line for a second start (`how`: what the second start does instead). */
export function warnSecondStart(how: string): void {
  if (warned) return;
  warned = true;
  warn(`initTelemetry called again while telemetry is running: ${how} (shut it down first to start anew)`);
}

/**
 * Every call into the WASM core goes through here. A throw from the core (a bug, or a trap
 * after a panic) means it is unusable: telemetry stops for the page with one warning, and the
 * exception never reaches the app.
 */

import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';
import { warn } from '../runtime/diagnostics.js';

export class CoreHandle {
  broken = false;

  /** `core` is undefined while the WASM core loads (`startTelemetry`): calls return their fallback. */
  constructor(public core?: TelemetryCore) {}

  call<T>(fn: (core: TelemetryCore) => T, fallback: T): T {
    if (this.broken || this.core === undefined) return fallback;
    try {
      return fn(this.core);
    } catch (error) {
      this.broken = true;
      warn(`telemetry stopped after an internal error in the WASM core: ${String(error)}`);
      return fallback;
    }
  }
}

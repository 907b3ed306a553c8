/**
 * Every call into the WASM core goes through here. A throw from the core (a bug, or a trap
 * after a panic) means it is unusable: telemetry stops for the page with one warning, and the
 * exception never reaches the app. Problems the core counted are turned into their one warning
 * each here (the core has no words of its own).
 */

import type { Settings } from '../config/schema.js';
import type { TelemetryCore } from '../wasm/greptime_web_telemetry.js';
import { thrownMessage, warn } from '../runtime/diagnostics.js';
import type { AttributeList } from '../trace/attributes.js';
import type { registerInstrument } from '../metrics/instrument_rules.js';
import type { warnCoreProblems } from './core_problems.js';

/**
 * What calls into the core need besides it, and only once it is attached: loaded with the
 * pipelines (export/pipelines.ts `coreServices`), out of the page's initial chunk.
 */
export interface CoreServices {
  /** Turns the core's problems into warnings. */
  readonly warnProblems: typeof warnCoreProblems;
  /** A metric attribute set as the core registers it: sorted by key (metrics/canonical_set.ts), then written (wire/record_writer.ts). */
  readonly encodeAttributes: (list: AttributeList) => Uint8Array;
  /** Checks a metric instrument and registers it once per identity (metrics/instrument_rules.ts). */
  readonly registerInstrument: typeof registerInstrument;
}

export class CoreHandle {
  broken = false;
  /** Metric instrument names by core id, for the core's cardinality warning. */
  readonly instrumentNames: string[] = [];
  /** Metric instrument ids by identity (metrics/instrument_rules.ts `registerInstrument`). */
  readonly instrumentIds = new Map<string, number>();

  /** Undefined while the WASM core loads (`startTelemetry`): calls return their fallback. */
  core: TelemetryCore | undefined;
  /** The validated configuration `core` was built from; set with it, read only by what is created after. */
  settings!: Settings;
  /** Set with `core` when it is attached (export/pipelines.ts). */
  services: CoreServices | undefined;

  constructor(core?: TelemetryCore, settings?: Settings) {
    this.core = core;
    if (settings) this.settings = settings;
  }

  call<T>(fn: (core: TelemetryCore) => T, fallback: T): T {
    if (this.broken || this.core === undefined) return fallback;
    try {
      const result = fn(this.core);
      this.#reportProblems();
      return result;
    } catch (error) {
      this.broken = true;
      warn(`telemetry stopped after an internal error in the WASM core: ${thrownMessage(error, true)}`);
      return fallback;
    }
  }

  #reportProblems(): void {
    try {
      if (this.services && this.core?.problemsPending()) this.services.warnProblems(this.core.stats(true), this.settings, this.instrumentNames);
    } catch {
      // The core was just freed (shutdown): nothing more to report.
    }
  }
}

/** `initTelemetry`: validates the configuration, loads the WASM core, returns the handle. */

import type { Telemetry, TelemetryConfig } from './api/types.js';
import { describe, warn } from './runtime/diagnostics.js';
import { loadCore } from './runtime/wasm_loader.js';
import { newInstanceId } from './metrics/instance_id.js';
import { nowMillis } from './trace/clock.js';
import { NOOP_TELEMETRY } from './trace/noop.js';
import { TelemetrySdk } from './telemetry.js';

/**
 * Starts telemetry. Resolves to a working `Telemetry` handle, or, when there is no endpoint,
 * `enabled: false`, no browser, or the WASM core cannot load, to a no-op handle after one
 * console warning saying why. Never rejects and never throws.
 *
 * @example
 * const telemetry = await initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'shop-web' });
 * telemetry.tracer.startActiveSpan('checkout', async (span) => { … });
 */
export async function initTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  try {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      warn(`telemetry disabled: initTelemetry needs a configuration object, got ${describe(config)}`);
      return NOOP_TELEMETRY;
    }
    if (config.enabled === false) return NOOP_TELEMETRY;
    if (config.endpoint === undefined || config.endpoint === null || config.endpoint === '') {
      warn('telemetry disabled: no `endpoint` configured (GreptimeDB\'s HTTP address, e.g. "http://localhost:4000")');
      return NOOP_TELEMETRY;
    }
    if (typeof document === 'undefined' && typeof importScripts !== 'function') {
      warn('telemetry disabled: not running in a browser (initTelemetry belongs in client-side code)');
      return NOOP_TELEMETRY;
    }
    // The validator comes in a chunk of its own, loaded with the core's.
    const [{ buildCore }, { TelemetryCore }] = await Promise.all([import('./config/build_core.js'), loadCore()]);
    const built = buildCore(config, TelemetryCore, () => ({
      userAgent: browserFact(() => navigator.userAgent),
      language: browserFact(() => navigator.language),
      pageUrl: browserFact(() => location.href),
      instanceId: newInstanceId(),
    }), nowMillis());
    const { warnings } = built;
    if (built.core === undefined) {
      warn(`telemetry disabled: ${built.error}${warnings.length > 0 ? ` (configuration also: ${warnings.join('; ')})` : ''}`);
      return NOOP_TELEMETRY;
    }
    if (warnings.length > 0) warn(`configuration: ${warnings.join('; ')}`);
    return new TelemetrySdk(built.core, built.settings);
  } catch (error) {
    warn(`telemetry disabled: ${error instanceof Error ? error.message : String(error)}`);
    return NOOP_TELEMETRY;
  }
}

declare function importScripts(...urls: string[]): void;

function browserFact(read: () => string): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}

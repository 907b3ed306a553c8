/**
 * `initTelemetry` and `startTelemetry`: one handle (telemetry.ts) that records from the first
 * line; `openCore` validates the configuration and loads the WASM core behind it.
 */

import type { Telemetry, TelemetryConfig } from './api/types.js';
// Through initial_chunk.ts, as the lazily loaded modules do: it is then part of the initial chunk, not an empty file of its own.
import { bundled, describe, thrownMessage, warn } from './runtime/initial_chunk.js';
import { loadCore } from './runtime/wasm_loader.js';
import { wasmUrlOf } from './runtime/wasm_url.js';
import { runningTelemetry, warnSecondStart } from './runtime/running.js';
import { newInstanceId } from './metrics/instance_id.js';
import { nowMillis } from './trace/clock.js';
import { TelemetrySdk, type OpenedCore } from './telemetry.js';

/**
 * Starts telemetry. Resolves to a working `Telemetry` handle, or, when there is no endpoint,
 * `enabled: false`, no browser, or the WASM core cannot load, to a no-op handle after one
 * console warning saying why. Never rejects and never throws.
 *
 * Once per page: called again while a handle runs (not shut down), it resolves to that running
 * handle and ignores the new configuration, with one console warning; the browser signals,
 * fetch/XHR instrumentation and page-hide listeners are never installed twice. After
 * `shutdown()`, a new call starts anew.
 *
 * @example
 * const telemetry = await initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'shop-web' });
 * telemetry.tracer.startActiveSpan('checkout', async (span) => { … });
 */
export function initTelemetry(config: TelemetryConfig): Promise<Telemetry> {
  return startTelemetry(config).ready;
}

/** A Telemetry handle usable at once; `ready` settles when the WASM core has loaded (or failed to). */
export interface StartedTelemetry extends Telemetry {
  /** Resolves to this handle once the core is ready, or to a no-op handle if it could not load. */
  readonly ready: Promise<Telemetry>;
}

/**
 * Starts telemetry and returns a handle that works immediately: spans, measurements and logs
 * recorded while the WASM core loads are kept (up to 2048 of each; more are counted in
 * `stats().droppedBeforeReady`, with one warning) and sent once it is ready. Never throws; a
 * configuration or load problem turns it into a no-op with one warning.
 *
 * Once per page, like `initTelemetry`: while a handle runs, a second call returns it (the new
 * configuration is ignored, one console warning).
 *
 * @example
 * export const telemetry = startTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'shop-web' });
 * telemetry.tracer.startSpan('app start').end(); // fine before the core has loaded
 */
export function startTelemetry(config: TelemetryConfig): StartedTelemetry {
  const running = runningTelemetry<StartedTelemetry>();
  if (running) {
    warnSecondStart('returning it');
    return running;
  }
  const telemetry = lazyTelemetry(config);
  telemetry.start();
  return telemetry;
}

/**
 * Like `startTelemetry`, but the WASM core only starts loading on first use (or `start()`):
 * React may render a component twice and discard one result, and a handle that was never used
 * must not leave a loading core, timers and listeners behind.
 */
export function lazyTelemetry(config: TelemetryConfig): StartedTelemetry & { start(): void } {
  return new TelemetrySdk(undefined, undefined, undefined, config, () => openCore(config));
}

/**
 * Checks the configuration and loads the WASM core; resolves to undefined, after one console
 * warning saying why (none for `enabled: false`), when telemetry stays off. Never rejects.
 */
async function openCore(config: TelemetryConfig): Promise<OpenedCore | undefined> {
  try {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      warn(`telemetry disabled: initTelemetry needs a configuration object, got ${describe(config)}`);
      return undefined;
    }
    if (config.enabled === false) return undefined;
    if (config.endpoint === undefined || config.endpoint === null || config.endpoint === '') {
      warn('telemetry disabled: no `endpoint` configured (GreptimeDB\'s HTTP address, e.g. "http://localhost:4000")');
      return undefined;
    }
    if (typeof document === 'undefined' && typeof importScripts !== 'function') {
      warn('telemetry disabled: not running in a browser (initTelemetry belongs in client-side code)');
      return undefined;
    }
    // The browser signals' loader is a chunk of its own, and the configuration's validator with
    // the pipelines comes in the core's glue chunk (export/core_chunk.ts), fetched while the core
    // loads: sessions must be running before the first span or log record reaches the pipelines.
    // The signals' chunk brings the `rum` setting's validator, so it is awaited before validation.
    const rum = config.rum === false ? undefined : (bundled.rum ? Promise.resolve(bundled.rum) : import('./rum/index.js')).catch(() => undefined);
    const pipelines = bundled.pipelines ? Promise.resolve(bundled.pipelines) : import('./export/core_chunk.js');
    // The offline store's chunk is fetched with the core too (the module map keeps it): a page
    // that goes offline right after start could not fetch it then, and would lose what it
    // cannot send instead of keeping it. A failure here is retried when the store is needed.
    const store = config.offline === false || bundled.store ? undefined : import('./export/offline_store.js').catch(() => undefined);
    const [pipelinesModule, { TelemetryCore }, , rumModule] = await Promise.all([pipelines, loadCore(wasmUrlOf(config.wasmUrl)), store, rum]);
    const { buildCore } = pipelinesModule;
    const built = buildCore(config, TelemetryCore, () => ({
      userAgent: browserFact(() => navigator.userAgent),
      language: browserFact(() => navigator.language),
      pageUrl: browserFact(() => location.href),
      instanceId: newInstanceId(),
    }), nowMillis(), rumModule?.readRum);
    const { warnings } = built;
    if (built.core === undefined) {
      warn(`telemetry disabled: ${built.error}${warnings.length > 0 ? ` (configuration also: ${warnings.join('; ')})` : ''}`);
      return undefined;
    }
    if (warnings.length > 0) warn(`configuration: ${warnings.join('; ')}`);
    const { core, settings, rum: rumSettings } = built;
    if (rum && !rumModule) warn('rum: the browser signals could not be loaded (a network error or a missing chunk)');
    return { core, settings, pipelines: pipelinesModule, startRum: rumModule && rumSettings ? (sdk) => rumModule.startRum(sdk, rumSettings, config) : undefined };
  } catch (error) {
    warn(`telemetry disabled: ${thrownMessage(error)}`);
    return undefined;
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

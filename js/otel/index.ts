/**
 * greptime-web-telemetry/otel: makes this package the SDK behind `@opentelemetry/api`, so that
 * libraries and OpenTelemetry's contrib instrumentations (`@opentelemetry/instrumentation-fetch`,
 * `-document-load`, …) record through it. Opt-in: only apps that import this entry pay for it,
 * and `@opentelemetry/api` (≥ 1.10, which carries the logs API) is an optional peer dependency,
 * never bundled into the package.
 *
 * @example
 * import { initTelemetry } from 'greptime-web-telemetry';
 * import { registerGlobals } from 'greptime-web-telemetry/otel';
 * import { registerInstrumentations } from '@opentelemetry/instrumentation';
 * import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
 *
 * const telemetry = await initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'shop-web' });
 * registerGlobals(telemetry);
 * registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });
 */

import { context, logs, metrics, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import type { Telemetry } from '../api/types.js';
import { GreptimeContextManager } from './context_manager.js';
import { loggerProvider } from './logs.js';
import { meterProvider } from './metrics.js';
import { TraceContextPropagator } from './propagator.js';
import { tracerProvider } from './spans.js';
import { warnOnce } from './warn.js';

export { GreptimeContextManager } from './context_manager.js';
export { TraceContextPropagator } from './propagator.js';
export { loggerProvider } from './logs.js';
export { meterProvider } from './metrics.js';
export { tracerProvider } from './spans.js';

/** Which of the API's globals `registerGlobals` sets. Each defaults to `true`. */
export interface RegisterGlobalsOptions {
  /** `trace.setGlobalTracerProvider`: `trace.getTracer(name)` records through `telemetry.getTracer(name)`. */
  tracerProvider?: boolean | undefined;
  /** `metrics.setGlobalMeterProvider`: API instruments record into `telemetry.getMeter(name)`'s. */
  meterProvider?: boolean | undefined;
  /** `logs.setGlobalLoggerProvider`: API log records go to `telemetry.getLogger(name)`. */
  loggerProvider?: boolean | undefined;
  /**
   * `context.setGlobalContextManager`: one active span for both APIs (`GreptimeContextManager`).
   * Without it API spans and ours do not nest in one another.
   */
  contextManager?: boolean | undefined;
  /**
   * `propagation.setGlobalPropagator`: `true` for W3C Trace Context (`traceparent`, `tracestate`),
   * or a propagator of your own (e.g. `@opentelemetry/core`'s composite with baggage).
   */
  propagator?: boolean | TextMapPropagator | undefined;
}

/**
 * What `registerGlobals` registered: `true` where the global is now ours, `false` where it was
 * not asked for or another SDK (or another `@opentelemetry/api` version) had registered first,
 * in which case that one stays in place.
 */
export interface RegisteredGlobals {
  tracerProvider: boolean;
  meterProvider: boolean;
  loggerProvider: boolean;
  contextManager: boolean;
  propagator: boolean;
  /** Removes the globals registered here (e.g. before registering another telemetry handle). */
  unregister(): void;
}

/**
 * Registers `telemetry` as `@opentelemetry/api`'s tracer, meter and logger providers, its context
 * manager and (W3C Trace Context) propagator. Call it once, after `initTelemetry` or
 * `startTelemetry` and before instrumentations start. A global someone else has already
 * registered (another SDK, or another major or newer minor version of `@opentelemetry/api`) is
 * left in place: the result says which ones are ours, and one console warning names the others.
 * Never throws.
 */
export function registerGlobals(telemetry: Telemetry, options?: RegisterGlobalsOptions): RegisteredGlobals {
  const undo: (() => void)[] = [];
  const result: RegisteredGlobals = {
    tracerProvider: false,
    meterProvider: false,
    loggerProvider: false,
    contextManager: false,
    propagator: false,
    unregister() {
      for (const u of undo.splice(0)) attempt(u);
      result.tracerProvider = result.meterProvider = result.loggerProvider = result.contextManager = result.propagator = false;
    },
  };
  if (!telemetry || typeof telemetry.getTracer !== 'function' || typeof telemetry.getMeter !== 'function' || typeof telemetry.getLogger !== 'function') {
    warnOnce('registerGlobals', 'registerGlobals(telemetry) needs the handle initTelemetry or startTelemetry returned; nothing was registered');
    return result;
  }
  const o = options ?? {};
  const refused: string[] = [];
  const register = (key: keyof Omit<RegisteredGlobals, 'unregister'>, wanted: unknown, set: () => boolean, unset: () => void) => {
    if (wanted === false) return;
    // `false` from the API means another registration came first (it reports that through `diag`).
    if (attempt(set)) {
      result[key] = true;
      undo.push(unset);
    } else {
      refused.push(key);
    }
  };
  register('tracerProvider', o.tracerProvider, () => trace.setGlobalTracerProvider(tracerProvider(telemetry)), () => trace.disable());
  register('meterProvider', o.meterProvider, () => metrics.setGlobalMeterProvider(meterProvider(telemetry)), () => metrics.disable());
  register('loggerProvider', o.loggerProvider, () => logs.setGlobalLoggerProvider(loggerProvider(telemetry)), () => logs.disable());
  const manager = new GreptimeContextManager();
  register('contextManager', o.contextManager, () => context.setGlobalContextManager(manager.enable()), () => (context.disable(), manager.disable()));
  const propagator = typeof o.propagator === 'object' && o.propagator !== null ? o.propagator : new TraceContextPropagator();
  register('propagator', o.propagator, () => propagation.setGlobalPropagator(propagator), () => propagation.disable());
  if (!result.contextManager) manager.disable();
  if (refused.length > 0) {
    warnOnce(
      'alreadyRegistered',
      `@opentelemetry/api already had a global ${refused.join(', ')} (another SDK, or another version of @opentelemetry/api registered first); ` +
        'those stay in place and what is recorded through them does not reach this telemetry',
    );
  }
  return result;
}

function attempt(fn: () => unknown): boolean {
  try {
    return fn() !== false;
  } catch {
    return false;
  }
}

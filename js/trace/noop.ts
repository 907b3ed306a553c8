/** What every call returns when telemetry is off: cheap objects that do nothing and never throw. */

import type { Logger, Meter, Observable, Span, Telemetry, TelemetryStats, Tracer } from '../api/types.js';
import { NonRecordingSpan } from './span.js';
import { zeroCounts } from '../runtime/diagnostics.js';

/** A span with all-zero (invalid) ids that records nothing: the parent of nothing. */
export const NOOP_SPAN: Span = new NonRecordingSpan();

export const NOOP_TRACER: Tracer = {
  startSpan: () => NOOP_SPAN,
  startActiveSpan(_name: string, optionsOrFn: unknown, maybeFn?: unknown) {
    // The app's function still runs: a disabled SDK must not change what the app does.
    const fn = (typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn) as (span: Span) => never;
    return fn(NOOP_SPAN);
  },
};

const NOOP_INSTRUMENT = { add() {}, record() {} };
const NOOP_OBSERVABLE: Observable = { addCallback() {}, removeCallback() {} };

export const NOOP_METER: Meter = {
  createCounter: () => NOOP_INSTRUMENT,
  createUpDownCounter: () => NOOP_INSTRUMENT,
  createHistogram: () => NOOP_INSTRUMENT,
  createGauge: () => NOOP_INSTRUMENT,
  createObservableCounter: () => NOOP_OBSERVABLE,
  createObservableUpDownCounter: () => NOOP_OBSERVABLE,
  createObservableGauge: () => NOOP_OBSERVABLE,
};

export const NOOP_LOGGER: Logger = { emit() {} };

export function emptyStats(): TelemetryStats {
  return {
    spansStarted: 0,
    spansEnded: 0,
    spansQueued: 0,
    spansExported: 0,
    spansRejectedByServer: 0,
    spansFailedExport: 0,
    spansDroppedQueueFull: 0,
    spanExportRequests: 0,
    logsEmitted: 0,
    logsQueued: 0,
    logsExported: 0,
    logsRejectedByServer: 0,
    logsFailedExport: 0,
    logsDroppedQueueFull: 0,
    logExportRequests: 0,
    metricPointsExported: 0,
    metricPointsFailedExport: 0,
    metricExportRequests: 0,
    metricSeries: 0,
    metricSeriesOverflowed: 0,
    malformedRecordChunks: 0,
    exportRetries: 0,
    requestsSplit: 0,
    itemsPersistedOffline: 0,
    itemsRestoredFromOffline: 0,
    itemsUnconfirmedAtUnload: 0,
    itemsPossiblyDuplicated: 0,
    itemsDroppedOffline: 0,
    itemsUnconfirmedOffline: 0,
    wasmMemoryBytes: 0,
    ...zeroCounts(),
  };
}

export const NOOP_TELEMETRY: Telemetry = {
  enabled: false,
  tracer: NOOP_TRACER,
  getTracer: () => NOOP_TRACER,
  meter: NOOP_METER,
  getMeter: () => NOOP_METER,
  logger: NOOP_LOGGER,
  getLogger: () => NOOP_LOGGER,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
  stats: emptyStats,
};

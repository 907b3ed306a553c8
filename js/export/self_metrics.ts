/** The SDK's own counters as metrics (`selfMetrics: true`): what was sent, lost and retried. */

import type { Meter, TelemetryStats } from '../api/types.js';

export function observeSelf(meter: Meter, stats: () => TelemetryStats): void {
  const items = meter.createObservableCounter('greptime_web_telemetry.items', {
    description: 'Telemetry items by signal and what became of them',
    unit: '{item}',
  });
  items.addCallback((result) => {
    const s = stats();
    const observe = (signal: string, outcome: string, value: number) => result.observe(value, { signal, outcome });
    observe('traces', 'exported', s.spansExported);
    observe('traces', 'rejected', s.spansRejectedByServer);
    observe('traces', 'failed', s.spansFailedExport);
    observe('traces', 'dropped_queue_full', s.spansDroppedQueueFull);
    observe('logs', 'exported', s.logsExported);
    observe('logs', 'rejected', s.logsRejectedByServer);
    observe('logs', 'failed', s.logsFailedExport);
    observe('logs', 'dropped_queue_full', s.logsDroppedQueueFull);
    observe('metrics', 'exported', s.metricPointsExported);
    observe('metrics', 'failed', s.metricPointsFailedExport);
    observe('all', 'kept_offline', s.itemsPersistedOffline);
    observe('all', 'restored_offline', s.itemsRestoredFromOffline);
    observe('all', 'dropped_offline', s.itemsDroppedOffline);
    observe('all', 'unconfirmed_offline', s.itemsUnconfirmedOffline);
    observe('all', 'unconfirmed_at_unload', s.itemsUnconfirmedAtUnload);
  });
  meter.createObservableCounter('greptime_web_telemetry.retries', { description: 'Export requests sent again', unit: '{request}' }).addCallback((result) => {
    result.observe(stats().exportRetries);
  });
}

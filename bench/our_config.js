// Our configuration in every benchmark page: the same batching as OpenTelemetry's side
// (bench/otel_setup.js), timers out of the way, and no browser signals, which have no
// counterpart there.

/** `gzip`: ours compresses as by default (bench/speed.mjs BENCH_COMPRESSION=gzip); otherwise neither side does. */
export function ourConfig(endpoint, compression, batch = 512) {
  return {
    endpoint,
    serviceName: 'ours-bench',
    batch: { maxQueueSize: 20000, maxExportBatchSize: batch, scheduledDelayMillis: 3600000 },
    metrics: { exportIntervalMillis: 3600000 },
    // OpenTelemetry's browser exporters do not compress.
    compression: compression === 'gzip' ? { thresholdBytes: 1024 } : 'none',
    // The browser signals (page load, vitals, sessions) have no counterpart on OpenTelemetry's side here.
    rum: false,
  };
}

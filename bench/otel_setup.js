// OpenTelemetry JS (current web stack, protobuf exporters) set up as the benchmark pages compare
// it with ours: a tracer provider with a batch processor and a meter provider with a periodic
// reader, both exporting to `endpoint` with the resource ours sends.
import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';

// The same resource attributes ours sends (service, SDK and the browser facts), so that the
// receiver, which flattens them into every span's row as GreptimeDB does, has the same work.
export const resource = resourceFromAttributes({
  'service.name': 'otel-bench',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'webjs',
  'telemetry.sdk.version': '3.1.1',
  'user_agent.original': navigator.userAgent,
  'browser.language': navigator.language,
  'page.url': location.origin + location.pathname,
});
export const headers = { 'x-greptime-pipeline-name': 'greptime_trace_v1' };

/** The providers, constructed; `flush` waits until both have exported everything. */
export function otelSetup(endpoint, batch = 512) {
  const exporter = new OTLPTraceExporter({ url: `${endpoint}/v1/otlp/v1/traces`, headers });
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 20000, maxExportBatchSize: batch, scheduledDelayMillis: 3600000 })],
  });
  const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/otlp/v1/metrics` }), exportIntervalMillis: 3600000 });
  const meters = new MeterProvider({ resource, readers: [reader] });
  return {
    tracer: provider.getTracer('bench'),
    meter: meters.getMeter('bench'),
    flush: () => Promise.all([provider.forceFlush(), meters.forceFlush()]),
    wasmBytes: () => 0,
  };
}

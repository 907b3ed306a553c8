// What each side ships, as a user's code would import it: the entry files the size benchmark
// bundles. Ours: the package (the .wasm holds every signal, so traces-only and full differ
// only in JS). OpenTelemetry: the current web stack with the protobuf exporters.
export const ENTRIES = {
  'ours/traces': `
    import { initTelemetry } from 'greptime-web-telemetry';
    initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'web' }).then((t) => t.tracer.startSpan('x').end());`,
  'ours/traces+metrics+logs': `
    import { initTelemetry } from 'greptime-web-telemetry';
    initTelemetry({ endpoint: 'http://localhost:4000', serviceName: 'web' }).then((t) => {
      t.tracer.startSpan('x').end();
      t.meter.createCounter('c').add(1);
      t.meter.createHistogram('h').record(1);
      t.logger.emit({ body: 'x' });
    });`,
  'opentelemetry/traces': openTelemetry(['traces']),
  'opentelemetry/traces+metrics': openTelemetry(['traces', 'metrics']),
  'opentelemetry/traces+metrics+logs': openTelemetry(['traces', 'metrics', 'logs']),
};

/** An OpenTelemetry entry for the given signals, each with its SDK and protobuf exporter. */
function openTelemetry(signals) {
  const parts = {
    traces: {
      imports: `
    import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';`,
      code: `
    const exporter = new OTLPTraceExporter({ url: 'http://localhost:4000/v1/otlp/v1/traces', headers: { 'x-greptime-pipeline-name': 'greptime_trace_v1' } });
    const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter })] });
    provider.getTracer('web').startSpan('x').end();`,
    },
    metrics: {
      imports: `
    import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
    import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';`,
      code: `
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: 'http://localhost:4000/v1/otlp/v1/metrics' }) });
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('web');
    meter.createCounter('c').add(1);
    meter.createHistogram('h').record(1);`,
    },
    logs: {
      imports: `
    import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
    import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';`,
      code: `
    const logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor(new OTLPLogExporter({ url: 'http://localhost:4000/v1/otlp/v1/logs' }))] });
    logs.getLogger('web').emit({ body: 'x' });`,
    },
  };
  return `${signals.map((s) => parts[s].imports).join('')}
    import { resourceFromAttributes } from '@opentelemetry/resources';
    const resource = resourceFromAttributes({ 'service.name': 'web' });${signals.map((s) => parts[s].code).join('')}`;
}

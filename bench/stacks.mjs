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
  'opentelemetry/traces': `
    import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
    import { resourceFromAttributes } from '@opentelemetry/resources';
    const exporter = new OTLPTraceExporter({ url: 'http://localhost:4000/v1/otlp/v1/traces', headers: { 'x-greptime-pipeline-name': 'greptime_trace_v1' } });
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'web' }), spanProcessors: [new BatchSpanProcessor({ exporter })] });
    provider.getTracer('web').startSpan('x').end();`,
  'opentelemetry/traces+metrics': `
    import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
    import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
    import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
    import { resourceFromAttributes } from '@opentelemetry/resources';
    const resource = resourceFromAttributes({ 'service.name': 'web' });
    const exporter = new OTLPTraceExporter({ url: 'http://localhost:4000/v1/otlp/v1/traces', headers: { 'x-greptime-pipeline-name': 'greptime_trace_v1' } });
    const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter })] });
    provider.getTracer('web').startSpan('x').end();
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: 'http://localhost:4000/v1/otlp/v1/metrics' }) });
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('web');
    meter.createCounter('c').add(1);
    meter.createHistogram('h').record(1);`,
  'opentelemetry/traces+metrics+logs': `
    import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
    import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
    import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
    import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
    import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
    import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
    import { resourceFromAttributes } from '@opentelemetry/resources';
    const resource = resourceFromAttributes({ 'service.name': 'web' });
    const exporter = new OTLPTraceExporter({ url: 'http://localhost:4000/v1/otlp/v1/traces', headers: { 'x-greptime-pipeline-name': 'greptime_trace_v1' } });
    const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter })] });
    provider.getTracer('web').startSpan('x').end();
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: 'http://localhost:4000/v1/otlp/v1/metrics' }) });
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('web');
    meter.createCounter('c').add(1);
    meter.createHistogram('h').record(1);
    const logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor(new OTLPLogExporter({ url: 'http://localhost:4000/v1/otlp/v1/logs' }))] });
    logs.getLogger('web').emit({ body: 'x' });`,
};

// Type tests of the main entry (compiled, never run): what a strict TypeScript user writes must
// compile, and each `@ts-expect-error` marks a mistake the shipped types must reject.
// The side-effect entry resolves, with its (empty) declaration, under both resolutions.
import 'greptime-web-telemetry/eager';
import { initTelemetry, startTelemetry, SpanKind, SpanStatusCode, SeverityNumber, setRoutePattern, currentRoutePattern } from 'greptime-web-telemetry';
import type { RumOptions } from 'greptime-web-telemetry';
import type { Span, SpanOptions, Telemetry, TelemetryConfig, TelemetryStats, MetricOptions, LogRecord } from 'greptime-web-telemetry';

declare const maybeSpan: Span | undefined;
declare const maybeString: string | undefined;
declare const maybeNumber: number | undefined;

export async function main(): Promise<void> {
  // Optional settings accept `undefined` under exactOptionalPropertyTypes (e.g. from process.env).
  const config: TelemetryConfig = {
    endpoint: 'http://localhost:4000',
    serviceName: 'shop-web',
    serviceVersion: maybeString,
    database: maybeString,
    batch: { scheduledDelayMillis: maybeNumber },
    metrics: { exportIntervalMillis: maybeNumber, temporality: 'delta' },
    offline: { maxBytes: maybeNumber },
  };
  const telemetry: Telemetry = await initTelemetry(config);
  const started = startTelemetry({ endpoint: '/greptime' });
  await started.ready;

  const tracer = telemetry.getTracer('checkout', '1.0.0');
  const options: SpanOptions = { parent: maybeSpan, kind: SpanKind.CLIENT, attributes: { 'cart.items': 3, note: maybeString } };
  const span: Span = tracer.startSpan('upload', options);
  span.setStatus({ code: SpanStatusCode.ERROR, message: maybeString });
  span.setAttribute('http.response.status_code', 200);
  const result: number = tracer.startActiveSpan('work', (active) => {
    active.end();
    return 42;
  });
  const later: Promise<string> = tracer.startActiveSpan('async work', { parent: maybeSpan }, async () => 'done');
  void result;
  void later;

  const meterOptions: MetricOptions = { unit: 'ms', description: maybeString, advice: { explicitBucketBoundaries: [10, 50] } };
  telemetry.getMeter('checkout').createHistogram('http.client.duration', meterOptions).record(1.5, { route: '/api' });
  const record: LogRecord = { severityNumber: SeverityNumber.WARN, body: { any: 'thing' }, span: maybeSpan, eventName: maybeString };
  telemetry.getLogger('checkout').emit(record);
  const stats: TelemetryStats = telemetry.stats();
  const spansDropped: number = stats.invalidArguments;
  void spansDropped;

  // Mistakes the types catch:
  // @ts-expect-error endpoint must be a string
  await initTelemetry({ endpoint: 4000 });
  // @ts-expect-error unknown setting (typo of serviceName)
  await initTelemetry({ endpoint: '/greptime', servicename: 'x' });
  await initTelemetry({ endpoint: '/greptime', traceModel: 'v2' });
  // @ts-expect-error GreptimeDB has trace models 'v1' and 'v2' only
  await initTelemetry({ endpoint: '/greptime', traceModel: 'v3' });
  // The browser signals (rum): off, defaults, or per signal.
  await initTelemetry({ endpoint: '/greptime', rum: false });
  const rum: RumOptions = { session: { inactivityTimeoutMillis: maybeNumber, storage: 'sessionStorage', sampleBySession: true }, resourceTiming: true, navigation: { includeQuery: false } };
  await initTelemetry({ endpoint: '/greptime', rum });
  setRoutePattern('/users/:id');
  setRoutePattern(undefined);
  const route: string | undefined = currentRoutePattern();
  void route;
  // @ts-expect-error sessions are kept in localStorage or sessionStorage, nothing else
  await initTelemetry({ endpoint: '/greptime', rum: { session: { storage: 'cookie' } } });
  // @ts-expect-error `rum: true` is not a setting (the signals are on by default; false turns them off)
  await initTelemetry({ endpoint: '/greptime', rum: true });
  // @ts-expect-error a timeout is a number of milliseconds
  await initTelemetry({ endpoint: '/greptime', rum: { session: { maxDurationMillis: '4h' } } });
  // @ts-expect-error an attribute value must be a primitive or an array of one primitive type
  span.setAttribute('user', { id: 1 });
  // @ts-expect-error SpanKind, not a string
  tracer.startSpan('x', { kind: 'client' });
  // @ts-expect-error a counter adds numbers
  telemetry.getMeter('m').createCounter('c').add('1');
  // @ts-expect-error startActiveSpan needs a function
  tracer.startActiveSpan('x', {});
  // @ts-expect-error the span handle is read-only
  telemetry.enabled = false;
}

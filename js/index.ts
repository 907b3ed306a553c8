/**
 * greptime-web-telemetry: browser traces, metrics and logs for GreptimeDB, encoded as OTLP
 * protobuf by a Rust core compiled to WebAssembly. Start with `initTelemetry`.
 */

export { initTelemetry, startTelemetry, type StartedTelemetry } from './init.js';
export { SeverityNumber, SpanKind, SpanStatusCode } from './api/types.js';
export { context } from './trace/context_api.js';
export { currentRoutePattern, setRoutePattern } from './rum/route.js';
export type { LongAnimationFramesOptions, NavigationOptions, RumOptions, SessionOptions, UserActionsOptions, WebVitalsOptions } from './api/rum_types.js';
export type {
  AttributePrimitive,
  AttributeValue,
  Attributes,
  BatchOptions,
  ContextApi,
  Counter,
  Gauge,
  Histogram,
  Link,
  LogAttributes,
  LogRecord,
  Logger,
  Meter,
  MetricAttributes,
  MetricOptions,
  MetricsOptions,
  Observable,
  ObservableCallback,
  ObservableResult,
  Span,
  SpanContext,
  SpanLimits,
  SpanOptions,
  SpanStatus,
  Telemetry,
  TelemetryConfig,
  TelemetryStats,
  TimeInput,
  Tracer,
  UpDownCounter,
} from './api/types.js';

/**
 * greptime-web-telemetry: browser traces for GreptimeDB, encoded as OTLP protobuf by a Rust
 * core compiled to WebAssembly. Start with `initTelemetry`.
 */

export { initTelemetry } from './init.js';
export { SpanKind, SpanStatusCode } from './api/types.js';
export type {
  AttributePrimitive,
  AttributeValue,
  Attributes,
  BatchOptions,
  Link,
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
} from './api/types.js';

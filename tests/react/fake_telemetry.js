// A Telemetry double for hook tests: real spans (the package's own TracerImpl, so parent
// links and the active/ambient span behave exactly as in the SDK), captured when they end;
// measurements and log records captured as they are made.
import { TracerImpl } from '../../build/pkg/dist/trace/tracer.js';
import { DEFAULT_SPAN_LIMITS } from '../../build/pkg/dist/trace/limits.js';
import { Diagnostics } from '../../build/pkg/dist/runtime/diagnostics.js';

export function fakeTelemetry() {
  const spans = [];
  const measurements = [];
  const logs = [];
  const host = {
    limits: DEFAULT_SPAN_LIMITS,
    diag: new Diagnostics(),
    recording: true,
    spansStarted: 0,
    sampleRatio: 1,
    onEnd: (span) => spans.push(span),
  };
  const instrument = (name) => ({
    add: (value, attributes) => measurements.push({ name, value, attributes }),
    record: (value, attributes) => measurements.push({ name, value, attributes }),
    addCallback() {},
    removeCallback() {},
  });
  const meter = new Proxy({}, { get: () => (name) => instrument(name) });
  const logger = { emit: (record) => logs.push(record) };
  const telemetry = {
    enabled: true,
    tracer: new TracerImpl(host, 'test', ''),
    getTracer: (name, version) => new TracerImpl(host, name, version ?? ''),
    meter,
    getMeter: () => meter,
    logger,
    getLogger: () => logger,
    forceFlush: async () => {},
    shutdown: async () => {},
    stats: () => ({}),
  };
  const byName = (name) => spans.filter((s) => s.name === name);
  const values = (name) => measurements.filter((m) => m.name === name);
  return { telemetry, spans, measurements, logs, byName, values };
}

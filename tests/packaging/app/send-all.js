// What every app in the matrix does, as a user's code would: start telemetry against the endpoint
// given in the page's query string (the receiver's port changes from run to run), record one
// span, one counter increment and one log record, flush, and leave the outcome in
// window.__packaging for the test (tests/packaging/matrix.test.mjs).
import { initTelemetry } from 'greptime-web-telemetry';

/** Sends a span, a metric and a log as `serviceName` (`config`: more settings); never throws (nor does the SDK). */
export function sendAll(serviceName, config = {}) {
  const endpoint = new URLSearchParams(location.search).get('endpoint');
  initTelemetry({ ...config, endpoint, serviceName })
    .then(async (telemetry) => {
      telemetry.tracer.startSpan('packaging check', { attributes: { 'app.setup': serviceName } }).end();
      telemetry.meter.createCounter('packaging.checks').add(1, { 'app.setup': serviceName });
      telemetry.logger.emit({ severityText: 'INFO', body: `hello from ${serviceName}` });
      await telemetry.forceFlush();
      window.__packaging = { enabled: telemetry.enabled, stats: telemetry.stats() };
    })
    .catch((error) => {
      window.__packaging = { error: String(error) };
    });
}

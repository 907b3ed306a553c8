// The OpenTelemetry API bridge in a page: a real contrib instrumentation (instrumentation-fetch,
// registered with registerInstrumentations) and a library using only @opentelemetry/api, both
// recording through greptime-web-telemetry/otel. `?preregistered`: another SDK on a newer
// @opentelemetry/api (1.11, which the page's 1.10 still accepts as compatible) registered its
// tracer provider first.
import { initTelemetry } from 'greptime-web-telemetry';
import { registerGlobals } from 'greptime-web-telemetry/otel';
import { logs, metrics, trace } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';

const params = new URLSearchParams(location.search);
/** Span names the other SDK was asked for. */
const theirs = [];
if (params.has('preregistered')) {
  const noop = () => trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
  const tracer = {
    startSpan: (name) => (theirs.push(name), noop()),
    startActiveSpan: (name, ...rest) => (theirs.push(name), rest[rest.length - 1](noop())),
  };
  globalThis[Symbol.for('opentelemetry.js.api.1')] = { version: '1.11.0', trace: { getTracer: () => tracer } };
}

const telemetry = await initTelemetry({ endpoint: params.get('endpoint'), serviceName: 'otel-bridge-page', metrics: { exportIntervalMillis: 600000 }, rum: false }); // the browser signals are rum.e2e's
const registered = registerGlobals(telemetry);
registerInstrumentations({ instrumentations: [new FetchInstrumentation()] });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

window.__gwt = {
  registered: Object.fromEntries(Object.entries(registered).filter(([, v]) => typeof v === "boolean")),
  theirs,
  async run() {
    const lib = trace.getTracer('app-lib', '3.1.0');
    await telemetry.tracer.startActiveSpan('checkout', async () => {
      lib.startActiveSpan('lib sync', (s) => s.end());
      await (await fetch('/api?first')).text(); // the contrib fetch span: a child of checkout
      await sleep(20);
      // After awaits: checkout is still the active span for the API.
      await lib.startActiveSpan('lib after await', async (s) => {
        await (await fetch('/api?second')).text();
        telemetry.tracer.startSpan('ours in lib').end();
        logs.getLogger('app-lib').emit({ severityText: 'INFO', body: 'lib done' });
        s.end();
      });
    });
    metrics.getMeter('app-lib').createCounter('lib.calls').add(2, { route: '/api' });
    // instrumentation-fetch ends its spans 300 ms after the response (it waits for resource timing).
    await sleep(600);
    await telemetry.forceFlush();
  },
};

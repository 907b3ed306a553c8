// Telemetry configuration for the example. The endpoint comes from `?endpoint=` (the demo and
// tests use it to point at their receiver), else VITE_GREPTIME_ENDPOINT at build time, else a
// local GreptimeDB on its default port. `?backend=` names the agent (examples/agent-backend)
// the tool calls go to; without it they read a static file.
const params = new URLSearchParams(location.search);
const env = import.meta.env;

export const backendUrl = params.get('backend') || env.VITE_BACKEND_URL || '';

export const telemetryConfig = {
  endpoint: params.get('endpoint') || env.VITE_GREPTIME_ENDPOINT || 'http://127.0.0.1:4000',
  database: env.VITE_GREPTIME_DB || 'public',
  // Use a write-only GreptimeDB user here: anything shipped to a browser is public.
  username: env.VITE_GREPTIME_USERNAME || undefined,
  password: env.VITE_GREPTIME_PASSWORD || undefined,
  serviceName: 'agent-workbench-web',
  serviceVersion: '0.1.0',
  resourceAttributes: { 'deployment.environment.name': env.MODE },
  // Short delays so the demo shows data arriving within seconds.
  batch: { scheduledDelayMillis: 1000 },
  metrics: { exportIntervalMillis: 5000 },
  captureErrors: true,
  // Every fetch is a client span; same-origin requests and the backend get `traceparent`, so
  // the agent's spans join the browser's trace.
  instrumentFetch: true,
  propagateTraceHeaderCorsUrls: backendUrl ? [backendUrl] : [],
};

// The server side of the page's fetch. It answers with the W3C `traceparent` it received: the
// browser's trace id and the fetch span's id, which a traced backend would continue (see
// examples/traced-backend). The package's main entry is safe to import on the server: it touches
// no browser global until initTelemetry runs (and is a no-op outside a browser).
import { SpanKind } from 'greptime-web-telemetry';

export function GET(request: Request): Response {
  const name = new URL(request.url).searchParams.get('name') ?? 'world';
  return Response.json({
    message: `Hello, ${name}!`,
    traceparent: request.headers.get('traceparent'),
    spanKind: SpanKind[SpanKind.SERVER],
  });
}

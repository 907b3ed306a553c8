"""A small traced backend, standing in for the seed's Python agent.

It continues the browser's trace: the W3C `traceparent` header that greptime-web-telemetry's
fetch instrumentation sends becomes the parent of this server's spans, which it exports with
OpenTelemetry's Python SDK to the same GreptimeDB (OTLP/HTTP protobuf, with the trace pipeline
header). Both sides then share one trace id in `opentelemetry_traces`.

    python server.py --port 8000 --endpoint http://localhost:4000 [--database public]

GET /api/search?q=… answers JSON, including the `traceparent` it received (tests read it).
CORS allows `traceparent` and `tracestate`: without that, the browser's preflight fails.
"""

import argparse
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

PROPAGATOR = TraceContextTextMapPropagator()


def make_tracer(endpoint: str, database: str) -> trace.Tracer:
    provider = TracerProvider(resource=Resource.create({"service.name": "agent-backend"}))
    exporter = OTLPSpanExporter(
        endpoint=f"{endpoint.rstrip('/')}/v1/otlp/v1/traces",
        headers={"x-greptime-pipeline-name": "greptime_trace_v1", "x-greptime-db-name": database},
    )
    # Simple (not batched) so each request's spans are in GreptimeDB when the response is.
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider.get_tracer("agent-backend")


def handler_for(tracer: trace.Tracer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the demo prints what matters
            pass

        def _cors(self):
            self.send_header("access-control-allow-origin", "*")
            self.send_header("access-control-allow-methods", "GET, POST")
            self.send_header("access-control-allow-headers", "traceparent, tracestate, content-type")

        def do_OPTIONS(self):
            self.send_response(204)
            self._cors()
            self.end_headers()

        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/api/search":
                self.send_response(404)
                self._cors()
                self.end_headers()
                return
            carrier = {k.lower(): v for k, v in self.headers.items()}
            parent = PROPAGATOR.extract(carrier)
            query = parse_qs(url.query).get("q", [""])[0]
            with tracer.start_as_current_span("GET /api/search", context=parent, kind=trace.SpanKind.SERVER) as span:
                span.set_attribute("http.request.method", "GET")
                span.set_attribute("search.query", query)
                with tracer.start_as_current_span("agent.plan"):
                    time.sleep(0.01)
                body = json.dumps({"results": [f"{query} result {i}" for i in range(3)], "traceparent": carrier.get("traceparent")}).encode()
                span.set_attribute("http.response.status_code", 200)
            self.send_response(200)
            self._cors()
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--endpoint", default="http://localhost:4000", help="GreptimeDB's HTTP address")
    parser.add_argument("--database", default="public")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), handler_for(make_tracer(args.endpoint, args.database)))
    print(f"[backend] listening on http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

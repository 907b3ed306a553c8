"""Request bodies for tests/js/split_request.test.mjs, written and read with the official
opentelemetry-proto package (not our encoder or decoder).

    python split_requests.py make DIR     # writes traces.bin, logs.bin, metrics.bin, one.bin
    python split_requests.py read FILE... # prints each body as JSON: [resource attributes,
                                          #   [[scope name, scope version, [item, ...]], ...]] per resource
Items are a span's name, a log record's severity text, or [metric name, data point values].
"""

import json
import sys
from pathlib import Path

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.metrics.v1.metrics_pb2 import Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

RESOURCE = Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value="web"))])
A = InstrumentationScope(name="a", version="1")
B = InstrumentationScope(name="b")


def span(name):
    return Span(name=name, trace_id=b"\x01" * 16, span_id=b"\x02" * 8, start_time_unix_nano=5)


def total(name, n):
    points = [NumberDataPoint(as_double=float(i)) for i in range(n)]
    return Metric(name=name, sum=Sum(data_points=points, aggregation_temporality=2, is_monotonic=True))


def make(directory: Path) -> None:
    traces = ExportTraceServiceRequest(resource_spans=[ResourceSpans(resource=RESOURCE, schema_url="s", scope_spans=[
        ScopeSpans(scope=A, spans=[span("1"), span("2"), span("4")]),
        ScopeSpans(scope=B, spans=[span("3"), span("5")], schema_url="t")])])
    logs = ExportLogsServiceRequest(resource_logs=[ResourceLogs(resource=RESOURCE, scope_logs=[
        ScopeLogs(scope=A, log_records=[LogRecord(severity_text="1")]),
        ScopeLogs(scope=B, log_records=[LogRecord(severity_text="2"), LogRecord(severity_text="3")])])])
    metrics = ExportMetricsServiceRequest(resource_metrics=[ResourceMetrics(resource=RESOURCE, scope_metrics=[
        ScopeMetrics(scope=A, metrics=[total("a", 3), total("b", 1), total("c", 2)])])])
    one = ExportTraceServiceRequest(resource_spans=[ResourceSpans(resource=RESOURCE, scope_spans=[ScopeSpans(scope=A, spans=[span("x")])])])
    for name, message in [("traces", traces), ("logs", logs), ("metrics", metrics), ("one", one)]:
        (directory / f"{name}.bin").write_bytes(message.SerializeToString())


def read(path: Path):
    body = path.read_bytes()
    kind = path.name.split(".")[0]
    if kind == "traces":
        return [[dict((a.key, a.value.string_value) for a in r.resource.attributes), r.schema_url,
                 [[s.scope.name, s.scope.version, s.schema_url, [x.name for x in s.spans]] for s in r.scope_spans]]
                for r in ExportTraceServiceRequest.FromString(body).resource_spans]
    if kind == "logs":
        return [[dict((a.key, a.value.string_value) for a in r.resource.attributes), r.schema_url,
                 [[s.scope.name, s.scope.version, s.schema_url, [x.severity_text for x in s.log_records]] for s in r.scope_logs]]
                for r in ExportLogsServiceRequest.FromString(body).resource_logs]
    return [[dict((a.key, a.value.string_value) for a in r.resource.attributes), r.schema_url,
             [[s.scope.name, s.scope.version, s.schema_url, [[m.name, [p.as_double for p in m.sum.data_points]] for m in s.metrics]] for s in r.scope_metrics]]
            for r in ExportMetricsServiceRequest.FromString(body).resource_metrics]


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(Path(sys.argv[2]))
    else:
        print(json.dumps([read(Path(p)) for p in sys.argv[2:]]))

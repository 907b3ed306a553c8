"""Reads GreptimeDB-style answers with the official decoders (opentelemetry-proto, googleapis'
google.rpc.Status), for tests/js/response.test.mjs: stdin a JSON list of hex bodies, stdout a
JSON list of [partial success of each of traces/metrics/logs, Status message], each
null when the body is not that message or (partial success) carries none.
"""

import json
import sys

from google.protobuf.message import DecodeError
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse


def partial(cls, count_field, body):
    try:
        r = cls.FromString(body)
    except DecodeError:
        return None
    if not r.HasField("partial_success"):
        return None
    p = r.partial_success
    return [getattr(p, count_field), p.error_message]


def status(body):
    try:
        return Status.FromString(body).message
    except DecodeError:
        return None


out = []
for hex_body in json.load(sys.stdin):
    body = bytes.fromhex(hex_body)
    out.append([
        [
            partial(ExportTraceServiceResponse, "rejected_spans", body),
            partial(ExportMetricsServiceResponse, "rejected_data_points", body),
            partial(ExportLogsServiceResponse, "rejected_log_records", body),
        ],
        status(body),
    ])
print(json.dumps(out))

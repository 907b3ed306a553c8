"""Helpers for the receiver's tests: OTLP requests built with the official Python classes,
and a loopback HTTP client that sends exactly the headers it is given."""

from __future__ import annotations

import base64
import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

TRACES = "/v1/otlp/v1/traces"
METRICS = "/v1/otlp/v1/metrics"
LOGS = "/v1/otlp/v1/logs"
PROTOBUF = "application/x-protobuf"
TRACE_HEADERS = {"content-type": PROTOBUF, "x-greptime-pipeline-name": "greptime_trace_v1"}
PROTO_HEADERS = {"content-type": PROTOBUF}
TRACE_ID = bytes.fromhex("5b8efff798038103d269b633813fc60c")


# -------------------------------- attribute values


def any_value(value) -> AnyValue:
    if value is None:
        return AnyValue()
    if isinstance(value, AnyValue):
        return value
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, bytes):
        return AnyValue(bytes_value=value)
    if isinstance(value, list):
        return AnyValue(array_value={"values": [any_value(v) for v in value]})
    if isinstance(value, dict):
        return AnyValue(kvlist_value={"values": key_values(value)})
    return AnyValue(string_value=value)


def key_values(attributes: dict) -> list[KeyValue]:
    return [KeyValue(key=k, value=any_value(v)) for k, v in attributes.items()]


# -------------------------------- requests


def span(n: int = 1, name: str | None = None, attributes: dict | None = None, **fields) -> dict:
    """Keyword arguments for a valid trace_pb2.Span; `n` makes the span id unique."""
    base = {
        "trace_id": TRACE_ID,
        "span_id": n.to_bytes(8, "big"),
        "name": name if name is not None else f"span-{n}",
        "kind": 3,  # SPAN_KIND_CLIENT
        "start_time_unix_nano": 1_700_000_000_000_000_000 + n,
        "end_time_unix_nano": 1_700_000_000_250_000_000 + n,
        "attributes": key_values(attributes or {}),
    }
    base.update(fields)
    return base


def trace_request(*spans: dict, resource: dict | None = None, scope: dict | None = None):
    resource = {"service.name": "web-demo"} if resource is None else resource
    return ExportTraceServiceRequest(
        resource_spans=[
            {
                "resource": {"attributes": key_values(resource)},
                "scope_spans": [{"scope": scope or {"name": "tests"}, "spans": list(spans)}],
            }
        ]
    )


def trace_body(*spans: dict, **kwargs) -> bytes:
    return trace_request(*(spans or (span(),)), **kwargs).SerializeToString()


def gauge_body(name: str = "page.load", value: float = 1.5) -> bytes:
    return ExportMetricsServiceRequest(
        resource_metrics=[
            {
                "resource": {"attributes": key_values({"service.name": "web-demo"})},
                "scope_metrics": [
                    {
                        "metrics": [
                            {
                                "name": name,
                                "gauge": {
                                    "data_points": [
                                        {
                                            "time_unix_nano": 1_700_000_000_000_000_000,
                                            "as_double": value,
                                        }
                                    ]
                                },
                            }
                        ]
                    }
                ],
            }
        ]
    ).SerializeToString()


def log_body(*bodies: str) -> bytes:
    return ExportLogsServiceRequest(
        resource_logs=[
            {
                "resource": {"attributes": key_values({"service.name": "web-demo"})},
                "scope_logs": [
                    {
                        "log_records": [
                            {"time_unix_nano": 1_700_000_000_000_000_000, "body": any_value(b)}
                            for b in (bodies or ("hello",))
                        ]
                    }
                ],
            }
        ]
    ).SerializeToString()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def rpc_status_class():
    """google.rpc.Status built from a descriptor here, to decode total-rejection bodies."""
    file_proto = descriptor_pb2.FileDescriptorProto(
        name="receiver_test_status.proto", package="google.rpc", syntax="proto3"
    )
    message = file_proto.message_type.add(name="Status")
    message.field.add(name="code", number=1, type=5, label=1)  # TYPE_INT32, LABEL_OPTIONAL
    message.field.add(name="message", number=2, type=9, label=1)  # TYPE_STRING
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status"))


# -------------------------------- HTTP


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lowercased names
    body: bytes

    def json(self):
        return json.loads(self.body)


def send(base_url: str, path: str, body: bytes | None = None, headers=None, method: str = "POST"):
    """One request on a fresh loopback connection, with no headers but `headers`
    (plus Host and Content-Length, which http.client always sends)."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None or method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body or None)
        response = conn.getresponse()
        data = response.read()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def api(base_url: str, path: str, method: str = "GET", payload=None):
    body = None if payload is None else json.dumps(payload).encode()
    response = send(
        base_url, "/_receiver/" + path, body, {"content-type": "application/json"}, method
    )
    assert response.status == 200, (response.status, response.body)
    return response.json()

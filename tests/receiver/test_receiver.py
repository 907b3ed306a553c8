"""Contract tests of the GreptimeDB-compatible receiver: each rule it enforces, over loopback."""

from __future__ import annotations

import base64
import gzip
import http.client
import io
import json
import queue
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import brotli
import pytest
import zstandard
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from greptime_receiver import parse_args, start_receiver
from receiver_testlib import (
    LOGS,
    METRICS,
    PROTO_HEADERS,
    PROTOBUF,
    TRACE_HEADERS,
    TRACE_ID,
    TRACES,
    any_value,
    api,
    basic,
    gauge_body,
    key_values,
    log_body,
    rpc_status_class,
    send,
    span,
    trace_body,
)

VARY = "origin, access-control-request-method, access-control-request-headers"
JSON_ERROR_TAIL = (
    "OTLP endpoint only supports 'application/x-protobuf'. "
    "Please configure your OTLP exporter to use protobuf encoding."
)
RECEIVER_SCRIPT = Path(__file__).with_name("greptime_receiver.py")


@pytest.fixture(scope="module")
def shared():
    # As if `CREATE DATABASE foo` (etc.) had been run: GreptimeDB has only `public` at first.
    with start_receiver(databases=frozenset({"foo", "bar", "my-db", "other", "web"})) as receiver:
        yield receiver


@pytest.fixture
def url(shared):
    shared.state.reset()
    return shared.url


@pytest.fixture
def make_receiver():
    started = []

    def make(**options):
        receiver = start_receiver(**options)
        started.append(receiver)
        return receiver.url

    yield make
    for receiver in started:
        receiver.stop()


def post_trace(url, *spans, headers=None, **kwargs):
    return send(url, TRACES, trace_body(*spans, **kwargs), headers or TRACE_HEADERS)


def last_request(url):
    return api(url, "requests")[-1]


# -------------------------------- 1. routes


@pytest.mark.parametrize(
    "path, body, headers",
    [
        (TRACES, trace_body(), TRACE_HEADERS),
        (METRICS, gauge_body(), PROTO_HEADERS),
        (LOGS, log_body(), PROTO_HEADERS),
    ],
)
def test_post_to_each_signal_is_200_with_empty_protobuf_body(url, path, body, headers):
    response = send(url, path, body, headers)
    assert response.status == 200
    assert response.headers["content-type"] == PROTOBUF
    assert response.headers["content-length"] == "0"
    assert response.body == b""


@pytest.mark.parametrize("path", [TRACES, METRICS, LOGS])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD"])
def test_other_methods_on_otlp_paths_are_405(url, path, method):
    response = send(url, path, None, {}, method)
    assert response.status == 405
    assert response.headers["allow"] == "POST"
    assert response.headers["access-control-allow-origin"] == "*"
    assert last_request(url)["method"] == method


@pytest.mark.parametrize("path", ["/v1/otlp/v1/traces/", "/v1/otlp/traces", "/v1/traces", "/nope"])
def test_unknown_paths_are_404(url, path):
    response = send(url, path, trace_body(), TRACE_HEADERS)
    assert (response.status, response.body) == (404, b"")
    assert response.headers["vary"] == VARY


def test_health_is_200(url):
    response = send(url, "/v1/health", None, {}, "GET")
    assert (response.status, response.json()) == (200, {})
    assert response.headers["access-control-allow-origin"] == "*"


# -------------------------------- 2. CORS


@pytest.mark.parametrize("path", [TRACES, "/v1/health", "/anything/at/all"])
def test_every_options_request_is_an_empty_200_preflight(url, path):
    response = send(
        url,
        path,
        None,
        {
            "origin": "https://app.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,x-greptime-auth",
        },
        "OPTIONS",
    )
    assert (response.status, response.body) == (200, b"")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET,POST,PUT,DELETE,HEAD"
    assert response.headers["access-control-allow-headers"] == "*"
    assert response.headers["vary"] == VARY
    for absent in (
        "access-control-max-age",
        "access-control-allow-credentials",
        "access-control-expose-headers",
    ):
        assert absent not in response.headers
    assert api(url, "preflights")[-1]["request_headers"] == "content-type,x-greptime-auth"
    assert api(url, "stats")["preflights"] == 1


def test_preflight_needs_no_origin_and_no_auth(make_receiver):
    url = make_receiver(users={"u": "p"})
    response = send(url, TRACES, None, {}, "OPTIONS")
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_errors_carry_cors_headers_too(url):
    for response in (
        post_trace(url, headers=PROTO_HEADERS),  # 400, no pipeline
        send(url, "/nope", None, {}, "GET"),  # 404
        send(url, TRACES, None, {}, "GET"),  # 405
    ):
        assert response.status >= 400
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["vary"] == VARY
        assert "access-control-allow-methods" not in response.headers


def test_listed_origins_are_echoed_and_others_get_no_allow_origin(make_receiver):
    url = make_receiver(cors_origins=["https://a.example", "https://b.example"])
    preflight = send(url, TRACES, None, {"origin": "https://b.example"}, "OPTIONS")
    assert preflight.headers["access-control-allow-origin"] == "https://b.example"
    post = post_trace(url, headers={**TRACE_HEADERS, "origin": "https://a.example"})
    assert post.status == 200
    assert post.headers["access-control-allow-origin"] == "https://a.example"
    for headers in ({"origin": "https://evil.example"}, {}):
        denied = send(url, TRACES, None, headers, "OPTIONS")
        assert denied.status == 200
        assert "access-control-allow-origin" not in denied.headers
        assert denied.headers["vary"] == VARY
    assert (
        "access-control-allow-origin"
        not in post_trace(url, headers={**TRACE_HEADERS, "origin": "https://evil.example"}).headers
    )


# -------------------------------- 3. content type


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "text/JSON"]
)
def test_json_content_types_are_refused(url, content_type):
    headers = {**TRACE_HEADERS, "content-type": content_type}
    response = send(url, TRACES, b'{"resourceSpans":[]}', headers)
    assert response.status == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": f"Unsupported content type '{content_type}'. {JSON_ERROR_TAIL}"
    }


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/x-protobuf",
        "application/protobuf",
        "text/plain",
        "application/vnd.api+json",
    ],
)
def test_anything_else_is_decoded_as_protobuf(url, content_type):
    headers = dict(TRACE_HEADERS)
    headers.pop("content-type")
    if content_type:
        headers["content-type"] = content_type
    assert post_trace(url, headers=headers).status == 200
    assert last_request(url)["content_type"] == content_type


def test_protobuf_decode_failure_is_400_json(url):
    response = send(url, TRACES, b"\xff\xff\xff", TRACE_HEADERS)
    assert response.status == 400
    error = response.json()["error"]
    assert error.startswith(
        "Failed to decode OTLP request (content-type: application/x-protobuf): "
    )
    no_type = send(url, METRICS, b"\x0a\x05\x01", {})
    assert no_type.status == 400
    assert no_type.json()["error"].startswith(
        "Failed to decode OTLP request (content-type: not specified): "
    )
    assert last_request(url)["error"] == no_type.json()["error"]


# -------------------------------- 4. content encoding

ENCODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
    "identity": lambda data: data,
}


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_accepted_encodings_are_decompressed(url, encoding):
    raw = trace_body(span(1), span(2))
    body = ENCODERS[encoding](raw)
    response = send(url, TRACES, body, {**TRACE_HEADERS, "content-encoding": encoding})
    assert response.status == 200
    entry = last_request(url)
    assert (entry["content_encoding"], entry["body_bytes"], entry["decoded_bytes"]) == (
        encoding,
        len(body),
        len(raw),
    )
    assert [s["name"] for s in api(url, "spans")] == ["span-1", "span-2"]


@pytest.mark.parametrize("encoding", ["GZIP", "x-gzip", "gzip, br", "deflate-raw"])
def test_other_encodings_pass_through_undecoded(url, encoding):
    compressed = send(
        url, TRACES, gzip.compress(trace_body()), {**TRACE_HEADERS, "content-encoding": encoding}
    )
    assert compressed.status == 400
    assert compressed.json()["error"].startswith("Failed to decode OTLP request")
    plain = send(url, TRACES, trace_body(), {**TRACE_HEADERS, "content-encoding": encoding})
    assert plain.status == 200


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_corrupt_compressed_body_is_400_text(url, encoding):
    body = ENCODERS[encoding](trace_body())
    corrupt = body[:-6] if encoding != "br" else body[:4] + b"\x00garbage"
    response = send(url, TRACES, corrupt, {**TRACE_HEADERS, "content-encoding": encoding})
    assert response.status == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.body.startswith(b"Failed to buffer the request body")


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_body_limit_applies_after_decompression(make_receiver, encoding):
    url = make_receiver(body_limit=2048)
    headers = {**TRACE_HEADERS, "content-encoding": encoding}
    big = trace_body(span(1, attributes={"blob": "x" * 4000}))
    body = ENCODERS[encoding](big)
    assert len(big) > 2048
    response = send(url, TRACES, body, headers)
    assert response.status == 413
    assert response.headers["content-type"].startswith("text/plain")
    assert response.body == b"Failed to buffer the request body: length limit exceeded"
    assert last_request(url)["body_bytes"] == len(body)
    small = trace_body(span(1, attributes={"blob": "x" * 1900}))
    assert len(small) <= 2048
    assert send(url, TRACES, ENCODERS[encoding](small), headers).status == 200


def test_chunked_bodies_are_read(make_receiver):
    url = make_receiver(body_limit=4096)
    conn = http.client.HTTPConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), timeout=10)
    try:
        body = trace_body(span(1))
        conn.request(
            "POST",
            TRACES,
            body=iter([body[:10], body[10:]]),
            headers=TRACE_HEADERS,
            encode_chunked=True,
        )
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert last_request(url)["body_bytes"] == len(body)


def test_bodies_far_over_the_limit_get_413_and_a_closed_connection(make_receiver):
    url = make_receiver(body_limit=1024)
    response = send(url, TRACES, b"\x00" * 10_000, TRACE_HEADERS)
    assert response.status == 413
    assert response.headers["connection"] == "close"
    assert response.body == b"Failed to buffer the request body: length limit exceeded"


# -------------------------------- 5. trace pipeline


def test_traces_require_a_pipeline(url):
    response = post_trace(url, headers=PROTO_HEADERS)
    assert response.status == 400
    assert response.json() == {"error": "Pipeline is required for this API."}
    assert api(url, "spans") == []


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"x-greptime-pipeline-name": "greptime_trace_v1"}, 200),
        ({"x-greptime-pipeline-name": "greptime_trace_v0"}, 200),
        ({"x-greptime-log-pipeline-name": "greptime_trace_v1"}, 200),
        ({"x-greptime-pipeline-name": "greptime_identity"}, 400),
        ({"x-greptime-pipeline-name": "my_pipeline"}, 400),
        # the legacy header wins when both are sent
        (
            {
                "x-greptime-log-pipeline-name": "greptime_trace_v1",
                "x-greptime-pipeline-name": "bogus",
            },
            200,
        ),
        (
            {
                "x-greptime-log-pipeline-name": "bogus",
                "x-greptime-pipeline-name": "greptime_trace_v1",
            },
            400,
        ),
    ],
)
def test_trace_pipeline_values(url, headers, status):
    response = post_trace(url, headers={**PROTO_HEADERS, **headers})
    assert response.status == status
    if status == 400:
        assert response.json() == {"error": "Not supported: Unsupported pipeline for trace"}


def test_metrics_and_logs_need_no_pipeline(url):
    assert send(url, METRICS, gauge_body(), PROTO_HEADERS).status == 200
    assert send(url, LOGS, log_body(), PROTO_HEADERS).status == 200
    refused = send(
        url, LOGS, log_body(), {**PROTO_HEADERS, "x-greptime-pipeline-name": "greptime_trace_v1"}
    )
    assert refused.status == 400


# -------------------------------- 6. database


@pytest.mark.parametrize(
    "path_suffix, headers, database, catalog, schema",
    [
        ("", {}, "public", "greptime", "public"),
        ("?db=foo", {}, "foo", "greptime", "foo"),
        ("?x=1&db=foo&db=bar", {}, "foo", "greptime", "foo"),
        ("?db=", {}, "public", "greptime", "public"),
        ("?db=foo", {"x-greptime-db-name": "bar"}, "bar", "greptime", "bar"),
        ("", {"x-greptime-db-name": "my-db"}, "my-db", "my", "db"),
    ],
)
def test_database_selection(url, path_suffix, headers, database, catalog, schema):
    response = send(url, METRICS + path_suffix, gauge_body(), {**PROTO_HEADERS, **headers})
    assert response.status == 200
    entry = last_request(url)
    assert (entry["database"], entry["catalog"], entry["schema"]) == (database, catalog, schema)
    assert api(url, "metrics")[-1]["database"] == database


def test_only_public_exists_until_a_database_is_created(make_receiver):
    """GreptimeDB starts with the schema `public` of catalog `greptime` and nothing else."""
    url = make_receiver()
    assert send(url, METRICS, gauge_body(), PROTO_HEADERS).status == 200
    explicit = {**PROTO_HEADERS, "x-greptime-db-name": "greptime-public"}
    assert send(url, METRICS, gauge_body(), explicit).status == 200
    for path, body in ((METRICS, gauge_body()), (LOGS, log_body())):
        response = send(url, path, body, {**PROTO_HEADERS, "x-greptime-db-name": "e2e_db"})
        assert response.status == 400
        assert response.json() == {"error": "Failed to find schema, schema info: greptime.e2e_db"}
    traces = send(url, TRACES + "?db=e2e_db", trace_body(span(1)), TRACE_HEADERS)
    assert traces.status == 400
    status = rpc_status_class().FromString(traces.body)
    assert status.message.startswith("Accepted 0 spans, rejected 1 spans. ")
    assert "Failed to find schema, schema info: greptime.e2e_db" in status.message
    assert api(url, "spans") == [] and len(api(url, "metrics")) == 2
    # Created (`--databases e2e_db`): accepted.
    created = make_receiver(databases=frozenset({"e2e_db"}))
    assert send(created, TRACES + "?db=e2e_db", trace_body(span(1)), TRACE_HEADERS).status == 200
    assert api(created, "spans")[0]["database"] == "e2e_db"


def test_unknown_databases_are_refused_when_a_list_is_given(make_receiver):
    url = make_receiver(databases=frozenset({"public", "web"}))
    assert send(url, METRICS + "?db=web", gauge_body(), PROTO_HEADERS).status == 200
    for path, body in ((METRICS, gauge_body()), (LOGS, log_body())):
        response = send(url, path, body, {**PROTO_HEADERS, "x-greptime-db-name": "nope"})
        assert response.status == 400
        assert response.json() == {"error": "Failed to find schema, schema info: greptime.nope"}
    traces = send(
        url, TRACES, trace_body(span(1), span(2)), {**TRACE_HEADERS, "x-greptime-db-name": "nope"}
    )
    assert traces.status == 400
    assert traces.headers["content-type"] == PROTOBUF
    status = rpc_status_class().FromString(traces.body)
    assert status.code == 0
    assert status.message.startswith("Accepted 0 spans, rejected 2 spans. ")
    assert "Failed to find schema, schema info: greptime.nope" in status.message
    assert api(url, "spans") == []


# -------------------------------- 7. auth

AUTH_CASES = [
    ({}, 7003, "Not found http or grpc authorization header"),
    ({"x-greptime-auth": basic("nobody", "pw")}, 7000, "User not found, username: nobody"),
    (
        {"x-greptime-auth": basic("writer", "wrong")},
        7002,
        "Username and password does not match, username: writer",
    ),
    (
        {"authorization": basic("writer", "wrong")},
        7002,
        "Username and password does not match, username: writer",
    ),
    ({"x-greptime-auth": "Basic"}, 7004, "Invalid http authorization header"),
    ({"x-greptime-auth": "Bearer abc"}, 7004, "Unsupported http auth scheme, name: bearer"),
    (
        {"x-greptime-auth": "Basic d3JpdGVy"},
        7004,
        "Invalid http authorization header",
    ),  # "writer": no colon
    (
        {"x-greptime-auth": "Basic d3JpdGVyOnNlY3JldA"},
        7004,
        "Invalid base64 value: Invalid padding",
    ),
    ({"x-greptime-auth": "Basic d3JpdGVy OnNlY3JldA=="}, 7004, "Invalid http authorization header"),
    (
        {"x-greptime-auth": "Basic d3JpdGVy!nNlY3JldA=="},
        7004,
        "Invalid base64 value: Invalid symbol 33, offset 8.",
    ),
    ({"x-greptime-auth": basic("", "secret")}, 1004, "Illegal param: blank username"),
    ({"x-greptime-auth": basic("writer", "")}, 1004, "Illegal param: blank password"),
    # x-greptime-auth is read first even when Authorization holds good credentials
    (
        {"x-greptime-auth": basic("writer", "wrong"), "authorization": basic("writer", "secret")},
        7002,
        "Username and password does not match, username: writer",
    ),
]


@pytest.mark.parametrize("headers, code, message", AUTH_CASES)
def test_auth_failures(make_receiver, headers, code, message):
    url = make_receiver(users={"writer": "secret"})
    response = send(url, TRACES, trace_body(), {**TRACE_HEADERS, **headers})
    assert response.status == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"code": code, "error": message, "execution_time_ms": 0}
    assert response.headers["x-greptime-err-code"] == str(code)
    assert response.headers["x-greptime-err-msg"] == f"error: {message}, execution_time_ms: 0"
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "headers",
    [
        {"x-greptime-auth": basic("writer", "secret")},
        {"authorization": basic("writer", "secret")},
        {"x-greptime-auth": "bAsIc " + basic("writer", "secret").split()[1]},
        {"x-greptime-auth": basic("reader", "pa:ss:word")},  # split on the first ':'
        {"x-greptime-auth": basic("writer", "secret"), "authorization": "Bearer ignored"},
    ],
)
def test_auth_successes(make_receiver, headers):
    url = make_receiver(users={"writer": "secret", "reader": "pa:ss:word"})
    assert send(url, TRACES, trace_body(), {**TRACE_HEADERS, **headers}).status == 200


def test_auth_applies_to_all_v1_paths_but_health(make_receiver):
    url = make_receiver(users={"writer": "secret"})
    assert send(url, "/v1/health", None, {}, "GET").status == 200
    assert send(url, TRACES, None, {}, "GET").status == 401  # auth runs before method routing
    assert send(url, "/v1/sql", None, {}, "GET").status == 401
    assert send(url, "/other", None, {}, "GET").status == 404
    assert (
        send(url, TRACES, None, {"x-greptime-auth": basic("writer", "secret")}, "GET").status == 405
    )


def test_without_auth_configured_credentials_are_ignored(url):
    assert (
        post_trace(url, headers={**TRACE_HEADERS, "authorization": "Bearer anything"}).status == 200
    )


# -------------------------------- 8. trace validation and partial success


def test_partial_success_reports_rejected_spans(url):
    bad = span(2, trace_id=b"\x01" * 8)
    response = post_trace(url, span(1), bad, span(3))
    assert response.status == 200
    assert response.headers["content-type"] == PROTOBUF
    partial = ExportTraceServiceResponse.FromString(response.body).partial_success
    assert partial.rejected_spans == 1
    assert partial.error_message == (
        "Accepted 2 spans, rejected 1 spans. Rejected span 0101010101010101:0000000000000002 "
        "(InvalidArguments): trace_id must be 16 bytes, got 8"
    )
    assert [s["name"] for s in api(url, "spans")] == ["span-1", "span-3"]
    entry = last_request(url)
    assert (entry["span_count"], entry["accepted"], entry["rejected"]) == (3, 2, 1)
    assert entry["error"] == partial.error_message


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"trace_id": b""}, "trace_id must be 16 bytes, got 0"),
        ({"trace_id": bytes(16)}, "trace_id must not be all zeros"),
        ({"span_id": b"\x01" * 16}, "span_id must be 8 bytes, got 16"),
        ({"span_id": bytes(8)}, "span_id must not be all zeros"),
        ({"parent_span_id": b"\x01" * 4}, "parent_span_id must be empty or 8 bytes, got 4"),
        (
            {"start_time_unix_nano": 10, "end_time_unix_nano": 9},
            "end_time_unix_nano 9 is before start_time_unix_nano 10",
        ),
        ({"name": ""}, "span name must not be empty"),
    ],
)
def test_invalid_spans_are_rejected(url, fields, reason):
    response = post_trace(url, span(1, **fields))
    assert response.status == 400
    assert response.headers["content-type"] == PROTOBUF
    status = rpc_status_class().FromString(response.body)
    assert status.code == 0
    assert status.message.startswith("Accepted 0 spans, rejected 1 spans. Rejected span ")
    assert status.message.endswith(f"(InvalidArguments): {reason}")
    assert api(url, "spans") == []
    assert api(url, "stats")["traces"] == {
        "requests": 1,
        "accepted": 0,
        "rejected": 1,
        "statuses": {"400": 1},
    }


def test_valid_parent_and_equal_times_are_accepted(url):
    ok = span(1, parent_span_id=b"\x09" * 8, start_time_unix_nano=5, end_time_unix_nano=5)
    assert post_trace(url, ok).body == b""
    stored = api(url, "spans")[0]
    assert (stored["parent_span_id"], stored["duration_nano"]) == ("0909090909090909", 0)


def test_empty_request_is_full_success(url):
    response = send(url, TRACES, b"", TRACE_HEADERS)
    assert (response.status, response.body) == (200, b"")
    assert last_request(url)["span_count"] == 0


def rejection(response) -> str:
    assert response.status in (200, 400), response.body
    if response.status == 200:
        return ExportTraceServiceResponse.FromString(response.body).partial_success.error_message
    return rpc_status_class().FromString(response.body).message


def test_attribute_columns_keep_their_first_type(url):
    assert post_trace(url, span(1, attributes={"n": 1, "flag": True, "label": "a"})).body == b""
    # int column: a numeric string coerces; a non-numeric string and a bool do not
    response = post_trace(
        url,
        span(2, attributes={"n": "42"}),
        span(3, attributes={"n": "4x2"}),
        span(4, attributes={"n": False}),
    )
    message = rejection(response)
    assert message.startswith("Accepted 1 spans, rejected 2 spans. ")
    assert (
        "Rejected span 5b8efff798038103d269b633813fc60c:0000000000000003 (InvalidArguments): "
        "failed to coerce trace column 'span_attributes.n' in table 'opentelemetry_traces' "
        'from String("4x2") to Int64'
    ) in message
    assert (
        "failed to reconcile trace column 'span_attributes.n' in table 'opentelemetry_traces' "
        "with observed types [Boolean] against existing Int64" in message
    )
    # a double widens the int column; later ints and doubles both fit
    assert post_trace(url, span(5, attributes={"n": 2.5})).body == b""
    assert post_trace(url, span(6, attributes={"n": 7}), span(7, attributes={"n": 0.5})).body == b""
    # the string column takes ints and bools as text; the bool column takes "true"/"false" only
    assert post_trace(url, span(8, attributes={"label": 3, "flag": "false"})).body == b""
    assert 'from String("yes") to Boolean' in rejection(
        post_trace(url, span(9, attributes={"flag": "yes"}))
    )
    assert api(url, "columns")["public.opentelemetry_traces"] == {
        "span_attributes.flag": "Boolean",
        "span_attributes.label": "String",
        "span_attributes.n": "Float64",
    }
    stored = {s["name"]: s["attributes"] for s in api(url, "spans")}
    assert stored["span-2"]["n"] == {"type": "string", "value": "42"}  # stored as sent
    assert sorted(stored) == ["span-1", "span-2", "span-5", "span-6", "span-7", "span-8"]


def test_one_request_with_ints_and_doubles_makes_a_double_column(url):
    assert (
        post_trace(url, span(1, attributes={"ms": 3}), span(2, attributes={"ms": 2.5})).body == b""
    )
    assert api(url, "columns")["public.opentelemetry_traces"]["span_attributes.ms"] == "Float64"


def test_non_scalar_columns_never_coerce(url):
    assert post_trace(url, span(1, attributes={"tags": ["a", "b"], "raw": b"\x00\x01"})).body == b""
    message = rejection(
        post_trace(url, span(2, attributes={"tags": "a,b"}), span(3, attributes={"raw": "x"}))
    )
    assert message.startswith("Accepted 0 spans, rejected 2 spans.")
    assert "'span_attributes.tags'" in message and "against existing Json" in message
    assert "'span_attributes.raw'" in message and "against existing Binary" in message
    assert post_trace(url, span(4, attributes={"tags": {"k": "v"}})).body == b""  # kvlist: Json too


def test_stable_semconv_keys_have_fixed_types(url):
    assert post_trace(url, span(1, attributes={"http.response.status_code": "200"})).body == b""
    message = rejection(post_trace(url, span(2, attributes={"http.response.status_code": "OK"})))
    assert 'from String("OK") to Int64' in message
    assert (
        api(url, "columns")["public.opentelemetry_traces"][
            "span_attributes.http.response.status_code"
        ]
        == "Int64"
    )


def test_columns_are_per_database_and_table(url):
    assert post_trace(url, span(1, attributes={"v": 1})).body == b""
    other_db = post_trace(
        url,
        span(2, attributes={"v": "text"}),
        headers={**TRACE_HEADERS, "x-greptime-db-name": "other"},
    )
    other_table = post_trace(
        url,
        span(3, attributes={"v": True}),
        headers={**TRACE_HEADERS, "x-greptime-trace-table-name": "t2"},
    )
    assert other_db.body == other_table.body == b""
    columns = api(url, "columns")
    assert columns["public.opentelemetry_traces"]["span_attributes.v"] == "Int64"
    assert columns["other.opentelemetry_traces"]["span_attributes.v"] == "String"
    assert columns["public.t2"]["span_attributes.v"] == "Boolean"


def test_resource_and_scope_attributes_are_typed_columns_too(url):
    assert post_trace(url, span(1), resource={"service.name": "a", "deployment": 1}).body == b""
    message = rejection(
        post_trace(url, span(2), resource={"service.name": "a", "deployment": "prod"})
    )
    assert "'resource_attributes.deployment'" in message


def test_missing_service_name_is_recorded_as_a_warning(url):
    assert (
        post_trace(url, span(1), resource={"host.name": "box-1", "service.namespace": "x"}).status
        == 200
    )
    assert api(url, "spans")[0]["service_name"] == "box-1"
    [warning] = last_request(url)["warnings"]
    assert "no service.name" in warning and "'host.name'" in warning


# -------------------------------- query API: spans, metrics, logs


def test_spans_are_flattened_exactly(url):
    big = 2**62 + 1
    rich = span(
        7,
        name="GET /api",
        kind=2,
        parent_span_id=bytes.fromhex("00f067aa0ba902b7"),
        trace_state="vendor=1",
        flags=0x301,
        start_time_unix_nano=1_700_000_000_123_456_789,
        end_time_unix_nano=1_700_000_001_123_456_790,
        attributes={
            "s": "text",
            "b": True,
            "i": 42,
            "big": big,
            "neg": -(2**63),
            "d": 0.25,
            "nan": float("nan"),
            "inf": float("-inf"),
            "arr": ["a", 1, [2.5]],
            "kv": {"inner": False},
            "bytes": b"\x00\xff",
            "empty": any_value(None),
        },
        dropped_attributes_count=2,
        events=[
            {
                "name": "click",
                "time_unix_nano": 1_700_000_000_500_000_000,
                "attributes": key_values({"x": 1}),
            }
        ],
        links=[
            {
                "trace_id": b"\x0a" * 16,
                "span_id": b"\x0b" * 8,
                "trace_state": "t",
                "attributes": key_values({"l": "v"}),
                "flags": 1,
            }
        ],
        status={"code": 2, "message": "boom"},
        dropped_events_count=3,
        dropped_links_count=4,
    )
    # `empty` is an AnyValue with nothing set, so GreptimeDB stores NULL; no column type
    assert post_trace(url, rich, scope={"name": "lib", "version": "1.2"}).body == b""
    stored = api(url, "spans")[0]
    assert stored == {
        "trace_id": TRACE_ID.hex(),
        "span_id": "0000000000000007",
        "parent_span_id": "00f067aa0ba902b7",
        "trace_state": "vendor=1",
        "name": "GET /api",
        "kind": "SPAN_KIND_SERVER",
        "start_time_unix_nano": "1700000000123456789",
        "end_time_unix_nano": "1700000001123456790",
        "duration_nano": 1_000_000_001,
        "attributes": {
            "s": {"type": "string", "value": "text"},
            "b": {"type": "bool", "value": True},
            "i": {"type": "int", "value": 42},
            "big": {"type": "int", "value": str(big)},
            "neg": {"type": "int", "value": str(-(2**63))},
            "d": {"type": "double", "value": 0.25},
            "nan": {"type": "double", "value": "NaN"},
            "inf": {"type": "double", "value": "-Infinity"},
            "arr": {
                "type": "array",
                "value": [
                    {"type": "string", "value": "a"},
                    {"type": "int", "value": 1},
                    {"type": "array", "value": [{"type": "double", "value": 2.5}]},
                ],
            },
            "kv": {"type": "kvlist", "value": {"inner": {"type": "bool", "value": False}}},
            "bytes": {"type": "bytes", "value": "AP8="},
            "empty": {"type": "empty", "value": None},
        },
        "events": [
            {
                "name": "click",
                "time_unix_nano": "1700000000500000000",
                "attributes": {"x": {"type": "int", "value": 1}},
                "dropped_attributes_count": 0,
            }
        ],
        "links": [
            {
                "trace_id": "0a" * 16,
                "span_id": "0b" * 8,
                "trace_state": "t",
                "attributes": {"l": {"type": "string", "value": "v"}},
                "dropped_attributes_count": 0,
                "flags": 1,
            }
        ],
        "status": {"code": "STATUS_CODE_ERROR", "message": "boom"},
        "dropped_attributes_count": 2,
        "dropped_events_count": 3,
        "dropped_links_count": 4,
        "flags": 0x301,
        "scope": {
            "name": "lib",
            "version": "1.2",
            "attributes": {},
            "dropped_attributes_count": 0,
            "schema_url": "",
        },
        "resource": {
            "attributes": {"service.name": {"type": "string", "value": "web-demo"}},
            "dropped_attributes_count": 0,
            "schema_url": "",
        },
        "service_name": "web-demo",
        "request_seq": last_request(url)["seq"],
        "database": "public",
    }


def test_span_without_status_has_empty_code(url):
    assert post_trace(url, span(1)).body == b""
    assert api(url, "spans")[0]["status"] == {"code": "", "message": ""}


def test_metrics_are_flattened_per_data_point(url):
    resource = {"attributes": key_values({"service.name": "web-demo"})}
    point = {"time_unix_nano": 1_700_000_000_000_000_001, "start_time_unix_nano": 5}
    request = ExportMetricsServiceRequest(
        resource_metrics=[
            {
                "resource": resource,
                "scope_metrics": [
                    {
                        "scope": {"name": "m"},
                        "metrics": [
                            {
                                "name": "g",
                                "unit": "1",
                                "description": "gauge",
                                "gauge": {
                                    "data_points": [
                                        {
                                            **point,
                                            "as_int": 2**60,
                                            "attributes": key_values({"route": "/"}),
                                        },
                                        {**point, "as_double": float("inf")},
                                    ]
                                },
                            },
                            {
                                "name": "requests",
                                "sum": {
                                    "is_monotonic": True,
                                    "aggregation_temporality": 2,
                                    "data_points": [{**point, "as_int": 3}],
                                },
                            },
                            {
                                "name": "latency",
                                "unit": "ms",
                                "histogram": {
                                    "aggregation_temporality": 1,
                                    "data_points": [
                                        {
                                            **point,
                                            "count": 3,
                                            "sum": 12.5,
                                            "bucket_counts": [1, 2, 0],
                                            "explicit_bounds": [5.0, 10.0],
                                            "min": 1.0,
                                        }
                                    ],
                                },
                            },
                            {
                                "name": "exp",
                                "exponential_histogram": {
                                    "aggregation_temporality": 2,
                                    "data_points": [
                                        {
                                            **point,
                                            "count": 2,
                                            "scale": 3,
                                            "zero_count": 1,
                                            "positive": {"offset": -1, "bucket_counts": [1]},
                                        }
                                    ],
                                },
                            },
                            {
                                "name": "quantiles",
                                "summary": {
                                    "data_points": [
                                        {
                                            **point,
                                            "count": 4,
                                            "sum": 10.0,
                                            "quantile_values": [{"quantile": 0.5, "value": 2.0}],
                                        }
                                    ]
                                },
                            },
                        ],
                    }
                ],
            }
        ]
    )
    response = send(url, METRICS, request.SerializeToString(), PROTO_HEADERS)
    assert (response.status, response.body) == (200, b"")
    points = api(url, "metrics")
    assert [(p["name"], p["type"]) for p in points] == [
        ("g", "gauge"),
        ("g", "gauge"),
        ("requests", "sum"),
        ("latency", "histogram"),
        ("exp", "exponential_histogram"),
        ("quantiles", "summary"),
    ]
    gauge, gauge_inf, total, hist, exp, summary = points
    assert gauge["value"] == str(2**60) and gauge["value_type"] == "int"
    assert gauge["attributes"] == {"route": {"type": "string", "value": "/"}}
    assert (
        gauge["unit"],
        gauge["description"],
        gauge["is_monotonic"],
        gauge["aggregation_temporality"],
    ) == ("1", "gauge", None, None)
    assert (gauge["time_unix_nano"], gauge["start_time_unix_nano"]) == ("1700000000000000001", "5")
    assert (gauge_inf["value"], gauge_inf["value_type"]) == ("Infinity", "double")
    assert (total["value"], total["is_monotonic"], total["aggregation_temporality"]) == (
        3,
        True,
        "AGGREGATION_TEMPORALITY_CUMULATIVE",
    )
    assert {
        k: hist[k]
        for k in (
            "count",
            "sum",
            "bucket_counts",
            "explicit_bounds",
            "min",
            "max",
            "aggregation_temporality",
        )
    } == {
        "count": 3,
        "sum": 12.5,
        "bucket_counts": [1, 2, 0],
        "explicit_bounds": [5.0, 10.0],
        "min": 1.0,
        "max": None,
        "aggregation_temporality": "AGGREGATION_TEMPORALITY_DELTA",
    }
    assert (
        exp["scale"],
        exp["zero_count"],
        exp["positive"],
        exp["sum"],
        exp["dropped_by_greptimedb"],
    ) == (3, 1, {"offset": -1, "bucket_counts": [1]}, None, True)
    assert summary["quantile_values"] == [{"quantile": 0.5, "value": 2.0}]
    assert (summary["count"], summary["sum"]) == (4, 10.0)
    assert {p["service_name"] for p in points} == {"web-demo"}
    assert points[0]["scope"]["name"] == "m"
    assert last_request(url)["metric_point_count"] == 6


def test_logs_are_flattened(url):
    request = ExportLogsServiceRequest(
        resource_logs=[
            {
                "resource": {"attributes": key_values({"service.name": "web-demo"})},
                "scope_logs": [
                    {
                        "scope": {"name": "console"},
                        "log_records": [
                            {
                                "time_unix_nano": 0,
                                "observed_time_unix_nano": 1_700_000_000_000_000_042,
                                "severity_number": 17,
                                "severity_text": "ERROR",
                                "body": any_value({"msg": "x"}),
                                "attributes": key_values({"k": 1}),
                                "trace_id": TRACE_ID,
                                "span_id": b"\x01" * 8,
                                "flags": 1,
                                "event_name": "browser.error",
                            },
                        ],
                    }
                ],
            }
        ]
    )
    assert send(url, LOGS, request.SerializeToString(), PROTO_HEADERS).status == 200
    [log] = api(url, "logs")
    assert {k: v for k, v in log.items() if k not in ("scope", "resource", "request_seq", "greptime_row")} == {
        "time_unix_nano": "0",
        "observed_time_unix_nano": "1700000000000000042",
        "timestamp_unix_nano": "1700000000000000042",
        "severity_number": 17,
        "severity_number_name": "SEVERITY_NUMBER_ERROR",
        "severity_text": "ERROR",
        "body": {"type": "kvlist", "value": {"msg": {"type": "string", "value": "x"}}},
        "attributes": {"k": {"type": "int", "value": 1}},
        "dropped_attributes_count": 0,
        "flags": 1,
        "trace_id": TRACE_ID.hex(),
        "span_id": "01" * 8,
        "event_name": "browser.error",
        "service_name": "web-demo",
        "database": "public",
    }
    assert log["scope"]["name"] == "console"


def test_the_greptime_row_of_an_event_has_no_event_name_column(url):
    """GreptimeDB's log table drops the OTLP event_name (log_table.py): only an attribute keeps it."""
    request = ExportLogsServiceRequest(
        resource_logs=[
            {
                "resource": {"attributes": key_values({"service.name": "web-demo"})},
                "scope_logs": [
                    {
                        "scope": {"name": "rum", "version": "1"},
                        "log_records": [
                            {"time_unix_nano": 5, "event_name": "session.start", "attributes": key_values({"session.id": "a"})},
                            {
                                "time_unix_nano": 6,
                                "event_name": "browser.navigation",
                                "attributes": key_values({"event.name": "browser.navigation", "n": 1}),
                            },
                        ],
                    }
                ],
            }
        ]
    )
    assert send(url, LOGS, request.SerializeToString(), PROTO_HEADERS).status == 200
    first, second = api(url, "logs")
    assert first["event_name"] == "session.start", "the wire field is decoded as sent"
    assert first["greptime_row"] == {
        "timestamp": "5",
        "trace_id": "",
        "span_id": "",
        "severity_text": "",
        "severity_number": 0,
        "log_attributes": {"session.id": "a"},
        "trace_flags": 0,
        "scope_name": "rum",
        "scope_version": "1",
        "scope_attributes": {},
        "scope_schema_url": "",
        "resource_attributes": {"service.name": "web-demo"},
        "resource_schema_url": "",
    }
    assert second["greptime_row"]["log_attributes"] == {"event.name": "browser.navigation", "n": 1}


# -------------------------------- query API: requests, stats, wait, reset


def test_requests_record_what_arrived(url):
    raw = trace_body(span(1))
    body = gzip.compress(raw)
    headers = {
        **TRACE_HEADERS,
        "Content-Encoding": "gzip",
        "X-Greptime-DB-Name": "web",
        "X-Custom": "1",
    }
    send(url, TRACES + "?q=1", body, headers)
    [entry] = api(url, "requests?include_body=1")
    assert entry["seq"] >= 1 and entry["received_at_ms"] > 0
    assert {
        k: entry[k]
        for k in (
            "signal",
            "path",
            "method",
            "status",
            "database",
            "content_type",
            "content_encoding",
            "body_bytes",
            "decoded_bytes",
            "span_count",
            "accepted",
            "rejected",
            "error",
            "fault",
            "pipeline",
            "table",
        )
    } == {
        "signal": "traces",
        "path": TRACES + "?q=1",
        "method": "POST",
        "status": 200,
        "database": "web",
        "content_type": PROTOBUF,
        "content_encoding": "gzip",
        "body_bytes": len(body),
        "decoded_bytes": len(raw),
        "span_count": 1,
        "accepted": 1,
        "rejected": 0,
        "error": None,
        "fault": False,
        "pipeline": "greptime_trace_v1",
        "table": "opentelemetry_traces",
    }
    assert entry["headers"]["x-custom"] == "1" and entry["headers"]["x-greptime-db-name"] == "web"
    assert gzip.decompress(base64.b64decode(entry["body_base64"])) == raw
    assert "body_base64" not in api(url, "requests")[0]


def test_stats_and_reset(url):
    post_trace(url, span(1), span(2))
    post_trace(url, headers=PROTO_HEADERS)
    send(url, LOGS, log_body("a", "b", "c"), PROTO_HEADERS)
    stats = api(url, "stats")
    assert stats["traces"] == {
        "requests": 2,
        "accepted": 2,
        "rejected": 0,
        "statuses": {"200": 1, "400": 1},
    }
    assert stats["logs"] == {"requests": 1, "accepted": 3, "rejected": 0, "statuses": {"200": 1}}
    assert stats["metrics"]["requests"] == 0
    assert api(url, "reset", "POST") == {"reset": True}
    assert api(url, "requests") == [] and api(url, "spans") == [] and api(url, "logs") == []
    assert api(url, "stats")["traces"]["requests"] == 0


def test_item_queries_filter_by_seq_and_database(url):
    post_trace(url, span(1))
    first_seq = last_request(url)["seq"]
    post_trace(url, span(2), headers={**TRACE_HEADERS, "x-greptime-db-name": "bar"})
    assert [s["name"] for s in api(url, f"spans?since={first_seq}")] == ["span-2"]
    assert [s["name"] for s in api(url, "spans?database=public")] == ["span-1"]
    assert [r["seq"] for r in api(url, "requests?signal=traces")] == [first_seq, first_seq + 1]
    assert api(url, "requests?signal=logs") == []


def test_wait_returns_when_enough_items_arrived(url):
    assert api(url, "wait?signal=traces&min=1&timeout_ms=100") == {"count": 0, "timed_out": True}
    timer = threading.Timer(0.2, lambda: post_trace(url, span(1), span(2)))
    timer.start()
    started = time.monotonic()
    assert api(url, "wait?signal=traces&min=2&timeout_ms=5000") == {"count": 2, "timed_out": False}
    assert time.monotonic() - started < 3
    timer.join()


def test_bad_api_queries(url):
    assert send(url, "/_receiver/wait?signal=nope", None, {}, "GET").status == 400
    assert send(url, "/_receiver/spans?since=x", None, {}, "GET").status == 400
    assert send(url, "/_receiver/unknown", None, {}, "GET").status == 404
    assert send(url, "/_receiver/reset", None, {}, "GET").status == 405


# -------------------------------- 9. fault injection


def test_faults_answer_the_next_requests_then_stop(url):
    plan = {"statuses": [503, 429], "retry_after": "2", "signal": "traces"}
    assert api(url, "faults", "POST", plan)["pending_statuses"] == 2
    assert send(url, METRICS, gauge_body(), PROTO_HEADERS).status == 200  # other signal untouched
    for expected in (503, 429):
        response = post_trace(url)
        assert response.status == expected
        assert response.headers["retry-after"] == "2"
        assert response.json() == {"error": f"Injected fault: HTTP {expected}"}
        assert response.headers["access-control-allow-origin"] == "*"
    assert post_trace(url).status == 200
    faulted = [r["fault"] for r in api(url, "requests?signal=traces")]
    assert faulted == [True, True, False]
    assert api(url, "stats")["traces"]["statuses"] == {"200": 1, "429": 1, "503": 1}


def test_faults_without_signal_hit_any_signal_and_delete_clears(url):
    api(url, "faults", "POST", {"statuses": [502]})
    response = send(url, LOGS, log_body(), PROTO_HEADERS)
    assert response.status == 502 and "retry-after" not in response.headers
    api(url, "faults", "POST", {"statuses": [503, 503]})
    assert api(url, "faults")["pending"][0]["statuses"] == [503, 503]
    assert api(url, "faults", "DELETE") == {"pending": []}
    assert post_trace(url).status == 200
    api(url, "faults", "POST", {"statuses": [503]})
    api(url, "reset", "POST")
    assert post_trace(url).status == 200  # reset clears faults too


def test_fault_delay(url):
    api(url, "faults", "POST", {"statuses": [200], "delay_ms": 300, "signal": "traces"})
    started = time.monotonic()
    assert post_trace(url).status == 200  # 200: answered normally, after the delay
    assert time.monotonic() - started >= 0.3
    assert len(api(url, "spans")) == 1


def test_hold_stores_only_requests_whose_client_waits_for_the_answer(url):
    """Hold mode: what a closed page cancelled never counts, even if its bytes were sent."""
    assert api(url, "hold", "POST", {"hold_ms": 400}) == {"hold_ms": 400}
    host, port = url.removeprefix("http://").split(":")
    body = trace_body(span(1))
    head = (
        f"POST {TRACES} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {PROTOBUF}\r\n"
        f"x-greptime-pipeline-name: greptime_trace_v1\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port))) as cancelled:
        cancelled.sendall(head + body)  # the whole request, then the client goes away
    started = time.monotonic()
    assert post_trace(url).status == 200  # this client waits: stored
    assert time.monotonic() - started >= 0.4
    time.sleep(0.2)
    assert len(api(url, "spans")) == 1
    abandoned = api(url, "abandoned")
    assert [a["body_bytes"] for a in abandoned] == [len(body)]
    assert api(url, "stats")["abandoned"] == 1
    assert api(url, "hold", "DELETE") == {"hold_ms": 0}
    api(url, "hold", "POST", {"hold_ms": 100})
    api(url, "reset", "POST")
    assert api(url, "hold") == {"hold_ms": 0} and api(url, "abandoned") == []


@pytest.mark.parametrize("payload", [{}, {"hold_ms": -1}, {"hold_ms": "1"}, {"hold_ms": True}])
def test_invalid_hold_is_400(url, payload):
    response = send(url, "/_receiver/hold", json.dumps(payload).encode(), {}, "POST")
    assert response.status == 400
    assert response.json()["error"].startswith("invalid hold: ")


@pytest.mark.parametrize(
    "plan",
    [
        {},
        {"statuses": []},
        {"statuses": [42]},
        {"statuses": [503], "signal": "x"},
        {"statuses": [503], "delay_ms": -1},
    ],
)
def test_invalid_fault_plans_are_400(url, plan):
    response = send(url, "/_receiver/faults", json.dumps(plan).encode(), {}, "POST")
    assert response.status == 400
    assert response.json()["error"].startswith("invalid fault plan: ")


# -------------------------------- command line


def test_command_line_options():
    config = parse_args(
        [
            "--port",
            "0",
            "--host",
            "::1",
            "--auth",
            "a:b",
            "--auth",
            "c:d:e",
            "--cors-origins",
            "https://a.example, https://b.example",
            "--body-limit",
            "2MiB",
            "--databases",
            "public,web",
            "--quiet",
        ]
    )
    assert (config.host, config.port, config.users) == ("::1", 0, {"a": "b", "c": "d:e"})
    assert config.cors_origins == ["https://a.example", "https://b.example"]
    assert (config.body_limit, config.databases) == (2 * 1024 * 1024, frozenset({"public", "web"}))
    assert (config.quiet, config.summary) == (True, False)
    defaults = parse_args([])
    assert (defaults.port, defaults.body_limit, defaults.cors_origins, defaults.databases) == (
        4000,
        64 * 1024 * 1024,
        None,
        frozenset(),
    )
    with pytest.raises(SystemExit):
        parse_args(["--auth", "no-colon"])


def test_plain_log_lines(make_receiver):
    out = io.StringIO()
    url = make_receiver(quiet=False, out=out, databases=frozenset({"web"}))
    post_trace(url, span(1), span(2, name=""))
    send(url, TRACES, None, {}, "OPTIONS")
    send(url, METRICS, gauge_body(), {**PROTO_HEADERS, "x-greptime-db-name": "web"})
    assert out.getvalue().splitlines() == [
        f"[receiver] POST {TRACES} db=public 200 2 spans, 1 rejected",
        f"[receiver] OPTIONS {TRACES} 200 preflight",
        f"[receiver] POST {METRICS} db=web 200 1 metric points",
    ]


def test_command_line_prints_listening_line_and_summaries():
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER_SCRIPT), "--port", "0", "--summary"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line.rstrip("\n")) for line in process.stdout], daemon=True
    ).start()
    try:
        first = lines.get(timeout=10)
        assert first.startswith("[receiver] listening on http://127.0.0.1:")
        url = first.removeprefix("[receiver] listening on ")
        post_trace(url, span(1, name="load"), span(2, name="click"))
        post_trace(url, headers=PROTO_HEADERS)
        assert lines.get(timeout=10) == (
            "[receiver] POST traces db=public 200 2 spans (service web-demo): span names load, click"
        )
        assert lines.get(timeout=10) == (
            "[receiver] POST traces db=public 400 error: Pipeline is required for this API."
        )
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_expose_headers_option_emulates_a_proxy():
    """Off by default, as in GreptimeDB; on, a browser may read Retry-After cross-origin."""
    from greptime_receiver import ReceiverConfig, start_receiver  # noqa: E402
    import urllib.request

    with start_receiver(ReceiverConfig(port=0, quiet=True, expose_headers=["retry-after"])) as server:
        request = urllib.request.Request(f"{server.url}/v1/health", headers={"origin": "http://page.test"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["access-control-expose-headers"] == "retry-after"


def test_a_double_never_fits_a_semconv_int64_column(url):
    # GreptimeDB's trace_semconv.rs fixes http.response.status_code to Int64 and coerce.rs has no
    # Float64 → Int64 coercion: the span is rejected (what the SDK's number rule avoids).
    message = rejection(post_trace(url, span(1, attributes={"http.response.status_code": 200.5})))
    assert message.startswith("Accepted 0 spans, rejected 1 spans.")
    assert "'span_attributes.http.response.status_code'" in message
    assert post_trace(url, span(2, attributes={"http.response.status_code": 200})).body == b""

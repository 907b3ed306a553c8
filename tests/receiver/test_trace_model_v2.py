"""GreptimeDB 1.3's `greptime_trace_v2` trace model, as the receiver keeps it: the pipeline
is accepted, attributes go into three JSON columns (no typed column per key, so no coercion
rejections), and a table created by one model refuses the other (PR #9192: writes between
tables stamped with different v1/v2 models are rejected before any schema change)."""

from __future__ import annotations

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

from greptime_receiver import start_receiver
from receiver_testlib import (
    PROTOBUF,
    TRACE_HEADERS,
    TRACES,
    api,
    rpc_status_class,
    send,
    span,
    trace_body,
)

V2 = {"content-type": PROTOBUF, "x-greptime-pipeline-name": "greptime_trace_v2"}
V2_FIXED_COLUMNS = {
    "span_attributes": "Json",
    "scope_attributes": "Json",
    "resource_attributes": "Json",
}


@pytest.fixture(scope="module")
def shared():
    with start_receiver() as receiver:
        yield receiver


@pytest.fixture
def url(shared):
    shared.state.reset()
    return shared.url


def post(url, *spans, headers):
    return send(url, TRACES, trace_body(*spans), headers)


def test_v2_pipeline_is_accepted_and_keeps_attributes_as_json(url):
    response = post(
        url,
        span(1, attributes={"n": 1, "url.full": "https://shop.example/cart"}),
        span(2, attributes={"n": "not a number", "browser.web_vital.name": "lcp"}),
        headers={**V2, "x-greptime-trace-table-name": "web_traces_v2"},
    )
    # v1 would reject span 2 (an Int64 column `span_attributes.n` cannot take "not a number");
    # v2 has no column per key, so both are stored.
    assert (response.status, response.body) == (200, b"")
    request = api(url, "requests")[-1]
    assert (request["pipeline"], request["table"]) == ("greptime_trace_v2", "web_traces_v2")
    assert (request["accepted"], request["rejected"]) == (2, 0)
    assert api(url, "columns")["public.web_traces_v2"] == V2_FIXED_COLUMNS
    stored = {s["name"]: s["attributes"] for s in api(url, "spans")}
    assert stored["span-2"]["n"] == {"type": "string", "value": "not a number"}
    assert stored["span-1"]["url.full"] == {"type": "string", "value": "https://shop.example/cart"}


def test_v2_spans_are_still_checked_structurally(url):
    response = post(url, span(1), span(2, name=""), headers=V2)
    assert response.status == 200
    message = ExportTraceServiceResponse.FromString(response.body).partial_success.error_message
    assert message.startswith("Accepted 1 spans, rejected 1 spans. ")
    assert "span name must not be empty" in message


@pytest.mark.parametrize(
    "first, second, first_model, second_model",
    [
        (TRACE_HEADERS, V2, "greptime_trace_v1", "greptime_trace_v2"),
        (V2, TRACE_HEADERS, "greptime_trace_v2", "greptime_trace_v1"),
    ],
)
def test_one_table_one_model(url, first, second, first_model, second_model):
    table = {"x-greptime-trace-table-name": "shared_traces"}
    assert post(url, span(1), headers={**first, **table}).status == 200
    response = post(url, span(2), span(3), headers={**second, **table})
    # Every span refused: 400 with a google.rpc.Status body, as for any total rejection.
    assert response.status == 400, response.body
    message = rpc_status_class().FromString(response.body).message
    assert message.startswith("Accepted 0 spans, rejected 2 spans. ")
    assert f"table 'shared_traces' uses trace data model {first_model}" in message
    assert second_model in message
    # Another table takes the second model.
    other = {"x-greptime-trace-table-name": "other_traces"}
    assert post(url, span(4), headers={**second, **other}).status == 200
    assert [s["name"] for s in api(url, "spans")] == ["span-1", "span-4"]


def test_models_are_per_database_and_table(url):
    assert post(url, span(1), headers=TRACE_HEADERS).status == 200
    assert post(url, span(2), headers={**V2, "x-greptime-trace-table-name": "t2"}).status == 200
    columns = api(url, "columns")
    assert columns["public.t2"] == V2_FIXED_COLUMNS
    assert "span_attributes" not in columns["public.opentelemetry_traces"]

"""The receiver's model of what GreptimeDB stores for OTLP metrics (metric_series.py): table
names, the tags it keeps, and same-millisecond overwrites; and the /_receiver/metric_rows API."""

from __future__ import annotations

import pytest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)

from greptime_receiver import start_receiver
from metric_series import label_name, rust_f64, table_name
from receiver_testlib import METRICS, PROTO_HEADERS, api, key_values, send

MS = 1_700_000_000_123


@pytest.fixture()
def url():
    # "other" exists, as if created with CREATE DATABASE: the database test below writes to it.
    with start_receiver(databases=frozenset({"public", "other"})) as receiver:
        yield receiver.url


def request(resource: dict, metrics: list[dict]) -> bytes:
    return ExportMetricsServiceRequest(
        resource_metrics=[
            {
                "resource": {"attributes": key_values(resource)},
                "scope_metrics": [{"scope": {"name": "s"}, "metrics": metrics}],
            }
        ]
    ).SerializeToString()


def counter(name: str, value: float, attributes: dict, ns: int, monotonic=True) -> dict:
    point = {"time_unix_nano": ns, "as_double": value, "attributes": key_values(attributes)}
    return {
        "name": name,
        "sum": {"is_monotonic": monotonic, "aggregation_temporality": 2, "data_points": [point]},
    }


def post(url: str, body: bytes, db: str = "public") -> None:
    response = send(url, METRICS, body, {**PROTO_HEADERS, "x-greptime-db-name": db})
    assert response.status == 200, response.body


def test_table_and_label_names_follow_greptimedb():
    assert table_name("agent.tool_calls", "{call}", "sum", True) == "agent_tool_calls_total"
    assert table_name("ui.elements.live", "", "sum", False) == "ui_elements_live"
    assert table_name("http.client.duration", "ms", "histogram", False) == (
        "http_client_duration_milliseconds"
    )
    assert table_name("memory.used", "By", "gauge", False) == "memory_used_bytes"
    assert table_name("cpu", "1", "gauge", False) == "cpu_ratio"
    assert table_name("requests_total", "", "sum", True) == "requests_total"
    assert table_name("rate", "By/s", "gauge", False) == "rate_bytes_per_second"
    assert table_name("9lives", "", "gauge", False) == "_9lives"
    assert label_name("tool.name") == "tool_name"
    assert label_name("_x") == "key_x"
    assert label_name("1x") == "key_1x"
    assert [rust_f64(v) for v in (10.0, 2.5, float("inf"), -0.5)] == ["10", "2.5", "inf", "-0.5"]


def test_tags_keep_promoted_resource_keys_and_scalar_point_attributes(url):
    resource = {
        "service.name": "shop",
        "service.instance.id": "a1",
        "deployment.environment.name": "prod",
        "user_agent.original": "Mozilla",  # not promoted: dropped
        "page.url": "https://shop/",  # not promoted: dropped
    }
    attributes = {
        "tool.name": "search",
        "retry": 2,
        "ratio": 0.5,
        "ok": True,  # bool: dropped by GreptimeDB
        "tags": ["a", "b"],  # array: dropped
        "otel.metric.overflow": "true",  # a string marker is kept
    }
    post(url, request(resource, [counter("agent.tool_calls", 3, attributes, MS * 10**6)]))
    rows = api(url, "metric_rows?table=agent_tool_calls_total")
    assert rows == [
        {
            "database": "public",
            "table": "agent_tool_calls_total",
            "tags": {
                "deployment_environment_name": "prod",
                "instance": "a1",
                "job": "shop",
                "otel_metric_overflow": "true",
                "ratio": "0.5",
                "retry": "2",
                "service_instance_id": "a1",
                "service_name": "shop",
                "tool_name": "search",
            },
            "timestamp_ms": MS,
            "value": 3.0,
        }
    ]


def test_same_series_and_millisecond_overwrites_other_instances_do_not(url):
    # Two pages of one service without an instance id: one series, the second write wins.
    for value in (5, 7):
        post(url, request({"service.name": "shop"}, [counter("c", value, {}, MS * 10**6 + value)]))
    rows = api(url, "metric_rows?table=c_total")
    assert [(r["timestamp_ms"], r["value"]) for r in rows] == [(MS, 7.0)]
    # With service.instance.id they are two series: both rows stay.
    for value, instance in ((5, "a"), (7, "b")):
        resource = {"service.name": "shop", "service.instance.id": instance}
        post(url, request(resource, [counter("d", value, {}, MS * 10**6)]))
    rows = api(url, "metric_rows?table=d_total")
    assert sorted((r["tags"]["instance"], r["value"]) for r in rows) == [("a", 5.0), ("b", 7.0)]
    # A bool attribute does not tell series apart: GreptimeDB drops it before keying the row.
    for flag, value in ((True, 1), (False, 2)):
        post(url, request({"service.name": "shop"}, [counter("e", value, {"f": flag}, MS * 10**6)]))
    assert [r["value"] for r in api(url, "metric_rows?table=e_total")] == [2.0]
    # Another database is another table.
    post(url, request({"service.name": "shop"}, [counter("e", 9, {}, MS * 10**6)]), db="other")
    assert [r["value"] for r in api(url, "metric_rows?table=e_total&database=other")] == [9.0]


def test_histograms_become_bucket_sum_and_count_tables(url):
    point = {
        "time_unix_nano": MS * 10**6,
        "count": 4,
        "sum": 565.0,
        "bucket_counts": [2, 1, 1],
        "explicit_bounds": [10.0, 100.0],
        "attributes": key_values({"tool": "search"}),
    }
    metric = {"name": "tool.duration", "unit": "ms", "histogram": {"data_points": [point]}}
    post(url, request({"service.name": "shop", "service.instance.id": "i"}, [metric]))
    rows = api(url, "metric_rows")
    by_table = {}
    for row in rows:
        by_table.setdefault(row["table"], []).append(row)
    buckets = by_table["tool_duration_milliseconds_bucket"]
    assert [(r["tags"]["le"], r["value"]) for r in buckets] == [
        ("10", 2.0),
        ("100", 3.0),
        ("inf", 4.0),
    ]
    assert [r["value"] for r in by_table["tool_duration_milliseconds_sum"]] == [565.0]
    assert [r["value"] for r in by_table["tool_duration_milliseconds_count"]] == [4.0]
    assert by_table["tool_duration_milliseconds_count"][0]["tags"] == {
        "instance": "i",
        "job": "shop",
        "service_instance_id": "i",
        "service_name": "shop",
        "tool": "search",
    }


def test_reset_clears_the_rows(url):
    post(url, request({"service.name": "shop"}, [counter("c", 1, {}, MS * 10**6)]))
    assert api(url, "metric_rows")
    api(url, "reset", "POST")
    assert api(url, "metric_rows") == []

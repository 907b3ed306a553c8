"""The agent's observability: configuration from the environment, the fallback without
telemetry, what arrives at a GreptimeDB-contract server (tests/receiver, decoding with the
official opentelemetry-proto package), and a dead GreptimeDB never blocking a request.

    .venv/bin/python -m pytest examples/agent-backend -q -p no:cacheprovider
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent import create_app
from observability import GreptimeConfig, base_url, basic_auth, initialize_observability

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests/receiver"))
from greptime_receiver import start_receiver

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost:4000", "http://localhost:4000"),
        ("127.0.0.1:4000/", "http://127.0.0.1:4000"),
        ("localhost", "http://localhost:4000"),
        ("abc.us-west-2.aws.greptime.cloud:443", "https://abc.us-west-2.aws.greptime.cloud"),
        ("abc.us-west-2.aws.greptime.cloud", "https://abc.us-west-2.aws.greptime.cloud"),
        ("https://abc.greptime.cloud", "https://abc.greptime.cloud"),
        ("HTTPS://abc.greptime.cloud:8443/greptime/", "https://abc.greptime.cloud:8443/greptime"),
        ("http://db.internal:4000", "http://db.internal:4000"),
        ("db.internal:4000", "http://db.internal:4000"),
        ("[::1]:4000", "http://[::1]:4000"),
    ],
)
def test_greptime_host_becomes_a_base_url(host, expected):
    assert base_url(host) == expected


@pytest.mark.parametrize(
    "host", ["localhost:99999", "localhost:port", "ftp://h:21", "http://", "user@h:4000"]
)
def test_an_unusable_greptime_host_is_refused(host):
    with pytest.raises(ValueError, match="GREPTIME_HOST"):
        base_url(host)


def test_endpoints_and_headers_per_signal():
    config = GreptimeConfig.from_env(
        {
            "GREPTIME_HOST": "localhost:4000",
            "GREPTIME_DB": "agents",
            "GREPTIME_USERNAME": "agent",
            "GREPTIME_PASSWORD": "pw:1",
        }
    )
    assert config.endpoint("traces") == "http://localhost:4000/v1/otlp/v1/traces"
    assert config.endpoint("metrics") == "http://localhost:4000/v1/otlp/v1/metrics"
    assert config.endpoint("logs") == "http://localhost:4000/v1/otlp/v1/logs"
    auth = "Basic YWdlbnQ6cHc6MQ=="  # base64("agent:pw:1"), padded; the password keeps its ':'
    assert config.headers("traces") == {
        "X-Greptime-DB-Name": "agents",
        "Authorization": auth,
        "x-greptime-pipeline-name": "greptime_trace_v1",
    }
    assert config.headers("metrics") == {"X-Greptime-DB-Name": "agents", "Authorization": auth}
    assert config.headers("logs") == {
        "X-Greptime-DB-Name": "agents",
        "Authorization": auth,
        "x-greptime-log-table-name": "opentelemetry_logs",  # the browser SDK's default table
    }


def test_defaults_without_credentials():
    config = GreptimeConfig.from_env({"GREPTIME_HOST": "localhost:4000"})
    assert config.database == "public"
    assert config.authorization is None
    assert "Authorization" not in config.headers("traces")
    assert config.service_name == "agent-backend"
    assert config.metric_export_interval_ms == 15_000
    assert basic_auth("a", "") == "Basic YTo="  # padding kept: GreptimeDB requires it
    named = GreptimeConfig.from_env(
        {"GREPTIME_HOST": "h:443", "OTEL_SERVICE_NAME": "planner", "SERVICE_VERSION": "2.1"}
    )
    assert (named.base_url, named.service_name, named.service_version) == (
        "https://h",
        "planner",
        "2.1",
    )


def _fallback_lines(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "observability" and "telemetry off" in r.getMessage()
    ]


def _run_tools(client: TestClient, headers=None) -> list[dict]:
    answers = []
    for tool in ("search_docs", "broken_tool"):
        response = client.post(
            "/api/agent", json={"tool": tool, "input": "greptime"}, headers=headers or {}
        )
        assert response.status_code == 200
        answers.append(response.json())
    return answers


def test_without_greptime_host_the_agent_runs_without_telemetry(caplog):
    caplog.set_level(logging.INFO, logger="observability")
    obs = initialize_observability({})
    assert not obs.enabled
    assert _fallback_lines(caplog) == [
        "telemetry off: GREPTIME_HOST is not set; the agent runs without it"
    ]
    with TestClient(create_app(obs)) as client:
        ok, failed = _run_tools(client)
        assert ok["status"] == "ok" and ok["results"]
        assert failed == {**failed, "status": "error", "error": "tool failed: upstream timed out"}
        assert client.post("/api/ui-elements", json={"kind": "card", "change": 1}).json()["ok"]


def test_a_failure_during_setup_means_no_telemetry_and_one_line(caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="observability")
    obs = initialize_observability({"GREPTIME_HOST": "localhost:99999"})
    assert not obs.enabled
    assert len(_fallback_lines(caplog)) == 1
    assert "setup failed: ValueError: GREPTIME_HOST 'localhost:99999'" in _fallback_lines(caplog)[0]

    # A failure inside the SDK's setup (here: the trace exporter) is caught the same way.
    caplog.clear()
    import opentelemetry.exporter.otlp.proto.http.trace_exporter as trace_exporter

    def broken(*_args, **_kwargs):
        raise RuntimeError("no exporter today")

    monkeypatch.setattr(trace_exporter, "OTLPSpanExporter", broken)
    obs = initialize_observability({"GREPTIME_HOST": "localhost:4000"})
    assert not obs.enabled
    assert _fallback_lines(caplog) == [
        "telemetry off: setup failed: RuntimeError: no exporter today; the agent runs without it"
    ]
    with TestClient(create_app(obs)) as client:
        assert _run_tools(client)[0]["status"] == "ok"

    # A failure after the trace and metric providers started stops them again (no export
    # threads left running) and attaches no log handler.
    caplog.clear()
    monkeypatch.undo()
    import opentelemetry.exporter.otlp.proto.http._log_exporter as log_exporter

    threads = threading.active_count()
    monkeypatch.setattr(log_exporter, "OTLPLogExporter", broken)
    obs = initialize_observability({"GREPTIME_HOST": "localhost:4000"})
    assert not obs.enabled
    assert "RuntimeError: no exporter today" in _fallback_lines(caplog)[0]
    assert threading.active_count() == threads
    assert not [h for h in obs.logger.handlers if type(h).__name__ == "LoggingHandler"]


def test_traces_metrics_and_logs_reach_greptimedb_with_auth_and_headers():
    """A receiver with a user provider (401 without the right Authorization) and the database
    created, as with CREATE DATABASE (GreptimeDB refuses any other)."""
    with start_receiver(users={"agent": "s3cret"}, databases=frozenset({"public", "agents"})) as receiver:
        env = {
            "GREPTIME_HOST": f"127.0.0.1:{receiver.port}",
            "GREPTIME_DB": "agents",
            "GREPTIME_USERNAME": "agent",
            "GREPTIME_PASSWORD": "s3cret",
            "SERVICE_VERSION": "1.2.3",
        }
        obs = initialize_observability(env)
        assert obs.enabled
        with TestClient(create_app(obs)) as client:
            _run_tools(client, headers={"traceparent": TRACEPARENT})
            client.post("/api/ui-elements", json={"kind": "card", "change": 1})
            client.post("/api/ui-elements", json={"kind": "card", "change": 1})
            client.post("/api/ui-elements", json={"kind": "card", "change": -1})
        # Leaving the client ran the app's shutdown: everything queued was flushed.
        requests = receiver.state.requests()
        assert {r["signal"] for r in requests} == {"traces", "metrics", "logs"}
        assert all(r["status"] == 200 and r["database"] == "agents" for r in requests), requests
        assert {r["table"] for r in requests if r["signal"] == "logs"} == {"opentelemetry_logs"}

        spans = receiver.state.items("traces")
        server = [
            s
            for s in spans
            if s["name"] == "POST /api/agent" and s["trace_id"] == TRACEPARENT[3:35]
        ]
        assert len(server) == 2
        assert {s["parent_span_id"] for s in server} == {TRACEPARENT[36:52]}, (
            "continues the caller's traceparent"
        )
        assert all(
            s["kind"] == "SPAN_KIND_SERVER" and s["service_name"] == "agent-backend" for s in server
        )
        for tool, status in (
            ("search_docs", "STATUS_CODE_UNSET"),
            ("broken_tool", "STATUS_CODE_ERROR"),
        ):
            [tool_span] = [s for s in spans if s["name"] == f"execute_tool {tool}"]
            [execution] = [s for s in spans if s["span_id"] == tool_span["parent_span_id"]]
            assert execution["name"] == "agent_execution"
            assert execution["parent_span_id"] in {s["span_id"] for s in server}
            assert tool_span["attributes"]["tool.name"]["value"] == tool
            assert tool_span["attributes"]["agent.name"]["value"] == "workbench-agent"
            assert tool_span["status"]["code"] == status
            assert int(tool_span["duration_nano"]) > 0

        latest = {}
        for point in receiver.state.items("metrics"):
            labels = tuple(sorted((k, v["value"]) for k, v in point["attributes"].items()))
            latest[(point["name"], labels)] = point
        calls = {
            (dict(k[1])["tool.name"], dict(k[1])["status"]): p["value"]
            for k, p in latest.items()
            if k[0] == "agent.tool.invocations"
        }
        assert calls == {("search_docs", "ok"): 1, ("broken_tool", "error"): 1}
        requests_by_status = {
            dict(k[1])["status"]: p["value"] for k, p in latest.items() if k[0] == "agent.requests"
        }
        assert requests_by_status == {"ok": 1, "error": 1}
        [ui] = [p for k, p in latest.items() if k[0] == "agent.ui.elements"]
        assert ui["value"] == 1 and ui["type"] == "sum"
        durations = [p for k, p in latest.items() if k[0] == "agent.tool.duration"]
        assert len(durations) == 2 and all(p["count"] == 1 and p["unit"] == "s" for p in durations)

        logs = receiver.state.items("logs")
        [failure] = [entry for entry in logs if entry["severity_text"] == "ERROR"]
        [broken] = [s for s in spans if s["name"] == "execute_tool broken_tool"]
        assert failure["body"]["value"] == "tool broken_tool failed: upstream timed out"
        assert (failure["trace_id"], failure["span_id"]) == (broken["trace_id"], broken["span_id"])
        assert failure["resource"]["attributes"]["service.version"]["value"] == "1.2.3"


class Blackhole:
    """A port that accepts connections and never answers: a GreptimeDB that hangs."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        return self

    def __exit__(self, *exc):
        self.sock.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("backend", ["refusing", "hanging"])
def test_a_dead_greptimedb_never_blocks_a_request(backend, monkeypatch):
    # Export often, so that exports are in flight (and stuck) while requests are served.
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "10")
    monkeypatch.setenv("OTEL_BLRP_SCHEDULE_DELAY", "10")
    with Blackhole() as hole:
        port = hole.port if backend == "hanging" else _closed_port()
        obs = initialize_observability(
            {"GREPTIME_HOST": f"127.0.0.1:{port}", "OTEL_METRIC_EXPORT_INTERVAL": "50"},
            export_timeout_s=2.0,
        )
        assert obs.enabled
        client = TestClient(create_app(obs))
        client.__enter__()
        slowest = 0.0
        for _ in range(20):
            started = time.perf_counter()
            assert _run_tools(client)[0]["status"] == "ok"
            slowest = max(slowest, time.perf_counter() - started)
        # The tools themselves take ~15 ms for the pair; an export waited on would take 1 s.
        assert slowest < 0.5, f"a request took {slowest:.3f} s with GreptimeDB {backend}"
        started = time.perf_counter()
        client.__exit__(None, None, None)  # shutdown: the three providers flush side by side
        took = time.perf_counter() - started
        # At most one export timeout and a second (2 + 1 s here, 10 + 1 s by default), not one
        # timeout per signal: a dead GreptimeDB must not hold the app's shutdown past a
        # container's grace period.
        assert took < 3.5, f"shutdown took {took:.1f} s with GreptimeDB {backend}"


def test_shutdown_detaches_the_log_handler_and_is_idempotent():
    obs = initialize_observability(
        {"GREPTIME_HOST": f"127.0.0.1:{_closed_port()}"}, export_timeout_s=0.5
    )
    exporting = [h for h in obs.logger.handlers if type(h).__name__ == "LoggingHandler"]
    assert len(exporting) == 1
    obs.shutdown()
    assert exporting[0] not in obs.logger.handlers
    assert obs._shutdown == []
    obs.shutdown()  # nothing left to do, and no error

"""The agent's observability, in one module: traces, metrics and logs to GreptimeDB over OTLP/HTTP.

One call at startup, `initialize_observability()`, reads the environment and returns what the
app needs (a tracer, the meter instruments, a logger, `shutdown()`):

    GREPTIME_HOST      GreptimeDB's HTTP address: `localhost:4000` (http), `host:443` or
                       `https://host` (https); unset: the agent runs without telemetry.
    GREPTIME_DB        database (`X-Greptime-DB-Name`), default `public`
    GREPTIME_USERNAME, GREPTIME_PASSWORD
                       Basic auth, sent as `Authorization` (GreptimeDB reads `x-greptime-auth`
                       first, then `Authorization`; a server has no CORS reason to prefer the first)
    OTEL_SERVICE_NAME, SERVICE_VERSION
                       `service.name` (default `agent-backend`) and `service.version`

Everything exports in the background (BatchSpanProcessor, BatchLogRecordProcessor, a periodic
metric reader every 15 s) with a bounded timeout per request, so a GreptimeDB that is slow or
gone never blocks a request: at worst the queues fill and the SDK drops what does not fit.
OpenTelemetry's own variables still tune them (`OTEL_BSP_SCHEDULE_DELAY`,
`OTEL_BLRP_SCHEDULE_DELAY`, `OTEL_METRIC_EXPORT_INTERVAL`, in milliseconds).
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from opentelemetry import metrics, trace

log = logging.getLogger("observability")  # not under "agent": its lines are not exported

TRACE_PIPELINE = "greptime_trace_v1"  # GreptimeDB answers 400 to traces without a pipeline
LOG_TABLE = "opentelemetry_logs"  # the browser SDK's default `logTable`: one table for both
METRIC_EXPORT_INTERVAL_MS = 15_000
EXPORT_TIMEOUT_S = 10.0
# Seconds; OpenTelemetry's advice for HTTP durations, which tool calls resemble.
TOOL_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class GreptimeConfig:
    """Where and how the three signals go; built once from the environment."""

    base_url: str
    database: str = "public"
    authorization: str | None = None  # the whole header value, `Basic …`
    service_name: str = "agent-backend"
    service_version: str | None = None
    export_timeout_s: float = EXPORT_TIMEOUT_S
    metric_export_interval_ms: float = METRIC_EXPORT_INTERVAL_MS

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GreptimeConfig | None:
        """None when `GREPTIME_HOST` is unset or empty; ValueError when it is unusable."""
        host = env.get("GREPTIME_HOST", "").strip()
        if not host:
            return None
        user, password = env.get("GREPTIME_USERNAME"), env.get("GREPTIME_PASSWORD", "")
        interval = env.get("OTEL_METRIC_EXPORT_INTERVAL")
        return cls(
            base_url=base_url(host),
            database=env.get("GREPTIME_DB") or "public",
            authorization=basic_auth(user, password) if user else None,
            service_name=env.get("OTEL_SERVICE_NAME") or "agent-backend",
            service_version=env.get("SERVICE_VERSION") or None,
            metric_export_interval_ms=float(interval) if interval else METRIC_EXPORT_INTERVAL_MS,
        )

    def endpoint(self, signal: str) -> str:
        """GreptimeDB's OTLP/HTTP path for `traces`, `metrics` or `logs`."""
        return f"{self.base_url}/v1/otlp/v1/{signal}"

    def headers(self, signal: str) -> dict[str, str]:
        """The headers GreptimeDB reads for `signal` (see the README's contract)."""
        headers = {"X-Greptime-DB-Name": self.database}
        if self.authorization:
            headers["Authorization"] = self.authorization
        if signal == "traces":
            headers["x-greptime-pipeline-name"] = TRACE_PIPELINE
        elif signal == "logs":
            headers["x-greptime-log-table-name"] = LOG_TABLE
        return headers


def base_url(host: str) -> str:
    """`localhost:4000` → `http://localhost:4000`; `h:443`, `https://h` → `https://h`.

    A bare name (no port) is a cloud host behind TLS, except loopback names, which get
    GreptimeDB's default port.
    """
    raw = host.strip()
    scheme = None
    if "://" in raw:
        scheme, raw = raw.split("://", 1)
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"GREPTIME_HOST {host!r}: only http:// or https://")
    raw = raw.rstrip("/")
    parts = urlsplit(f"//{raw}")
    try:
        port = parts.port  # raises ValueError on a port outside 0..65535 or not a number
    except ValueError as error:
        raise ValueError(f"GREPTIME_HOST {host!r}: {error}") from None
    name = parts.hostname
    if not name or parts.username or parts.query or parts.fragment:
        raise ValueError(f"GREPTIME_HOST {host!r}: expected host[:port][/path]")
    netloc = f"[{name}]" if ":" in name else name
    path = parts.path.rstrip("/")
    if scheme is None:
        if port == 443 or (port is None and name not in ("localhost", "127.0.0.1", "::1")):
            scheme = "https"
        else:
            scheme = "http"
            port = port or 4000
    if port is not None and not (scheme == "https" and port == 443):
        netloc += f":{port}"
    return f"{scheme}://{netloc}{path}"


def basic_auth(username: str, password: str) -> str:
    """`Basic base64(user:password)`, padded (GreptimeDB requires the padding)."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


@dataclass
class Observability:
    """What the app uses. Without telemetry every part is OpenTelemetry's no-op."""

    enabled: bool
    reason: str  # why telemetry is off, or where it goes
    tracer: trace.Tracer
    requests: metrics.Counter  # agent.requests {request}: by agent.name, status
    tool_calls: metrics.Counter  # agent.tool.invocations {call}: by agent.name, tool.name, status
    # agent.ui.elements {element}: live in the UI, by ui.element.kind
    ui_elements: metrics.UpDownCounter
    tool_duration: metrics.Histogram  # agent.tool.duration s: by agent.name, tool.name, status
    logger: logging.Logger
    tracer_provider: trace.TracerProvider | None = None
    meter_provider: metrics.MeterProvider | None = None
    _detach: Callable[[], object] | None = None  # takes the log handler off the app's logger
    _shutdown: list[Callable[[], object]] = field(default_factory=list)  # one per provider
    _shutdown_timeout_s: float = EXPORT_TIMEOUT_S + 1

    def shutdown(self) -> None:
        """Flushes and stops every provider (the metric reader exports once more); idempotent.

        The providers flush side by side, so that a dead GreptimeDB holds shutdown for one
        export timeout (plus a second), not one per signal; what is still unsent then is dropped.
        """
        if self._detach:
            self._detach()
            self._detach = None
        steps, self._shutdown = self._shutdown, []
        threads = [threading.Thread(target=_quietly, args=(step,), daemon=True) for step in steps]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + self._shutdown_timeout_s
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(thread.is_alive() for thread in threads):
            log.warning(
                "telemetry shutdown gave up after %.0f s: GreptimeDB did not answer; "
                "unsent data is dropped",
                self._shutdown_timeout_s,
            )


def _quietly(step: Callable[[], object]) -> None:
    try:
        step()
    except Exception as error:  # shutting down must not raise into the app
        log.warning("telemetry shutdown step failed: %s", error)


def _instruments(meter: metrics.Meter) -> dict:
    return {
        "requests": meter.create_counter(
            "agent.requests", unit="{request}", description="Agent requests"
        ),
        "tool_calls": meter.create_counter(
            "agent.tool.invocations", unit="{call}", description="Tool calls the agent made"
        ),
        "ui_elements": meter.create_up_down_counter(
            "agent.ui.elements",
            unit="{element}",
            description="UI elements live in the browser, as the UI reports them",
        ),
        "tool_duration": meter.create_histogram(
            "agent.tool.duration",
            unit="s",
            description="Tool call duration",
            explicit_bucket_boundaries_advisory=list(TOOL_DURATION_BUCKETS),
        ),
    }


def _disabled(reason: str, logger: logging.Logger) -> Observability:
    log.warning("telemetry off: %s; the agent runs without it", reason)
    tracer = trace.NoOpTracerProvider().get_tracer("agent")
    return Observability(
        enabled=False,
        reason=reason,
        tracer=tracer,
        logger=logger,
        **_instruments(metrics.NoOpMeterProvider().get_meter("agent")),
    )


def initialize_observability(
    env: Mapping[str, str] | None = None, *, logger_name: str = "agent", **overrides
) -> Observability:
    """Sets up traces, metrics and logs to GreptimeDB from `env` (default: `os.environ`).

    Never raises: without `GREPTIME_HOST`, or when setup fails, it logs one line saying why and
    returns no-op telemetry. `overrides` replace `GreptimeConfig` fields (tests use them).
    Records logged to `logger_name` (and its children) are exported, with the active span's ids.
    """
    logger = logging.getLogger(logger_name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    try:
        config = GreptimeConfig.from_env(os.environ if env is None else env)
        if config is None:
            return _disabled("GREPTIME_HOST is not set", logger)
        if overrides:
            config = GreptimeConfig(**{**config.__dict__, **overrides})
        return _setup(config, logger)
    except Exception as error:  # any setup failure means: run without telemetry
        return _disabled(f"setup failed: {type(error).__name__}: {error}", logger)


def _setup(config: GreptimeConfig, logger: logging.Logger) -> Observability:
    # Imported here: the SDK is only needed when telemetry is on.
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.logging.handler import LoggingHandler
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # The FastAPI instrumentation reads this: stable HTTP names (`http.server.request.duration`
    # in s, `http.route`) instead of the old ones with a host:port attribute per series.
    os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
    attributes = {"service.name": config.service_name}
    if config.service_version:
        attributes["service.version"] = config.service_version
    resource = Resource.create(attributes)
    timeout = config.export_timeout_s
    steps: list[Callable[[], object]] = []
    try:
        tracer_provider = TracerProvider(resource=resource)
        tracer_provider.add_span_processor(
            BatchSpanProcessor(
                OTLPSpanExporter(
                    endpoint=config.endpoint("traces"),
                    headers=config.headers("traces"),
                    timeout=timeout,
                ),
                export_timeout_millis=timeout * 1000,
            )
        )
        steps.append(tracer_provider.shutdown)

        reader = PeriodicExportingMetricReader(
            OTLPMetricExporter(
                endpoint=config.endpoint("metrics"),
                headers=config.headers("metrics"),
                timeout=timeout,
            ),
            export_interval_millis=config.metric_export_interval_ms,
            export_timeout_millis=timeout * 1000,
        )
        meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
        steps.append(meter_provider.shutdown)  # its final export counts the last requests

        logger_provider = LoggerProvider(resource=resource)
        logger_provider.add_log_record_processor(
            BatchLogRecordProcessor(
                OTLPLogExporter(
                    endpoint=config.endpoint("logs"),
                    headers=config.headers("logs"),
                    timeout=timeout,
                ),
                export_timeout_millis=timeout * 1000,
            )
        )
        # On the app's logger only: the exporters' own failure messages (urllib3, the SDK) must
        # not be exported through the exporter that is failing.
        handler = LoggingHandler(logger_provider=logger_provider)
        logger.addHandler(handler)
        steps.append(logger_provider.shutdown)
    except Exception:
        # Stop what was already started (its export threads), then report the failure.
        for step in steps:
            _quietly(step)
        raise

    reason = f"exporting to {config.base_url} (database {config.database})"
    log.info("telemetry on: %s", reason)
    return Observability(
        enabled=True,
        reason=reason,
        tracer=tracer_provider.get_tracer("agent", config.service_version),
        logger=logger,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        _detach=lambda: logger.removeHandler(handler),
        _shutdown=steps,
        _shutdown_timeout_s=timeout + 1,
        **_instruments(meter_provider.get_meter("agent", config.service_version)),
    )

"""Decode one OTLP export request with the official Python protobuf classes and store it
the way GreptimeDB would: what is accepted, what is rejected, and the reply to send."""

from __future__ import annotations

from dataclasses import dataclass, field

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTracePartialSuccess,
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

import otlp_json
from log_table import greptime_log_row
from greptime_contract import (
    Refused,
    Reply,
    decode_failure_reply,
    error_reply,
    protobuf_reply,
    rpc_status,
    unknown_database_message,
)
from trace_schema import V1, V2, TraceTables, span_columns, span_problem

REQUEST_TYPES = {
    "traces": ExportTraceServiceRequest,
    "metrics": ExportMetricsServiceRequest,
    "logs": ExportLogsServiceRequest,
}
DEFAULT_TABLES = {"traces": "opentelemetry_traces", "logs": "opentelemetry_logs", "metrics": None}
_MAX_REJECTION_DETAILS = 10


@dataclass
class IngestContext:
    seq: int
    database: str
    table: str | None
    database_exists: bool
    trace_tables: TraceTables
    pipeline: str | None = None  # the trace pipeline header; v0 is kept as v1 is


@dataclass
class Outcome:
    reply: Reply
    items: list[dict] = field(default_factory=list)  # accepted, flattened for the query API
    total: int = 0  # spans / data points / log records in the request
    rejected: int = 0
    warnings: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # span names, metric names, log bodies


def decode(signal: str, body: bytes, content_type: str | None):
    """The Export*ServiceRequest in `body`; raises Refused (400) when it does not parse."""
    message = REQUEST_TYPES[signal]()
    try:
        message.ParseFromString(body)
    except DecodeError as err:
        raise Refused(decode_failure_reply(content_type, str(err))) from None
    return message


def item_count(signal: str, message) -> int:
    """Spans, metric data points or log records in a decoded request."""
    if signal == "traces":
        return sum(len(ss.spans) for rs in message.resource_spans for ss in rs.scope_spans)
    if signal == "logs":
        return sum(len(sl.log_records) for rl in message.resource_logs for sl in rl.scope_logs)
    return sum(
        len(getattr(metric, metric.WhichOneof("data")).data_points)
        for rm in message.resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
        if metric.WhichOneof("data")
    )


def ingest(signal: str, request, context: IngestContext) -> Outcome:
    return _INGESTERS[signal](request, context)


def _success() -> Reply:
    """200 with the encoded Export*ServiceResponse{}: zero bytes."""
    return protobuf_reply(200, b"")


def _contexts(resource_holder, scope_field: str, context: IngestContext, warnings: list[str]):
    """(scope_holder, base item fields) for each scope of one Resource* message."""
    name, warning = otlp_json.service_name(resource_holder.resource)
    if warning:
        warnings.append(warning)
    resource = otlp_json.resource_json(resource_holder.resource, resource_holder.schema_url)
    for scope_holder in getattr(resource_holder, scope_field):
        yield (
            scope_holder,
            {
                "scope": otlp_json.scope_json(scope_holder.scope, scope_holder.schema_url),
                "resource": resource,
                "service_name": name,
                "request_seq": context.seq,
                "database": context.database,
            },
        )


def _unique(values) -> list:
    return list(dict.fromkeys(v for v in values if v is not None))


# -------------------------------- traces


def _ingest_traces(request, context: IngestContext) -> Outcome:
    warnings: list[str] = []
    candidates = []  # (span, base fields, resource, scope)
    for resource_spans in request.resource_spans:
        for scope_spans, base in _contexts(resource_spans, "scope_spans", context, warnings):
            for span in scope_spans.spans:
                candidates.append((span, base, resource_spans.resource, scope_spans.scope))

    rejections = []  # (span, reason)
    valid = []
    for candidate in candidates:
        problem = span_problem(candidate[0])
        if problem:
            rejections.append((candidate[0], problem))
        else:
            valid.append(candidate)

    if valid and not context.database_exists:
        reason = "Discarded after pre-write request failure: " + unknown_database_message(
            context.database
        )
        rejections.extend((span, reason) for span, *_ in valid)
        valid = []

    model = V2 if context.pipeline == V2 else V1
    conflict = valid and context.trace_tables.model_conflict(context.database, context.table, model)
    if conflict:
        rejections.extend((span, conflict) for span, *_ in valid)
        valid = []

    if model == V2:
        context.trace_tables.write_v2(context.database, context.table)
        results = [None] * len(valid)
    else:
        rows = [span_columns(resource, scope, span) for span, _, resource, scope in valid]
        results = context.trace_tables.write(context.database, context.table, rows)
    accepted = []
    for (span, base, _, _), rejection in zip(valid, results, strict=True):
        if rejection is None:
            accepted.append(otlp_json.span_json(span, base))
        else:
            rejections.append((span, rejection.reason))

    return Outcome(
        reply=_trace_reply(len(accepted), rejections),
        items=accepted,
        total=len(candidates),
        rejected=len(rejections),
        warnings=warnings,
        services=_unique(base["service_name"] for _, base, *_ in candidates),
        labels=[span["name"] for span in accepted],
    )


def _trace_reply(accepted: int, rejections: list) -> Reply:
    if not rejections:
        return _success()
    message = _rejection_message(accepted, rejections)
    if accepted == 0:
        # Total rejection: 400 with a google.rpc.Status body (GreptimeDB >= 1.1).
        return protobuf_reply(400, rpc_status(0, message), error=message)
    response = ExportTraceServiceResponse(
        partial_success=ExportTracePartialSuccess(
            rejected_spans=len(rejections), error_message=message
        )
    )
    return protobuf_reply(200, response.SerializeToString(), error=message)


def _rejection_message(accepted: int, rejections: list) -> str:
    details = [
        f"Rejected span {span.trace_id.hex()}:{span.span_id.hex()} (InvalidArguments): {reason}"
        for span, reason in rejections[:_MAX_REJECTION_DETAILS]
    ]
    if len(rejections) > _MAX_REJECTION_DETAILS:
        details.append("Trace ingest failure message limit reached")
    return f"Accepted {accepted} spans, rejected {len(rejections)} spans. " + "; ".join(details)


# -------------------------------- metrics


def _ingest_metrics(request, context: IngestContext) -> Outcome:
    warnings: list[str] = []
    points: list[dict] = []
    for resource_metrics in request.resource_metrics:
        for scope_metrics, base in _contexts(resource_metrics, "scope_metrics", context, warnings):
            for metric in scope_metrics.metrics:
                points.extend(otlp_json.metric_points(metric, base))
    return _all_or_nothing(
        points,
        context,
        warnings,
        labels=_unique(point["name"] for point in points),
    )


# -------------------------------- logs


def _ingest_logs(request, context: IngestContext) -> Outcome:
    warnings: list[str] = []
    records: list[dict] = []
    for resource_logs in request.resource_logs:
        for scope_logs, base in _contexts(resource_logs, "scope_logs", context, warnings):
            resource = resource_logs.resource if resource_logs.HasField("resource") else None
            scope = scope_logs.scope if scope_logs.HasField("scope") else None
            records.extend(
                {
                    **otlp_json.log_json(record, base),
                    # What GreptimeDB stores (no event_name column): log_table.py.
                    "greptime_row": greptime_log_row(record, resource, scope, resource_logs.schema_url, scope_logs.schema_url),
                }
                for record in scope_logs.log_records
            )
    return _all_or_nothing(
        records,
        context,
        warnings,
        labels=[_body_label(record["body"]) for record in records],
    )


def _body_label(body: dict | None) -> str:
    if body is None:
        return "<no body>"
    if body["type"] == "string":
        return repr(body["value"])
    return f"<{body['type']}>"


def _all_or_nothing(items: list[dict], context: IngestContext, warnings, labels) -> Outcome:
    """Metrics and logs never get partial success: the whole request is stored or refused."""
    services = _unique(item["service_name"] for item in items)
    if items and not context.database_exists:
        reply = error_reply(400, unknown_database_message(context.database))
        return Outcome(reply, [], len(items), len(items), warnings, services, labels)
    return Outcome(_success(), items, len(items), 0, warnings, services, labels)


_INGESTERS = {"traces": _ingest_traces, "metrics": _ingest_metrics, "logs": _ingest_logs}

"""Turn decoded OTLP protobuf messages into plain JSON-ready dicts for the query API.

Conventions (documented in README.md):
- ids are lowercase hex, "" when empty;
- *_unix_nano timestamps are decimal strings (exact);
- other 64-bit integers are JSON numbers when |v| < 2**53, else decimal strings;
- doubles NaN/Infinity/-Infinity are the strings "NaN", "Infinity", "-Infinity";
- an AnyValue is {"type": "string|bool|int|double|array|kvlist|bytes|empty", "value": ...},
  bytes as standard base64, array as a list of AnyValues, kvlist as {key: AnyValue}.
"""

from __future__ import annotations

import base64
import math

from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

_SAFE_INT = 2**53


def json_int(value: int) -> int | str:
    """An exact integer: a JSON number when JavaScript can hold it, else a string."""
    return value if -_SAFE_INT < value < _SAFE_INT else str(value)


def json_double(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def nanos(value: int) -> str:
    return str(value)


def hex_id(raw: bytes) -> str:
    return raw.hex()


def enum_name(enum_type, number: int) -> str:
    """Proto enum name such as SPAN_KIND_SERVER; "" for numbers the schema does not define."""
    try:
        return enum_type.Name(number)
    except ValueError:
        return ""


def any_value(value) -> dict:
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return {"type": "string", "value": value.string_value}
    if kind == "bool_value":
        return {"type": "bool", "value": value.bool_value}
    if kind == "int_value":
        return {"type": "int", "value": json_int(value.int_value)}
    if kind == "double_value":
        return {"type": "double", "value": json_double(value.double_value)}
    if kind == "bytes_value":
        return {"type": "bytes", "value": base64.b64encode(value.bytes_value).decode("ascii")}
    if kind == "array_value":
        return {"type": "array", "value": [any_value(v) for v in value.array_value.values]}
    if kind == "kvlist_value":
        return {"type": "kvlist", "value": attributes(value.kvlist_value.values)}
    if kind == "string_value_strindex":
        return {"type": "strindex", "value": value.string_value_strindex}
    return {"type": "empty", "value": None}


def attributes(key_values) -> dict:
    """Repeated KeyValue as {key: AnyValue}; a repeated key keeps its last value."""
    return {kv.key: any_value(kv.value) for kv in key_values}


def service_name(resource) -> tuple[str | None, str | None]:
    """GreptimeDB's service_name: `service.name`, else the first resource attribute's string value.

    Returns (name, warning); warning is set when `service.name` is missing.
    """
    for kv in resource.attributes:
        if kv.key == "service.name":
            return _string_or_none(kv.value), None
    if not resource.attributes:
        return None, "resource has no service.name and no attributes: service_name is NULL"
    first = resource.attributes[0]
    name = _string_or_none(first.value)
    return name, (
        f"resource has no service.name: GreptimeDB uses the first resource attribute "
        f"'{first.key}' as service_name ({name!r})"
    )


def _string_or_none(value) -> str | None:
    return value.string_value if value.WhichOneof("value") == "string_value" else None


def resource_json(resource, schema_url: str) -> dict:
    return {
        "attributes": attributes(resource.attributes),
        "dropped_attributes_count": resource.dropped_attributes_count,
        "schema_url": schema_url,
    }


def scope_json(scope, schema_url: str) -> dict:
    return {
        "name": scope.name,
        "version": scope.version,
        "attributes": attributes(scope.attributes),
        "dropped_attributes_count": scope.dropped_attributes_count,
        "schema_url": schema_url,
    }


# -------------------------------- traces


def span_json(span, context: dict) -> dict:
    """One span; `context` carries resource, scope, service_name, request_seq and database."""
    status = (
        {
            "code": enum_name(trace_pb2.Status.StatusCode, span.status.code),
            "message": span.status.message,
        }
        if span.HasField("status")
        # GreptimeDB stores "" as span_status_code when the span carries no Status.
        else {"code": "", "message": ""}
    )
    return {
        "trace_id": hex_id(span.trace_id),
        "span_id": hex_id(span.span_id),
        "parent_span_id": hex_id(span.parent_span_id),
        "trace_state": span.trace_state,
        "name": span.name,
        "kind": enum_name(trace_pb2.Span.SpanKind, span.kind),
        "start_time_unix_nano": nanos(span.start_time_unix_nano),
        "end_time_unix_nano": nanos(span.end_time_unix_nano),
        "duration_nano": json_int(span.end_time_unix_nano - span.start_time_unix_nano),
        "attributes": attributes(span.attributes),
        "events": [
            {
                "name": event.name,
                "time_unix_nano": nanos(event.time_unix_nano),
                "attributes": attributes(event.attributes),
                "dropped_attributes_count": event.dropped_attributes_count,
            }
            for event in span.events
        ],
        "links": [
            {
                "trace_id": hex_id(link.trace_id),
                "span_id": hex_id(link.span_id),
                "trace_state": link.trace_state,
                "attributes": attributes(link.attributes),
                "dropped_attributes_count": link.dropped_attributes_count,
                "flags": link.flags,
            }
            for link in span.links
        ],
        "status": status,
        "dropped_attributes_count": span.dropped_attributes_count,
        "dropped_events_count": span.dropped_events_count,
        "dropped_links_count": span.dropped_links_count,
        "flags": span.flags,
        **context,
    }


# -------------------------------- metrics


def metric_points(metric, context: dict) -> list[dict]:
    """One dict per data point of `metric`."""
    kind = metric.WhichOneof("data")
    if kind is None:
        return []
    data = getattr(metric, kind)
    common = {
        "name": metric.name,
        "description": metric.description,
        "unit": metric.unit,
        "type": kind,
        "is_monotonic": data.is_monotonic if kind == "sum" else None,
        "aggregation_temporality": (
            enum_name(metrics_pb2.AggregationTemporality, data.aggregation_temporality)
            if kind in ("sum", "histogram", "exponential_histogram")
            else None
        ),
        "metadata": attributes(metric.metadata),
        # GreptimeDB accepts exponential histograms with 200 and silently drops them.
        "dropped_by_greptimedb": kind == "exponential_histogram",
    }
    point_fields = _POINT_FIELDS[kind]
    return [
        {
            **common,
            "attributes": attributes(point.attributes),
            "start_time_unix_nano": nanos(point.start_time_unix_nano),
            "time_unix_nano": nanos(point.time_unix_nano),
            "flags": point.flags,
            **point_fields(point),
            **context,
        }
        for point in data.data_points
    ]


def _optional_double(point, field: str):
    return json_double(getattr(point, field)) if point.HasField(field) else None


def _number_point(point) -> dict:
    which = point.WhichOneof("value")
    if which == "as_int":
        value, value_type = json_int(point.as_int), "int"
    elif which == "as_double":
        value, value_type = json_double(point.as_double), "double"
    else:
        value, value_type = None, None
    return {"value": value, "value_type": value_type, "exemplar_count": len(point.exemplars)}


def _histogram_point(point) -> dict:
    return {
        "count": json_int(point.count),
        "sum": _optional_double(point, "sum"),
        "bucket_counts": [json_int(c) for c in point.bucket_counts],
        "explicit_bounds": [json_double(b) for b in point.explicit_bounds],
        "min": _optional_double(point, "min"),
        "max": _optional_double(point, "max"),
        "exemplar_count": len(point.exemplars),
    }


def _buckets(buckets) -> dict:
    return {"offset": buckets.offset, "bucket_counts": [json_int(c) for c in buckets.bucket_counts]}


def _exponential_point(point) -> dict:
    return {
        "count": json_int(point.count),
        "sum": _optional_double(point, "sum"),
        "scale": point.scale,
        "zero_count": json_int(point.zero_count),
        "zero_threshold": json_double(point.zero_threshold),
        "positive": _buckets(point.positive),
        "negative": _buckets(point.negative),
        "min": _optional_double(point, "min"),
        "max": _optional_double(point, "max"),
        "exemplar_count": len(point.exemplars),
    }


def _summary_point(point) -> dict:
    return {
        "count": json_int(point.count),
        "sum": json_double(point.sum),
        "quantile_values": [
            {"quantile": json_double(q.quantile), "value": json_double(q.value)}
            for q in point.quantile_values
        ],
    }


_POINT_FIELDS = {
    "gauge": _number_point,
    "sum": _number_point,
    "histogram": _histogram_point,
    "exponential_histogram": _exponential_point,
    "summary": _summary_point,
}


# -------------------------------- logs


def log_json(record, context: dict) -> dict:
    # GreptimeDB's timestamp column: time_unix_nano, or observed_time_unix_nano when it is 0.
    timestamp = record.time_unix_nano or record.observed_time_unix_nano
    return {
        "time_unix_nano": nanos(record.time_unix_nano),
        "observed_time_unix_nano": nanos(record.observed_time_unix_nano),
        "timestamp_unix_nano": nanos(timestamp),
        "severity_number": record.severity_number,
        "severity_number_name": enum_name(logs_pb2.SeverityNumber, record.severity_number),
        "severity_text": record.severity_text,
        "body": any_value(record.body) if record.HasField("body") else None,
        "attributes": attributes(record.attributes),
        "dropped_attributes_count": record.dropped_attributes_count,
        "flags": record.flags,
        "trace_id": hex_id(record.trace_id),
        "span_id": hex_id(record.span_id),
        "event_name": record.event_name,
        **context,
    }

"""The row GreptimeDB's default OTLP log mapping stores for a log record.

Read from GreptimeDB's source (`src/servers/src/otlp/logs.rs`, `build_otlp_logs_identity_schema`
and `build_otlp_build_in_row`, main @ 7fd0a7bb, 2026-08-21): the columns are timestamp, trace_id,
span_id, severity_text, severity_number, body, log_attributes (JSON), trace_flags, scope_name,
scope_version, scope_attributes, scope_schema_url, resource_attributes, resource_schema_url.
There is **no event_name column**, and the pipeline value (`log_to_pipeline_value`) has none
either: the OTLP `event_name` field is dropped. An event stays queryable only through an
attribute, which lands in `log_attributes` (`json_get_string(log_attributes, 'event.name')`).

Modelled here: every column except body, whose text form is not needed by the tests; the JSON
columns as plain JSON values (GreptimeDB's `key_value_to_jsonb`: a repeated key keeps its last
value, kvlists become objects, arrays arrays).
"""

import base64


def _json(value):
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_json(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return _object(value.kvlist_value.values)
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    return getattr(value, kind)


def _object(key_values) -> dict:
    return {kv.key: _json(kv.value) for kv in key_values}


def greptime_log_row(record, resource, scope, resource_schema_url: str, scope_schema_url: str) -> dict:
    return {
        "timestamp": str(record.time_unix_nano or record.observed_time_unix_nano),
        "trace_id": record.trace_id.hex(),
        "span_id": record.span_id.hex(),
        "severity_text": record.severity_text,
        "severity_number": record.severity_number,
        "log_attributes": _object(record.attributes),
        "trace_flags": record.flags,
        "scope_name": scope.name if scope is not None else None,
        "scope_version": scope.version if scope is not None else None,
        "scope_attributes": _object(scope.attributes) if scope is not None else None,
        "scope_schema_url": scope_schema_url,
        "resource_attributes": _object(resource.attributes) if resource is not None else None,
        "resource_schema_url": resource_schema_url,
    }

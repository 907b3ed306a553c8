"""How GreptimeDB's `greptime_trace_v1` model stores spans, reduced to what can reject one.

- Structural checks on ids, times and names (`span_problem`).
- Typed attribute columns: every `span_attributes.<key>`, `scope_attributes.<key>` and
  `resource_attributes.<key>` is a column whose type is fixed by the first value written
  (or by the semantic conventions for stable keys). Later values are coerced or the span is
  rejected, mirroring `servers/src/otlp/coerce.rs` and `frontend/.../trace_reconcile.rs`:
  a request is first planned as one batch; if that fails, spans are retried one by one so
  only the offending spans are rejected (GreptimeDB's partial success).
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal

STRING, BOOLEAN, INT64, FLOAT64, BINARY, JSON = (
    "String",
    "Boolean",
    "Int64",
    "Float64",
    "Binary",
    "Json",
)

# (request type, column type) pairs that coerce (coerce.rs `is_supported_trace_coercion`).
_COERCIBLE = {
    (INT64, FLOAT64),
    (INT64, STRING),
    (FLOAT64, STRING),
    (BOOLEAN, STRING),
    (STRING, INT64),
    (STRING, FLOAT64),
    (STRING, BOOLEAN),
}

# New columns fed several types in one request take the first of these that all coerce to.
_NEW_COLUMN_PREFERENCE = (BOOLEAN, INT64, FLOAT64, STRING)


def _fixed(type_, keys: str) -> dict[str, str]:
    return {key: type_ for key in keys.split()}


# Stable semantic-convention keys with a fixed column type (trace_semconv.rs).
SEMCONV_FIXED_TYPES = {
    **{
        f"span_attributes.{key}": type_
        for key, type_ in {
            **_fixed(
                STRING,
                "client.address server.address network.local.address network.peer.address "
                "network.protocol.name network.protocol.version network.transport network.type "
                "http.request.method http.request.method_original http.route url.full url.path "
                "url.query url.scheme user_agent.original rpc.method rpc.system rpc.system.name "
                "rpc.method_original rpc.response.status_code db.collection.name db.namespace "
                "db.operation.name db.query.summary db.query.text db.response.status_code "
                "db.stored_procedure.name db.system.name error.type",
            ),
            **_fixed(
                INT64,
                "client.port server.port network.local.port network.peer.port "
                "http.request.resend_count http.response.status_code db.operation.batch_size",
            ),
        }.items()
    },
    **{
        f"resource_attributes.{key}": type_
        for key, type_ in {
            **_fixed(
                STRING,
                "service.name service.instance.id service.namespace service.version "
                "telemetry.sdk.language telemetry.sdk.name telemetry.sdk.version container.id "
                "user_agent.original k8s.cluster.name k8s.cluster.uid k8s.container.name "
                "k8s.cronjob.name k8s.cronjob.uid k8s.daemonset.name k8s.daemonset.uid "
                "k8s.deployment.name k8s.deployment.uid k8s.job.name k8s.job.uid "
                "k8s.namespace.name k8s.node.name k8s.node.uid k8s.pod.name k8s.pod.uid "
                "k8s.replicaset.name k8s.replicaset.uid k8s.statefulset.name k8s.statefulset.uid "
                "k8s.pod.hostname k8s.pod.ip k8s.pod.start_time",
            ),
            **_fixed(INT64, "k8s.container.restart_count"),
        }.items()
    },
}


# -------------------------------- structural checks


def span_problem(span) -> str | None:
    """Why GreptimeDB (or this receiver's stricter reading) would not store `span`, else None."""
    if len(span.trace_id) != 16:
        return f"trace_id must be 16 bytes, got {len(span.trace_id)}"
    if not any(span.trace_id):
        return "trace_id must not be all zeros"
    if len(span.span_id) != 8:
        return f"span_id must be 8 bytes, got {len(span.span_id)}"
    if not any(span.span_id):
        return "span_id must not be all zeros"
    if len(span.parent_span_id) not in (0, 8):
        return f"parent_span_id must be empty or 8 bytes, got {len(span.parent_span_id)}"
    if span.end_time_unix_nano < span.start_time_unix_nano:
        # duration_nano is an unsigned column: a negative duration cannot be written.
        return (
            f"end_time_unix_nano {span.end_time_unix_nano} is before "
            f"start_time_unix_nano {span.start_time_unix_nano}"
        )
    if not span.name:
        return "span name must not be empty"
    return None


# -------------------------------- typed columns


def span_columns(resource, scope, span) -> dict[str, tuple[str, object]]:
    """The flattened attribute columns of one span: {column: (type, value)}; nulls left out."""
    columns: dict[str, tuple[str, object]] = {}
    resource_attrs = [kv for kv in resource.attributes if kv.key != "service.name"]
    for prefix, key_values in (
        ("resource_attributes.", resource_attrs),
        ("scope_attributes.", scope.attributes),
        ("span_attributes.", span.attributes),
    ):
        for kv in key_values:
            typed = _typed_value(kv.value)
            if typed is not None:
                columns[prefix + kv.key] = typed
    return columns


def _typed_value(value) -> tuple[str, object] | None:
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return STRING, value.string_value
    if kind == "bool_value":
        return BOOLEAN, value.bool_value
    if kind == "int_value":
        return INT64, value.int_value
    if kind == "double_value":
        return FLOAT64, value.double_value
    if kind == "bytes_value":
        return BINARY, value.bytes_value
    if kind in ("array_value", "kvlist_value"):
        return JSON, None
    return None  # empty AnyValue (or a field GreptimeDB's protobuf does not know): NULL


class ColumnRejection(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


V1, V2 = "greptime_trace_v1", "greptime_trace_v2"
# greptime_trace_v2 (GreptimeDB 1.3+, PRs #9192 and #9232): a fixed schema whose attributes live
# in three JSON2 columns, so a span never adds or coerces a column. Only these are kept here.
V2_ATTRIBUTE_COLUMNS = {
    "span_attributes": JSON,
    "scope_attributes": JSON,
    "resource_attributes": JSON,
}


class TraceTables:
    """Column types of every trace table written so far, per (database, table), and the data
    model each table was created with."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tables: dict[tuple[str, str], dict[str, str]] = {}
        self._models: dict[tuple[str, str], str] = {}

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()
            self._models.clear()

    def model_conflict(self, database: str, table: str, model: str) -> str | None:
        """Why `table` refuses spans of `model` (it was created by the other one), else None.
        GreptimeDB checks the table's `table_data_model` option before any schema change; the
        wording here is ours (PR #9192 does not quote it)."""
        with self._lock:
            existing = self._models.setdefault((database, table), model)
        if existing == model:
            return None
        return (
            f"table '{table}' uses trace data model {existing}; "
            f"spans sent with pipeline {model} cannot be written to it"
        )

    def write_v2(self, database: str, table: str) -> None:
        """v2 rows: the fixed JSON attribute columns, nothing per key."""
        with self._lock:
            self._tables.setdefault((database, table), {}).update(V2_ATTRIBUTE_COLUMNS)

    def snapshot(self) -> dict:
        with self._lock:
            return {
                f"{database}.{table}": dict(sorted(columns.items()))
                for (database, table), columns in sorted(self._tables.items())
            }

    def write(self, database: str, table: str, rows: list[dict]) -> list[ColumnRejection | None]:
        """Store the rows' columns; per row, None when stored or the rejection."""
        with self._lock:
            columns = self._tables.setdefault((database, table), {})
            try:
                columns.update(_plan(rows, columns, table))
                return [None] * len(rows)
            except ColumnRejection:
                pass
            results: list[ColumnRejection | None] = []
            for row in rows:
                try:
                    columns.update(_plan([row], columns, table))
                    results.append(None)
                except ColumnRejection as rejection:
                    results.append(rejection)
            return results


def _plan(rows: list[dict], existing: dict[str, str], table: str) -> dict[str, str]:
    """Target type per column for writing `rows` together; raises ColumnRejection."""
    observed: dict[str, list[str]] = {}
    for row in rows:
        for column, (type_, _) in row.items():
            types = observed.setdefault(column, [])
            if type_ not in types:
                types.append(type_)
    targets = {
        column: _choose_type(column, types, existing.get(column), table)
        for column, types in observed.items()
    }
    for row in rows:
        for column, (type_, value) in row.items():
            target = targets[column]
            if type_ != target and not _coerces(value, type_, target):
                raise ColumnRejection(
                    column,
                    f"failed to coerce trace column '{column}' in table '{table}' "
                    f"from {_describe(type_, value)} to {target}",
                )
    return targets


def _choose_type(column: str, observed: list[str], existing: str | None, table: str) -> str:
    numeric = set(observed) <= {INT64, FLOAT64}
    fixed = SEMCONV_FIXED_TYPES.get(column)
    if fixed is not None:
        if existing in (None, fixed):
            return fixed
        if fixed == FLOAT64 and existing == INT64 and numeric:
            return FLOAT64
    elif existing is None:
        if len(observed) == 1:
            return observed[0]
        for target in _NEW_COLUMN_PREFERENCE:
            if target in observed and all(_type_coerces(t, target) for t in observed):
                return target
    elif all(_type_coerces(t, existing) for t in observed):
        return existing
    elif existing == INT64 and FLOAT64 in observed and numeric:
        return FLOAT64  # an Int64 column widens to Float64
    against = f" against existing {existing}" if existing else ""
    raise ColumnRejection(
        column,
        f"failed to reconcile trace column '{column}' in table '{table}' "
        f"with observed types [{', '.join(observed)}]{against}",
    )


def _type_coerces(source: str, target: str) -> bool:
    return source == target or (source, target) in _COERCIBLE


_RUST_I64 = re.compile(r"[+-]?[0-9]+")
_RUST_F64 = re.compile(
    r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)", re.I
)


def _coerces(value, source: str, target: str) -> bool:
    """Whether one value converts, with Rust's `str::parse` rules for strings."""
    if (source, target) not in _COERCIBLE:
        return False
    if source != STRING:
        return True
    if target == INT64:
        return bool(_RUST_I64.fullmatch(value)) and -(2**63) <= int(value) < 2**63
    if target == FLOAT64:
        return bool(_RUST_F64.fullmatch(value))
    return value in ("true", "false")  # BOOLEAN


def _describe(type_: str, value) -> str:
    """The failing value as GreptimeDB prints it, e.g. String("abc"), Float64(1.5)."""
    if type_ == STRING:
        shown = value if len(value) <= 16 else value[:16] + "..."
        return f"{type_}({json.dumps(shown, ensure_ascii=False)})"
    if type_ == BOOLEAN:
        return f"{type_}({'true' if value else 'false'})"
    if type_ == INT64:
        return f"{type_}({value})"
    if type_ == FLOAT64:
        return f"{type_}({_rust_float(value)})"
    if type_ == BINARY:
        return f"{type_}({len(value)} bytes)"
    return type_


def _rust_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return format(Decimal(repr(value)).normalize(), "f")

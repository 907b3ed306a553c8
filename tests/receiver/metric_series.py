"""What GreptimeDB would store for OTLP metrics: one table per metric, one row per
(tags, millisecond), so that tests can compute what a SQL or PromQL query would return.

Modelled on GreptimeDB's `src/servers/src/otlp/metrics.rs` (Prometheus-compatible mode, the
default since v0.16; read at GreptimeTeam/greptimedb eabec397 and described in
/work/shared/greptimedb-otlp.md):

- table name: the metric name split on every non-[A-Za-z0-9] character and joined with `_`,
  plus a unit suffix (`ms` -> `milliseconds`, `By` -> `bytes`, `{call}` -> none, `a/b` ->
  `a_per_b`), `_total` for a monotonic sum, `_ratio` for a gauge with unit `1`, a `_` before a
  leading digit; histograms become `<name>_bucket` (tag `le`, cumulative counts, `+Inf` as
  `inf`), `<name>_sum` (when the point has a sum) and `<name>_count`;
- tags: the resource attributes in `DEFAULT_PROMOTE_ATTRS` plus `job` (from `service.name`)
  and `instance` (from `service.instance.id`), then the data point's attributes; only string,
  int and double values are kept (bool, array, kvlist, bytes are dropped without a word);
  label names have every non-alphanumeric character replaced by `_`;
- timestamp: `time_unix_nano` cut to milliseconds; a row with the same table, tags and
  millisecond as an earlier one replaces it (GreptimeDB's primary key + time index);
- temporality is ignored: delta points are stored as sent.
"""

from __future__ import annotations

import math
import re
import threading

DEFAULT_PROMOTE_ATTRS = frozenset(
    [
        "service.instance.id",
        "service.name",
        "service.namespace",
        "service.version",
        "cloud.availability_zone",
        "cloud.region",
        "container.name",
        "deployment.environment",
        "deployment.environment.name",
        "k8s.cluster.name",
        "k8s.container.name",
        "k8s.cronjob.name",
        "k8s.daemonset.name",
        "k8s.deployment.name",
        "k8s.job.name",
        "k8s.namespace.name",
        "k8s.pod.name",
        "k8s.replicaset.name",
        "k8s.statefulset.name",
    ]
)
_UNITS = {
    "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds",
    "us": "microseconds", "ns": "nanoseconds", "By": "bytes", "KiBy": "kibibytes",
    "MiBy": "mebibytes", "GiBy": "gibibytes", "TiBy": "tibibytes", "KBy": "kilobytes",
    "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes", "m": "meters", "V": "volts",
    "A": "amperes", "J": "joules", "W": "watts", "g": "grams", "Cel": "celsius", "Hz": "hertz",
    "1": "", "%": "percent",
}  # fmt: skip
_PER_UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}
_NON_ALNUM = re.compile(r"[^a-zA-Z0-9]")


def rust_f64(value: float) -> str:
    """A double as Rust's `f64` Display writes it (`10`, `2.5`, `inf`), as GreptimeDB's tags hold it."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _unit_token(unit: str, table: dict) -> str | None:
    unit = unit.strip()
    if not unit or (unit.startswith("{") and unit.endswith("}")):
        return None
    token = "_".join(p for p in _NON_ALNUM.split(table.get(unit, unit)) if p)
    return token or None


def table_name(name: str, unit: str, kind: str, monotonic: bool) -> str:
    """GreptimeDB's default (`UnderscoreEscapingWithSuffixes`) table name for a metric."""
    tokens = [t for t in _NON_ALNUM.split(name) if t]
    if unit:
        main, _, per = unit.partition("/")
        main_token, per_token = _unit_token(main, _UNITS), _unit_token(per, _PER_UNITS)
        if main_token and main_token not in tokens:
            tokens.append(main_token)
        if per_token and per_token not in tokens:
            tokens += ["per", per_token]
    if kind == "sum" and monotonic:
        tokens = [t for t in tokens if t != "total"] + ["total"]
    if kind == "gauge" and unit == "1":
        tokens = [t for t in tokens if t != "ratio"] + ["ratio"]
    joined = "_".join(tokens)
    return "_" + joined if joined[:1].isdigit() else joined


def label_name(key: str) -> str:
    label = _NON_ALNUM.sub("_", key)
    if label[:1].isdigit():
        return "key_" + label
    if label.startswith("_") and not label.startswith("__"):
        return "key" + label
    return label


def tag_value(any_value: dict) -> str | None:
    """A tag's text for an AnyValue in the receiver's JSON form; None when GreptimeDB drops it."""
    kind, value = any_value["type"], any_value["value"]
    if kind == "string":
        return value
    if kind == "int":
        return str(int(value))
    if kind == "double":
        return rust_f64(float(value))
    return None  # bool, array, kvlist, bytes, empty


def _tags(resource: dict, point: dict) -> dict[str, str]:
    tags: dict[str, str] = {}
    extra = {"service.name": "job", "service.instance.id": "instance"}
    aliases = {}
    for key, value in resource.items():
        if key in extra:
            aliases[extra[key]] = value
        if key in DEFAULT_PROMOTE_ATTRS and (text := tag_value(value)) is not None:
            tags[label_name(key)] = text
    for alias, value in aliases.items():
        if (text := tag_value(value)) is not None:
            tags[alias] = text
    for key, value in point.items():
        if (text := tag_value(value)) is not None:
            tags[label_name(key)] = text
    return tags


def greptime_rows(point: dict) -> list[tuple[str, dict[str, str], int, float]]:
    """(table, tags, millisecond, value) rows GreptimeDB writes for one receiver metric point."""
    kind = point["type"]
    if kind not in ("sum", "gauge", "histogram"):
        return []  # exponential histograms are dropped; summaries are never sent by this SDK
    table = table_name(point["name"], point["unit"], kind, bool(point.get("is_monotonic")))
    tags = _tags(point["resource"]["attributes"], point["attributes"])
    ms = int(point["time_unix_nano"]) // 1_000_000
    if kind != "histogram":
        return [] if point["value"] is None else [(table, tags, ms, float(point["value"]))]
    rows = []
    cumulative = 0
    bounds = [float(b) for b in point["explicit_bounds"]]
    for i, count in enumerate(point["bucket_counts"]):
        if i > len(bounds):
            break
        cumulative += int(count)
        le = rust_f64(bounds[i]) if i < len(bounds) else "inf"
        rows.append((f"{table}_bucket", {**tags, "le": le}, ms, float(cumulative)))
    if point["sum"] is not None:
        rows.append((f"{table}_sum", tags, ms, float(point["sum"])))
    rows.append((f"{table}_count", tags, ms, float(int(point["count"]))))
    return rows


class MetricTables:
    """Rows per (database, table), keyed as GreptimeDB keys them: a same-key write overwrites."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rows: dict[tuple, float] = {}

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def write(self, database: str, points: list[dict]) -> None:
        with self._lock:
            for point in points:
                for table, tags, ms, value in greptime_rows(point):
                    key = (database, table, tuple(sorted(tags.items())), ms)
                    self._rows.pop(key, None)  # re-inserted last: the latest write wins
                    self._rows[key] = value

    def rows(self, database: str | None = None, table: str | None = None) -> list[dict]:
        with self._lock:
            items = list(self._rows.items())
        return [
            {"database": db, "table": t, "tags": dict(tags), "timestamp_ms": ms, "value": value}
            for (db, t, tags, ms), value in items
            if database in (None, db) and table in (None, t)
        ]

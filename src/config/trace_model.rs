//! `traceModel`: GreptimeDB's trace data model, chosen per request by the pipeline header.
//!
//! - `v1` (`greptime_trace_v1`, the default and what every GreptimeDB since 0.14 accepts): each
//!   attribute key becomes a typed column (`span_attributes.url.full`), so many distinct keys
//!   mean many columns.
//! - `v2` (`greptime_trace_v2`, GreptimeDB 1.3+): a fixed schema with `span_attributes`,
//!   `scope_attributes` and `resource_attributes` as JSON columns. GreptimeDB refuses to write
//!   one model into a table created by the other, so v2 gets a table of its own by default.

use super::RawValue;

/// GreptimeDB's default trace table, which holds the v1 model unless an operator made it v2.
pub const V1_DEFAULT_TABLE: &str = "opentelemetry_traces";
/// Our default for v2 (GreptimeDB's default name is taken by v1 tables in existing installs).
pub const V2_DEFAULT_TABLE: &str = "opentelemetry_traces_v2";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TraceModel {
    #[default]
    V1,
    V2,
}

impl TraceModel {
    /// The `x-greptime-pipeline-name` value that selects this model.
    pub fn pipeline(self) -> &'static str {
        match self {
            TraceModel::V1 => "greptime_trace_v1",
            TraceModel::V2 => "greptime_trace_v2",
        }
    }
}

/// Reads `traceModel` and settles the trace table: v2 without `traceTable` gets
/// [`V2_DEFAULT_TABLE`]; v1 without it sends no table header (GreptimeDB's default).
pub fn read(raw: &RawValue, trace_table: &mut Option<String>, warnings: &mut Vec<String>) -> TraceModel {
    let model = match raw {
        RawValue::Missing => TraceModel::V1,
        RawValue::String(s) if s == "v1" => TraceModel::V1,
        RawValue::String(s) if s == "v2" => TraceModel::V2,
        other => {
            let got = match other {
                RawValue::String(s) => format!("\"{s}\""),
                other => other.type_name().to_owned(),
            };
            warnings.push(format!("`traceModel` must be 'v1' or 'v2', got {got}; using 'v1'"));
            TraceModel::V1
        }
    };
    if model == TraceModel::V2 {
        match trace_table.as_deref() {
            None => *trace_table = Some(V2_DEFAULT_TABLE.to_owned()),
            Some(V1_DEFAULT_TABLE) => warnings.push(format!(
                "`traceModel` 'v2' with `traceTable` \"{V1_DEFAULT_TABLE}\": that is GreptimeDB's default v1 table, and GreptimeDB rejects v2 spans written into a v1 table; leave `traceTable` unset to use \"{V2_DEFAULT_TABLE}\""
            )),
            Some(_) => {}
        }
    }
    model
}

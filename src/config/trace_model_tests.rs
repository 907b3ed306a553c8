//! `traceModel`: which of GreptimeDB's trace data models spans are written in, and the table
//! each one defaults to (the two models cannot share a table).

use super::*;
use crate::export::greptime_contract::{export_headers, Signal};

fn with(extra: Vec<(&'static str, RawValue)>) -> ConfigReport {
    let mut entries = vec![("endpoint", RawValue::str("http://localhost:4000")), ("serviceName", RawValue::str("web"))];
    entries.extend(extra);
    parse(&RawValue::object(entries))
}

fn trace_header(report: ConfigReport, name: &str) -> Option<String> {
    let config = report.config.unwrap();
    export_headers(&config, Signal::Traces).into_iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

#[test]
fn default_model_is_v1_in_greptimedbs_default_table() {
    let report = with(vec![]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(trace_header(with(vec![]), "x-greptime-pipeline-name").as_deref(), Some("greptime_trace_v1"));
    // No table header: GreptimeDB's own default, opentelemetry_traces.
    assert_eq!(trace_header(with(vec![]), "x-greptime-trace-table-name"), None);
    let explicit = with(vec![("traceModel", RawValue::str("v1"))]);
    assert!(explicit.warnings.is_empty(), "{:?}", explicit.warnings);
    assert_eq!(trace_header(explicit, "x-greptime-pipeline-name").as_deref(), Some("greptime_trace_v1"));
}

#[test]
fn v2_sends_its_pipeline_and_its_own_default_table() {
    let report = with(vec![("traceModel", RawValue::str("v2"))]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(trace_header(with(vec![("traceModel", RawValue::str("v2"))]), "x-greptime-pipeline-name").as_deref(), Some("greptime_trace_v2"));
    assert_eq!(
        trace_header(with(vec![("traceModel", RawValue::str("v2"))]), "x-greptime-trace-table-name").as_deref(),
        Some("opentelemetry_traces_v2")
    );
    let named = with(vec![("traceModel", RawValue::str("v2")), ("traceTable", RawValue::str("web_spans"))]);
    assert_eq!(trace_header(named, "x-greptime-trace-table-name").as_deref(), Some("web_spans"));
    // Logs and metrics are not affected.
    let config = with(vec![("traceModel", RawValue::str("v2"))]).config.unwrap();
    assert!(!export_headers(&config, Signal::Logs).iter().any(|(n, _)| n == "x-greptime-pipeline-name"));
}

#[test]
fn v2_into_the_v1_default_table_is_flagged() {
    let report = with(vec![("traceModel", RawValue::str("v2")), ("traceTable", RawValue::str("opentelemetry_traces"))]);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("opentelemetry_traces") && report.warnings[0].contains("v1"), "{:?}", report.warnings);
    // Sent as configured: the table may really be a v2 table the operator created.
    assert_eq!(trace_header(report, "x-greptime-trace-table-name").as_deref(), Some("opentelemetry_traces"));
}

#[test]
fn unknown_model_warns_and_keeps_v1() {
    for (raw, shown) in
        [(RawValue::str("v3"), "\"v3\""), (RawValue::str("greptime_trace_v2"), "\"greptime_trace_v2\""), (RawValue::Number(2.0), "number")]
    {
        let report = with(vec![("traceModel", raw)]);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        let w = &report.warnings[0];
        assert!(w.contains("traceModel") && w.contains(shown) && w.contains("'v1'") && w.contains("'v2'"), "{w}");
        assert_eq!(trace_header(report, "x-greptime-pipeline-name").as_deref(), Some("greptime_trace_v1"));
    }
}

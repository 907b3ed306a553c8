//! Encodes what is ready for export as OTLP requests: one Resource (this page), one scope
//! entry per instrumentation scope (tracer, logger, meter), items in the order they arrived.

use crate::ingest::proto_writer::{framed_len, Encoded, ProtoWriter};
use crate::pipeline::batch_queue::Batch;
#[allow(unused_imports)]
use crate::prelude::*;

/// Spans and log records arrive already encoded (`ingest::span_records`, `ingest::log_records`)
/// and framed as `ScopeSpans.spans` / `ScopeLogs.log_records` entries (`pipeline::batch_queue`),
/// so a trace or log request is the envelope written around runs of their bytes:
/// ExportTraceServiceRequest 1 → ResourceSpans {1 resource, 2 scope_spans} → ScopeSpans
/// {1 scope, 2 spans}, and ExportLogsServiceRequest has the same layout (ResourceLogs
/// {1 resource, 2 scope_logs}, ScopeLogs {1 scope, 2 log_records}). `resource` is the content of
/// the Resource message (`resource::resource_from_attributes`).
pub fn encode_items(resource: &Encoded, batch: Batch) -> Vec<u8> {
    envelope(resource, batch)
}

/// Metrics are written as they are collected (`pipeline::metric_encode`);
/// ExportMetricsServiceRequest has the same layout again (ResourceMetrics {1 resource,
/// 2 scope_metrics}, ScopeMetrics {1 scope, 2 metrics}).
pub fn encode_metrics(resource: &Encoded, metrics: Batch) -> Vec<u8> {
    envelope(resource, metrics)
}

/// One scope entry per scope that has items, scopes in first-seen order, each scope's items in
/// the order they arrived. Lengths are added up first so every byte is written once, in place;
/// consecutive items of a scope are copied as one run (with a single tracer, the whole batch).
fn envelope(resource: &Encoded, batch: Batch) -> Vec<u8> {
    // Per scope with items: its InstrumentationScope (1 name, 2 version; present even when both
    // are empty) and the length of its items.
    // A plain loop: `filter_map(…).collect()` was an iterator of its own in the .wasm.
    let mut groups: Vec<(u32, Vec<u8>, usize)> = Vec::new();
    for (index, key) in (0u32..).zip(&batch.scopes) {
        let items: usize = batch.items.iter().filter(|&&(s, _)| s == index).map(|&(_, len)| len as usize).sum();
        if items > 0 {
            let mut scope = ProtoWriter::default();
            scope.bytes(1, &key.name);
            scope.bytes(2, &key.version);
            groups.push((index, scope.buf, items));
        }
    }
    let group_len = |scope: &[u8], items: usize| framed_len(1, scope.len()) + items;
    let content = framed_len(1, resource.0.len()) + groups.iter().map(|(_, scope, items)| framed_len(2, group_len(scope, *items))).sum::<usize>();
    let total = framed_len(1, content);
    let mut w = ProtoWriter::with_capacity(total);
    w.message_header(1, content);
    w.bytes_always(1, &resource.0);
    for (index, scope, items) in groups {
        w.message_header(2, group_len(&scope, items));
        w.bytes_always(1, &scope);
        let (mut at, mut run) = (0, 0..0);
        for &(s, len) in &batch.items {
            let end = at + len as usize;
            if s == index {
                if run.end != at {
                    w.buf.extend_from_slice(&batch.bytes[run]);
                    run = at..at;
                }
                run.end = end;
            }
            at = end;
        }
        w.buf.extend_from_slice(&batch.bytes[run]);
    }
    debug_assert_eq!(w.buf.len(), total);
    w.buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record_reader::ScopeKey;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
    use opentelemetry_proto::tonic::metrics::v1::Metric;
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use opentelemetry_proto::tonic::trace::v1::Span;
    use prost::Message;

    #[test]
    fn groups_spans_by_scope_under_one_resource() {
        let resource = Resource {
            attributes: vec![KeyValue {
                key: "service.name".into(),
                value: Some(AnyValue { value: Some(any_value::Value::StringValue("web".into())) }),
                ..Default::default()
            }],
            ..Default::default()
        };
        let span = |name: &str| Span { name: name.into(), trace_id: vec![1; 16], span_id: vec![2; 8], ..Default::default() }.encode_to_vec();
        let mut batch = Batch {
            scopes: vec![
                ScopeKey { name: "a".into(), version: "1".into() },
                ScopeKey { name: "b".into(), version: Vec::new() },
                ScopeKey { name: "unused".into(), version: Vec::new() },
                ScopeKey { name: Vec::new(), version: Vec::new() },
            ],
            ..Default::default()
        };
        for (scope, name) in [(0, "w"), (0, "x"), (1, "y"), (0, "z"), (3, "anonymous"), (1, "v")] {
            batch.push(scope, &span(name));
        }
        let bytes = encode_items(&Encoded(resource.encode_to_vec()), batch);
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded.encode_to_vec(), bytes, "byte for byte what prost encodes");
        assert_eq!(decoded.resource_spans.len(), 1);
        let rs = &decoded.resource_spans[0];
        assert_eq!(rs.resource.as_ref().unwrap(), &resource);
        let names: Vec<(String, Vec<String>)> =
            rs.scope_spans.iter().map(|s| (s.scope.as_ref().unwrap().name.clone(), s.spans.iter().map(|x| x.name.clone()).collect())).collect();
        assert_eq!(
            names,
            vec![
                ("a".into(), vec!["w".into(), "x".into(), "z".into()]),
                ("b".into(), vec!["y".into(), "v".into()]),
                (String::new(), vec!["anonymous".into()])
            ]
        );
        assert_eq!(rs.scope_spans[0].scope.as_ref().unwrap().version, "1");
    }

    #[test]
    fn logs_and_metrics_share_the_resource_and_scope_layout() {
        use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
        use opentelemetry_proto::tonic::logs::v1::LogRecord;
        let resource = Encoded(Vec::new());
        let mut batch = Batch { scopes: vec![ScopeKey { name: "logger".into(), version: Vec::new() }], ..Default::default() };
        batch.push(0, &LogRecord { severity_text: "INFO".into(), ..Default::default() }.encode_to_vec());
        let logs = ExportLogsServiceRequest::decode(encode_items(&resource, batch).as_slice()).unwrap();
        assert_eq!(logs.resource_logs[0].scope_logs[0].scope.as_ref().unwrap().name, "logger");
        assert_eq!(logs.resource_logs[0].scope_logs[0].log_records[0].severity_text, "INFO");

        let mut batch = Batch { scopes: vec![ScopeKey { name: "meter".into(), version: "2".into() }], ..Default::default() };
        batch.push(0, &Metric { name: "m".into(), ..Default::default() }.encode_to_vec());
        let metrics = encode_metrics(&resource, batch);
        let metrics = ExportMetricsServiceRequest::decode(metrics.as_slice()).unwrap();
        let sm = &metrics.resource_metrics[0].scope_metrics[0];
        assert_eq!((sm.scope.as_ref().unwrap().version.as_str(), sm.metrics[0].name.as_str()), ("2", "m"));
    }
}

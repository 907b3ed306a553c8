//! Encodes what is ready for export as OTLP requests: one Resource (this page), one scope
//! entry per instrumentation scope (tracer, logger, meter), items in the order they arrived.

use crate::ingest::proto_writer::{Encoded, ProtoWriter};
use crate::ingest::record_reader::ScopeKey;
use crate::pipeline::batch_queue::Batch;

/// Spans arrive already encoded (`ingest::span_records`), so a trace request is the envelope
/// (ExportTraceServiceRequest 1 → ResourceSpans {1 resource, 2 scope_spans} → ScopeSpans
/// {1 scope, 2 spans}) written around their bytes. `resource` is the content of the Resource
/// message (`resource::build_resource`).
pub fn encode_traces(resource: &Encoded, batch: Batch<Encoded>) -> Vec<u8> {
    envelope(resource, batch)
}

/// Log records too (`ingest::log_records`); ExportLogsServiceRequest has the same layout
/// (ResourceLogs {1 resource, 2 scope_logs}, ScopeLogs {1 scope, 2 log_records}).
pub fn encode_logs(resource: &Encoded, batch: Batch<Encoded>) -> Vec<u8> {
    envelope(resource, batch)
}

/// Metrics are written as they are collected (`pipeline::metric_encode`);
/// ExportMetricsServiceRequest has the same layout again (ResourceMetrics {1 resource,
/// 2 scope_metrics}, ScopeMetrics {1 scope, 2 metrics}).
pub fn encode_metrics(resource: &Encoded, metrics: Batch<Encoded>) -> Vec<u8> {
    envelope(resource, metrics)
}

fn envelope(resource: &Encoded, batch: Batch<Encoded>) -> Vec<u8> {
    let body: usize = batch.items.iter().map(|(_, item)| item.0.len() + 4).sum();
    let mut w = ProtoWriter::with_capacity(body + resource.0.len() + 256);
    let resource_items = w.begin(1);
    w.bytes_always(1, &resource.0);
    for (scope, items) in group_by_scope(batch) {
        let scope_items = w.begin(2);
        // InstrumentationScope: 1 name, 2 version; present even when both are empty.
        let scope_message = w.begin(1);
        w.bytes(1, scope.name.as_bytes());
        w.bytes(2, scope.version.as_bytes());
        w.end(scope_message);
        for item in items {
            w.bytes_always(2, &item.0);
        }
        w.end(scope_items);
    }
    w.end(resource_items);
    w.buf
}

/// The batch's items under their scopes, scopes in first-seen order, empty scopes left out.
fn group_by_scope<T>(batch: Batch<T>) -> Vec<(ScopeKey, Vec<T>)> {
    let mut groups: Vec<(ScopeKey, Vec<T>)> = batch.scopes.into_iter().map(|key| (key, Vec::new())).collect();
    for (index, item) in batch.items {
        groups[index as usize].1.push(item);
    }
    groups.retain(|(_, items)| !items.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record_reader::ScopeKey;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
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
        let span =
            |name: &str| Encoded(Span { name: name.into(), trace_id: vec![1; 16], span_id: vec![2; 8], ..Default::default() }.encode_to_vec());
        let batch = Batch {
            scopes: vec![
                ScopeKey { name: "a".into(), version: "1".into() },
                ScopeKey { name: "b".into(), version: String::new() },
                ScopeKey { name: "unused".into(), version: String::new() },
                ScopeKey { name: String::new(), version: String::new() },
            ],
            items: vec![(0, span("x")), (1, span("y")), (0, span("z")), (3, span("anonymous"))],
        };
        let bytes = encode_traces(&Encoded(resource.encode_to_vec()), batch);
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded.encode_to_vec(), bytes, "byte for byte what prost encodes");
        assert_eq!(decoded.resource_spans.len(), 1);
        let rs = &decoded.resource_spans[0];
        assert_eq!(rs.resource.as_ref().unwrap(), &resource);
        let names: Vec<(String, Vec<String>)> = rs
            .scope_spans
            .iter()
            .map(|s| (s.scope.as_ref().unwrap().name.clone(), s.spans.iter().map(|x| x.name.clone()).collect()))
            .collect();
        assert_eq!(
            names,
            vec![("a".into(), vec!["x".into(), "z".into()]), ("b".into(), vec!["y".into()]), (String::new(), vec!["anonymous".into()])]
        );
        assert_eq!(rs.scope_spans[0].scope.as_ref().unwrap().version, "1");
    }

    #[test]
    fn logs_and_metrics_share_the_resource_and_scope_layout() {
        use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
        use opentelemetry_proto::tonic::logs::v1::LogRecord;
        let resource = Encoded(Vec::new());
        let batch = Batch {
            scopes: vec![ScopeKey { name: "logger".into(), version: String::new() }],
            items: vec![(0, Encoded(LogRecord { severity_text: "INFO".into(), ..Default::default() }.encode_to_vec()))],
        };
        let logs = ExportLogsServiceRequest::decode(encode_logs(&resource, batch).as_slice()).unwrap();
        assert_eq!(logs.resource_logs[0].scope_logs[0].scope.as_ref().unwrap().name, "logger");
        assert_eq!(logs.resource_logs[0].scope_logs[0].log_records[0].severity_text, "INFO");

        let metrics = encode_metrics(
            &resource,
            Batch {
                scopes: vec![ScopeKey { name: "meter".into(), version: "2".into() }],
                items: vec![(0, Encoded(Metric { name: "m".into(), ..Default::default() }.encode_to_vec()))],
            },
        );
        let metrics = ExportMetricsServiceRequest::decode(metrics.as_slice()).unwrap();
        let sm = &metrics.resource_metrics[0].scope_metrics[0];
        assert_eq!((sm.scope.as_ref().unwrap().version.as_str(), sm.metrics[0].name.as_str()), ("2", "m"));
    }
}

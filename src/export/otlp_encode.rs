//! Encodes what is ready for export as OTLP requests: one Resource (this page), one scope
//! entry per instrumentation scope (tracer, logger, meter), items in the order they arrived.

use crate::ingest::proto_writer::{Encoded, ProtoWriter};
use crate::ingest::record_reader::ScopeKey;
use crate::pipeline::batch_queue::Batch;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::metrics::v1::{Metric, ResourceMetrics, ScopeMetrics};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;

/// Spans arrive already encoded (`ingest::span_records`), so a trace request is the envelope
/// (ExportTraceServiceRequest 1 → ResourceSpans {1 resource, 2 scope_spans} → ScopeSpans
/// {1 scope, 2 spans}) written around their bytes.
pub fn encode_traces(resource: &Resource, batch: Batch<Encoded>) -> Vec<u8> {
    envelope(resource, batch)
}

/// Log records too (`ingest::log_records`); ExportLogsServiceRequest has the same layout
/// (ResourceLogs {1 resource, 2 scope_logs}, ScopeLogs {1 scope, 2 log_records}).
pub fn encode_logs(resource: &Resource, batch: Batch<Encoded>) -> Vec<u8> {
    envelope(resource, batch)
}

fn envelope(resource: &Resource, batch: Batch<Encoded>) -> Vec<u8> {
    let body: usize = batch.items.iter().map(|(_, item)| item.0.len() + 4).sum();
    let mut w = ProtoWriter::with_capacity(body + 1024);
    let resource_items = w.begin(1);
    w.bytes_always(1, &resource.encode_to_vec());
    for (scope, items) in group_by_scope(batch) {
        let scope_items = w.begin(2);
        w.bytes_always(1, &scope.encode_to_vec());
        for item in items {
            w.bytes_always(2, &item.0);
        }
        w.end(scope_items);
    }
    w.end(resource_items);
    w.buf
}

pub fn encode_metrics(resource: &Resource, collected: Vec<(ScopeKey, Vec<Metric>)>) -> Vec<u8> {
    let scope_metrics = collected
        .into_iter()
        .map(|(key, metrics)| ScopeMetrics { scope: Some(scope(&key)), metrics, schema_url: String::new() })
        .collect();
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics { resource: Some(resource.clone()), scope_metrics, schema_url: String::new() }],
    }
    .encode_to_vec()
}

fn scope(key: &ScopeKey) -> InstrumentationScope {
    InstrumentationScope { name: key.name.clone(), version: key.version.clone(), ..Default::default() }
}

/// The batch's items under their scopes, scopes in first-seen order, empty scopes left out.
fn group_by_scope<T>(batch: Batch<T>) -> Vec<(InstrumentationScope, Vec<T>)> {
    let mut groups: Vec<(InstrumentationScope, Vec<T>)> = batch.scopes.iter().map(|key| (scope(key), Vec::new())).collect();
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
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
    use opentelemetry_proto::tonic::trace::v1::Span;

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
            ],
            items: vec![(0, span("x")), (1, span("y")), (0, span("z"))],
        };
        let bytes = encode_traces(&resource, batch);
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded.resource_spans.len(), 1);
        let rs = &decoded.resource_spans[0];
        assert_eq!(rs.resource.as_ref().unwrap(), &resource);
        let names: Vec<(String, Vec<String>)> = rs
            .scope_spans
            .iter()
            .map(|s| (s.scope.as_ref().unwrap().name.clone(), s.spans.iter().map(|x| x.name.clone()).collect()))
            .collect();
        assert_eq!(names, vec![("a".into(), vec!["x".into(), "z".into()]), ("b".into(), vec!["y".into()])]);
        assert_eq!(rs.scope_spans[0].scope.as_ref().unwrap().version, "1");
    }

    #[test]
    fn logs_and_metrics_share_the_resource_and_scope_layout() {
        use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
        use opentelemetry_proto::tonic::logs::v1::LogRecord;
        let resource = Resource::default();
        let batch = Batch {
            scopes: vec![ScopeKey { name: "logger".into(), version: String::new() }],
            items: vec![(0, Encoded(LogRecord { severity_text: "INFO".into(), ..Default::default() }.encode_to_vec()))],
        };
        let logs = ExportLogsServiceRequest::decode(encode_logs(&resource, batch).as_slice()).unwrap();
        assert_eq!(logs.resource_logs[0].scope_logs[0].scope.as_ref().unwrap().name, "logger");
        assert_eq!(logs.resource_logs[0].scope_logs[0].log_records[0].severity_text, "INFO");

        let metrics = encode_metrics(
            &resource,
            vec![(ScopeKey { name: "meter".into(), version: "2".into() }, vec![Metric { name: "m".into(), ..Default::default() }])],
        );
        let metrics = ExportMetricsServiceRequest::decode(metrics.as_slice()).unwrap();
        let sm = &metrics.resource_metrics[0].scope_metrics[0];
        assert_eq!((sm.scope.as_ref().unwrap().version.as_str(), sm.metrics[0].name.as_str()), ("2", "m"));
    }
}

//! Encodes a batch of spans as an OTLP `ExportTraceServiceRequest`: one ResourceSpans for this
//! page, one ScopeSpans per instrumentation scope, spans in the order they ended.

use crate::pipeline::batch_queue::Batch;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

pub fn encode_traces(resource: &Resource, batch: Batch<Span>) -> Vec<u8> {
    let mut scope_spans: Vec<ScopeSpans> = batch
        .scopes
        .iter()
        .map(|key| ScopeSpans {
            scope: Some(InstrumentationScope { name: key.name.clone(), version: key.version.clone(), ..Default::default() }),
            spans: Vec::new(),
            schema_url: String::new(),
        })
        .collect();
    for (scope, span) in batch.items {
        scope_spans[scope as usize].spans.push(span);
    }
    scope_spans.retain(|s| !s.spans.is_empty());
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans { resource: Some(resource.clone()), scope_spans, schema_url: String::new() }],
    };
    request.encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record_reader::ScopeKey;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};

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
        let span = |name: &str| Span { name: name.into(), trace_id: vec![1; 16], span_id: vec![2; 8], ..Default::default() };
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
}

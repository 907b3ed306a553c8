//! Splits an encoded OTLP request in two, keeping every item once and every resource and scope
//! around its items: for a body over a server's or proxy's limit (413) and for page-unload
//! requests, which browsers only send with `keepalive` while they stay under 64 KiB in flight.
//!
//! It works on the protobuf wire format, not on decoded messages: all three requests share one
//! shape (field 1: resource entries; in each, field 2: scope entries; in each, field 2: the
//! items: spans, log records or metrics), so one small splitter serves them all, and no decoder
//! for the requests has to be linked into the .wasm (that cost 18 KB gzipped).

use super::proto_fields::{fields, Field, LEN};
use super::signal::Signal;
#[allow(unused_imports)]
use crate::prelude::*;

/// Field numbers shared by ExportTraceServiceRequest, ExportLogsServiceRequest and
/// ExportMetricsServiceRequest: request.1 = Resource*, Resource*.2 = Scope*, Scope*.2 = items.
const RESOURCES: u32 = 1;
const SCOPES: u32 = 2;
const ITEMS: u32 = 2;
/// Metric.data: gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11; each holds
/// its data points in field 1.
const METRIC_DATA_FIELDS: [u32; 5] = [5, 7, 9, 10, 11];

/// A request body and how many items (data points, for metrics) it holds.
pub type CountedRequest = (Vec<u8>, u32);

/// Two requests holding the items of `body` between them (about half each); `None` when `body`
/// does not parse or holds one item.
pub fn split_request(signal: Signal, body: &[u8]) -> Option<(CountedRequest, CountedRequest)> {
    let mut resources = Vec::new();
    for (field, resource) in fields(body)? {
        if field.number != RESOURCES || field.wire_type != LEN {
            return None;
        }
        let mut header = Vec::new();
        let mut scopes = Vec::new();
        for (f, value) in fields(resource)? {
            if f.number == SCOPES && f.wire_type == LEN {
                let mut scope_header = Vec::new();
                let mut items = Vec::new();
                for (g, item) in fields(value)? {
                    if g.number == ITEMS && g.wire_type == LEN {
                        items.push(item);
                    } else {
                        g.write(&mut scope_header, item);
                    }
                }
                scopes.push((scope_header, items));
            } else {
                f.write(&mut header, value);
            }
        }
        resources.push((header, scopes));
    }
    let total: usize = resources.iter().flat_map(|(_, s)| s).map(|(_, items)| items.len()).sum();
    if total < 2 {
        return None;
    }
    let mut remaining = total / 2;
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let (mut n1, mut n2) = (0u32, 0u32);
    for (header, scopes) in &resources {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (scope_header, items) in scopes {
            let take = remaining.min(items.len());
            remaining -= take;
            let (left, right) = items.split_at(take);
            n1 += count(signal, left);
            n2 += count(signal, right);
            encode_group(&mut a, scope_header, left);
            encode_group(&mut b, scope_header, right);
        }
        encode_resource(&mut first, header, &a);
        encode_resource(&mut second, header, &b);
    }
    Some(((first, n1), (second, n2)))
}

/// Items as the stats count them: data points for metrics, entries otherwise.
fn count(signal: Signal, items: &[&[u8]]) -> u32 {
    match signal {
        Signal::Metrics => items.iter().map(|metric| data_points(metric)).sum(),
        _ => items.len() as u32,
    }
}

fn data_points(metric: &[u8]) -> u32 {
    let Some(fields) = fields(metric) else { return 0 };
    fields
        .filter(|(f, _)| METRIC_DATA_FIELDS.contains(&f.number) && f.wire_type == LEN)
        .map(|(_, data)| fields_of(data).filter(|(f, _)| f.number == 1).count() as u32)
        .sum()
}

fn fields_of(bytes: &[u8]) -> impl Iterator<Item = (Field, &[u8])> {
    fields(bytes).into_iter().flatten()
}

/// A scope entry (its own fields, then its items); nothing when it has no items.
fn encode_group(out: &mut Vec<u8>, header: &[u8], items: &[&[u8]]) {
    if items.is_empty() {
        return;
    }
    let mut group = header.to_vec();
    for item in items {
        Field { number: ITEMS, wire_type: LEN }.write(&mut group, item);
    }
    Field { number: SCOPES, wire_type: LEN }.write(out, &group);
}

/// A resource entry (its own fields, then its scope entries); nothing when it has none.
fn encode_resource(out: &mut Vec<u8>, header: &[u8], scopes: &[u8]) {
    if scopes.is_empty() {
        return;
    }
    let mut resource = header.to_vec();
    resource.extend_from_slice(scopes);
    Field { number: RESOURCES, wire_type: LEN }.write(out, &resource);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::otlp_encode::{encode_logs, encode_metrics, encode_traces};
    use crate::ingest::proto_writer::Encoded;
    use crate::ingest::record_reader::ScopeKey;
    use crate::pipeline::batch_queue::Batch;
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
    use opentelemetry_proto::tonic::logs::v1::LogRecord;
    use opentelemetry_proto::tonic::metrics::v1::{metric::Data, number_data_point, Metric, NumberDataPoint, Sum};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use opentelemetry_proto::tonic::trace::v1::Span;
    use prost::Message;

    fn resource() -> Resource {
        Resource {
            attributes: vec![KeyValue {
                key: "service.name".into(),
                value: Some(AnyValue { value: Some(any_value::Value::StringValue("web".into())) }),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn encoded_resource() -> Encoded {
        Encoded(resource().encode_to_vec())
    }

    fn scopes() -> Vec<ScopeKey> {
        vec![ScopeKey { name: "a".into(), version: "1".into() }, ScopeKey { name: "b".into(), version: String::new() }]
    }

    fn batch<const N: usize>(items: [(u32, Vec<u8>); N]) -> Batch {
        let mut batch = Batch { scopes: scopes(), ..Default::default() };
        for (scope, content) in items {
            batch.push(scope, &content);
        }
        batch
    }

    #[test]
    fn traces_split_in_half_keeping_resource_scopes_and_order() {
        let span = |n: &str| {
            Span { name: n.into(), trace_id: vec![1; 16], span_id: vec![2; 8], start_time_unix_nano: 5, ..Default::default() }.encode_to_vec()
        };
        let batch = batch([(0, span("1")), (0, span("2")), (1, span("3")), (0, span("4")), (1, span("5"))]);
        let original = ExportTraceServiceRequest::decode(encode_traces(&encoded_resource(), batch).as_slice()).unwrap();
        let body = original.encode_to_vec();
        let ((first, n1), (second, n2)) = split_request(Signal::Traces, &body).unwrap();
        assert_eq!((n1, n2), (2, 3));
        let a = ExportTraceServiceRequest::decode(first.as_slice()).unwrap();
        let b = ExportTraceServiceRequest::decode(second.as_slice()).unwrap();
        let names = |r: &ExportTraceServiceRequest| -> Vec<(String, String)> {
            r.resource_spans
                .iter()
                .flat_map(|rs| rs.scope_spans.iter())
                .flat_map(|ss| ss.spans.iter().map(move |s| (ss.scope.as_ref().unwrap().name.clone(), s.name.clone())))
                .collect()
        };
        assert_eq!(names(&a), [("a".into(), "1".into()), ("a".into(), "2".into())]);
        assert_eq!(names(&b), [("a".into(), "4".into()), ("b".into(), "3".into()), ("b".into(), "5".into())]);
        assert_eq!(a.resource_spans[0].resource, Some(resource()));
        assert_eq!(b.resource_spans[0].resource, Some(resource()));
        assert_eq!(a.resource_spans[0].scope_spans[0].spans[0], original.resource_spans[0].scope_spans[0].spans[0]);
        assert_eq!(a.resource_spans[0].scope_spans[0].scope.as_ref().unwrap().version, "1");
    }

    #[test]
    fn single_items_and_garbage_are_not_split() {
        let one = encode_traces(&encoded_resource(), batch([(0, Span { name: "x".into(), ..Default::default() }.encode_to_vec())]));
        assert!(split_request(Signal::Traces, &one).is_none());
        assert!(split_request(Signal::Traces, b"\xff\xff").is_none());
        assert!(split_request(Signal::Traces, &[0x0a, 0x05, 0x01]).is_none(), "a length past the end");
        assert!(split_request(Signal::Traces, &[]).is_none());
    }

    #[test]
    fn logs_and_metrics_split_the_same_way() {
        let log = |b: &str| LogRecord { severity_text: b.into(), ..Default::default() }.encode_to_vec();
        let body = encode_logs(&encoded_resource(), batch([(0, log("1")), (1, log("2")), (1, log("3"))]));
        let ((first, n1), (second, n2)) = split_request(Signal::Logs, &body).unwrap();
        assert_eq!((n1, n2), (1, 2));
        assert_eq!(ExportLogsServiceRequest::decode(first.as_slice()).unwrap().resource_logs[0].scope_logs[0].log_records[0].severity_text, "1");
        assert_eq!(ExportLogsServiceRequest::decode(second.as_slice()).unwrap().resource_logs[0].scope_logs[0].log_records.len(), 2);

        let point = |v: f64| NumberDataPoint { value: Some(number_data_point::Value::AsDouble(v)), ..Default::default() };
        let sum = |name: &str, n: usize| Metric {
            name: name.into(),
            data: Some(Data::Sum(Sum { data_points: (0..n).map(|i| point(i as f64)).collect(), aggregation_temporality: 2, is_monotonic: true })),
            ..Default::default()
        };
        let body = encode_metrics(&encoded_resource(), batch([sum("a", 3), sum("b", 1), sum("c", 2)].map(|m| (0, m.encode_to_vec()))));
        let ((first, n1), (second, n2)) = split_request(Signal::Metrics, &body).unwrap();
        assert_eq!((n1, n2), (3, 3), "counted in data points: a | b, c");
        let m = ExportMetricsServiceRequest::decode(second.as_slice()).unwrap();
        let names: Vec<_> = m.resource_metrics[0].scope_metrics[0].metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(ExportMetricsServiceRequest::decode(first.as_slice()).unwrap().resource_metrics[0].scope_metrics[0].metrics[0], sum("a", 3));
    }
}

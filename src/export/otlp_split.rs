//! Splits an encoded OTLP request in two, keeping every item once and every resource and scope
//! around its items: for a body over the server's limit (413) and for page-unload requests,
//! which browsers only send with `keepalive` while they stay under 64 KiB in flight.

use super::greptime_contract::Signal;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::{metric::Data, Metric};
use prost::Message;

/// Two requests holding the items of `body` between them (about half each), and how many items
/// each holds; `None` when `body` does not decode or holds a single item.
pub fn split_request(signal: Signal, body: &[u8]) -> Option<((Vec<u8>, u32), (Vec<u8>, u32))> {
    match signal {
        Signal::Traces => {
            let request = ExportTraceServiceRequest::decode(body).ok()?;
            let groups: Vec<_> = request
                .resource_spans
                .into_iter()
                .map(|rs| {
                    let scopes = rs.scope_spans.into_iter().map(|ss| (ScopeOf { scope: ss.scope, schema_url: ss.schema_url }, ss.spans)).collect();
                    (ResourceOf { resource: rs.resource, schema_url: rs.schema_url }, scopes)
                })
                .collect();
            let (a, b) = split_groups(groups)?;
            let build = |groups: Groups<_>| {
                let resource_spans = groups
                    .into_iter()
                    .map(|(r, scopes)| opentelemetry_proto::tonic::trace::v1::ResourceSpans {
                        resource: r.resource,
                        schema_url: r.schema_url,
                        scope_spans: scopes
                            .into_iter()
                            .map(|(s, spans)| opentelemetry_proto::tonic::trace::v1::ScopeSpans { scope: s.scope, schema_url: s.schema_url, spans })
                            .collect(),
                    })
                    .collect();
                ExportTraceServiceRequest { resource_spans }.encode_to_vec()
            };
            Some(((build(a.0), a.1), (build(b.0), b.1)))
        }
        Signal::Logs => {
            let request = ExportLogsServiceRequest::decode(body).ok()?;
            let groups: Vec<_> = request
                .resource_logs
                .into_iter()
                .map(|rl| {
                    let scopes = rl.scope_logs.into_iter().map(|sl| (ScopeOf { scope: sl.scope, schema_url: sl.schema_url }, sl.log_records)).collect();
                    (ResourceOf { resource: rl.resource, schema_url: rl.schema_url }, scopes)
                })
                .collect();
            let (a, b) = split_groups(groups)?;
            let build = |groups: Groups<_>| {
                let resource_logs = groups
                    .into_iter()
                    .map(|(r, scopes)| opentelemetry_proto::tonic::logs::v1::ResourceLogs {
                        resource: r.resource,
                        schema_url: r.schema_url,
                        scope_logs: scopes
                            .into_iter()
                            .map(|(s, log_records)| opentelemetry_proto::tonic::logs::v1::ScopeLogs { scope: s.scope, schema_url: s.schema_url, log_records })
                            .collect(),
                    })
                    .collect();
                ExportLogsServiceRequest { resource_logs }.encode_to_vec()
            };
            Some(((build(a.0), a.1), (build(b.0), b.1)))
        }
        Signal::Metrics => {
            let request = ExportMetricsServiceRequest::decode(body).ok()?;
            // Items are data points: a metric with several points can itself be cut in two.
            let groups: Vec<_> = request
                .resource_metrics
                .into_iter()
                .map(|rm| {
                    let scopes = rm
                        .scope_metrics
                        .into_iter()
                        .map(|sm| (ScopeOf { scope: sm.scope, schema_url: sm.schema_url }, sm.metrics.into_iter().flat_map(points_of).collect()))
                        .collect();
                    (ResourceOf { resource: rm.resource, schema_url: rm.schema_url }, scopes)
                })
                .collect();
            let (a, b) = split_groups(groups)?;
            let build = |groups: Groups<Metric>| {
                let resource_metrics = groups
                    .into_iter()
                    .map(|(r, scopes)| opentelemetry_proto::tonic::metrics::v1::ResourceMetrics {
                        resource: r.resource,
                        schema_url: r.schema_url,
                        scope_metrics: scopes
                            .into_iter()
                            .map(|(s, metrics)| opentelemetry_proto::tonic::metrics::v1::ScopeMetrics {
                                scope: s.scope,
                                schema_url: s.schema_url,
                                metrics: merge_points(metrics),
                            })
                            .collect(),
                    })
                    .collect();
                ExportMetricsServiceRequest { resource_metrics }.encode_to_vec()
            };
            Some(((build(a.0), a.1), (build(b.0), b.1)))
        }
    }
}

#[derive(Clone)]
struct ResourceOf {
    resource: Option<opentelemetry_proto::tonic::resource::v1::Resource>,
    schema_url: String,
}

#[derive(Clone)]
struct ScopeOf {
    scope: Option<opentelemetry_proto::tonic::common::v1::InstrumentationScope>,
    schema_url: String,
}

type Groups<T> = Vec<(ResourceOf, Vec<(ScopeOf, Vec<T>)>)>;

/// The first half of the items (in order) and the rest, each with its count.
fn split_groups<T>(groups: Groups<T>) -> Option<((Groups<T>, u32), (Groups<T>, u32))> {
    let total: usize = groups.iter().flat_map(|(_, scopes)| scopes).map(|(_, items)| items.len()).sum();
    if total < 2 {
        return None;
    }
    let mut left = total / 2;
    let (mut first, mut second): (Groups<T>, Groups<T>) = (Vec::new(), Vec::new());
    for (resource, scopes) in groups {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (scope, mut items) in scopes {
            let take = left.min(items.len());
            left -= take;
            let rest = items.split_off(take);
            if !items.is_empty() {
                a.push((scope.clone(), items));
            }
            if !rest.is_empty() {
                b.push((scope, rest));
            }
        }
        if !a.is_empty() {
            first.push((resource.clone(), a));
        }
        if !b.is_empty() {
            second.push((resource, b));
        }
    }
    let n = (total / 2) as u32;
    Some(((first, n), (second, total as u32 - n)))
}

/// One metric per data point (same name, description, unit and kind), so points can be split.
fn points_of(metric: Metric) -> Vec<Metric> {
    let Metric { name, description, unit, metadata, data } = metric;
    let one = |data| Metric { name: name.clone(), description: description.clone(), unit: unit.clone(), metadata: metadata.clone(), data: Some(data) };
    match data {
        Some(Data::Sum(sum)) => {
            let (temporality, monotonic) = (sum.aggregation_temporality, sum.is_monotonic);
            sum.data_points
                .into_iter()
                .map(|p| {
                    one(Data::Sum(opentelemetry_proto::tonic::metrics::v1::Sum {
                        data_points: vec![p],
                        aggregation_temporality: temporality,
                        is_monotonic: monotonic,
                    }))
                })
                .collect()
        }
        Some(Data::Gauge(gauge)) => gauge
            .data_points
            .into_iter()
            .map(|p| one(Data::Gauge(opentelemetry_proto::tonic::metrics::v1::Gauge { data_points: vec![p] })))
            .collect(),
        Some(Data::Histogram(h)) => {
            let temporality = h.aggregation_temporality;
            h.data_points
                .into_iter()
                .map(|p| one(Data::Histogram(opentelemetry_proto::tonic::metrics::v1::Histogram { data_points: vec![p], aggregation_temporality: temporality })))
                .collect()
        }
        other => vec![Metric { name, description, unit, metadata, data: other }],
    }
}

/// Joins consecutive one-point metrics of the same name and kind back into one metric.
fn merge_points(metrics: Vec<Metric>) -> Vec<Metric> {
    let mut out: Vec<Metric> = Vec::new();
    for metric in metrics {
        if let Some(last) = out.last_mut().filter(|last| last.name == metric.name) {
            match (&mut last.data, &metric.data) {
                (Some(Data::Sum(a)), Some(Data::Sum(b))) => a.data_points.extend(b.data_points.iter().cloned()),
                (Some(Data::Gauge(a)), Some(Data::Gauge(b))) => a.data_points.extend(b.data_points.iter().cloned()),
                (Some(Data::Histogram(a)), Some(Data::Histogram(b))) => a.data_points.extend(b.data_points.iter().cloned()),
                _ => out.push(metric),
            }
            continue;
        }
        out.push(metric);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::otlp_encode::{encode_metrics, encode_traces};
    use crate::ingest::record_reader::ScopeKey;
    use crate::pipeline::batch_queue::Batch;
    use opentelemetry_proto::tonic::metrics::v1::{number_data_point, NumberDataPoint, Sum};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use opentelemetry_proto::tonic::trace::v1::Span;

    fn span_names(body: &[u8]) -> Vec<(String, String)> {
        let r = ExportTraceServiceRequest::decode(body).unwrap();
        r.resource_spans
            .iter()
            .flat_map(|rs| rs.scope_spans.iter())
            .flat_map(|ss| ss.spans.iter().map(move |s| (ss.scope.as_ref().unwrap().name.clone(), s.name.clone())))
            .collect()
    }

    #[test]
    fn traces_split_in_half_keeping_scopes_and_order() {
        let span = |n: &str| Span { name: n.into(), ..Default::default() };
        let batch = Batch {
            scopes: vec![ScopeKey { name: "a".into(), version: String::new() }, ScopeKey { name: "b".into(), version: String::new() }],
            items: vec![(0, span("1")), (0, span("2")), (1, span("3")), (0, span("4")), (1, span("5"))],
        };
        let body = encode_traces(&Resource::default(), batch);
        let ((first, n1), (second, n2)) = split_request(Signal::Traces, &body).unwrap();
        assert_eq!((n1, n2), (2, 3));
        let all: Vec<_> = [span_names(&first), span_names(&second)].concat();
        let mut expected = span_names(&body);
        let mut got = all.clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected, "every span exactly once");
        assert_eq!(span_names(&first), vec![("a".into(), "1".into()), ("a".into(), "2".into())]);
        let one = encode_traces(&Resource::default(), Batch { scopes: vec![ScopeKey { name: "a".into(), version: String::new() }], items: vec![(0, span("x"))] });
        assert!(split_request(Signal::Traces, &one).is_none(), "one span cannot be split");
        assert!(split_request(Signal::Traces, b"\xff\xff").is_none());
    }

    #[test]
    fn metrics_split_by_data_point_and_merge_back() {
        let point = |v: f64| NumberDataPoint { value: Some(number_data_point::Value::AsDouble(v)), ..Default::default() };
        let sum = |name: &str, points: Vec<NumberDataPoint>| Metric {
            name: name.into(),
            data: Some(Data::Sum(Sum { data_points: points, aggregation_temporality: 2, is_monotonic: true })),
            ..Default::default()
        };
        let body = encode_metrics(
            &Resource::default(),
            vec![(ScopeKey { name: "m".into(), version: String::new() }, vec![sum("a", vec![point(1.0), point(2.0), point(3.0)]), sum("b", vec![point(4.0)])])],
        );
        let ((first, n1), (second, n2)) = split_request(Signal::Metrics, &body).unwrap();
        assert_eq!((n1, n2), (2, 2));
        let metrics = |b: &[u8]| ExportMetricsServiceRequest::decode(b).unwrap().resource_metrics[0].scope_metrics[0].metrics.clone();
        let f = metrics(&first);
        assert_eq!(f.len(), 1, "two points of `a`, merged into one metric");
        let Some(Data::Sum(s)) = &f[0].data else { panic!() };
        assert_eq!((s.data_points.len(), s.is_monotonic, s.aggregation_temporality), (2, true, 2));
        let names: Vec<_> = metrics(&second).iter().map(|m| m.name.clone()).collect();
        assert_eq!(names, ["a", "b"]);
    }
}

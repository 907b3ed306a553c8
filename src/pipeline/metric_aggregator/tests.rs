use super::*;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point, AggregationTemporality, Metric, Sum};
use prost::Message;

fn kv(k: &str, v: &str) -> KeyValue {
    KeyValue { key: k.into(), value: Some(AnyValue { value: Some(any_value::Value::StringValue(v.into())) }), ..Default::default() }
}

/// String attributes as js/wire/record_writer.ts writes a series' set (inline strings): count,
/// then per attribute the key, tag 0 (string) and the value, then the dropped count.
fn keyed(attributes: Vec<KeyValue>) -> Vec<u8> {
    let inline = |out: &mut Vec<u8>, s: &str| {
        out.push(((s.len() as u8) << 2) | 1);
        out.extend_from_slice(s.as_bytes());
    };
    let mut out = vec![attributes.len() as u8];
    for kv in &attributes {
        let Some(any_value::Value::StringValue(v)) = kv.value.as_ref().and_then(|v| v.value.as_ref()) else { panic!("strings only") };
        inline(&mut out, &kv.key);
        out.push(0);
        inline(&mut out, v);
    }
    out.push(0);
    out
}

fn register(store: &mut MetricStore, instrument: u32, set: Vec<u8>, now_ns: u64) -> Option<u32> {
    store.register_series(instrument, &set, now_ns).expect("a well-formed set")
}

/// A collection read back with prost's decoder (not ours), each metric checked to be byte for
/// byte what prost encodes for what it decoded, and the data point count checked.
fn collect(store: &mut MetricStore, now_ns: u64) -> Vec<(ScopeKey, Vec<Metric>)> {
    let collection = store.collect(now_ns);
    let mut out: Vec<(ScopeKey, Vec<Metric>)> = collection.metrics.scopes.iter().map(|scope| (scope.clone(), Vec::new())).collect();
    let mut data_points = 0;
    for (scope, encoded) in collection.metrics.contents() {
        let metric = Metric::decode(encoded).expect("a valid OTLP Metric");
        assert_eq!(metric.encode_to_vec(), encoded, "not prost's encoding of {metric:?}");
        data_points += match metric.data.as_ref().expect("metric data") {
            metric::Data::Sum(s) => s.data_points.len(),
            metric::Data::Gauge(g) => g.data_points.len(),
            metric::Data::Histogram(h) => h.data_points.len(),
            other => panic!("unexpected {other:?}"),
        };
        out[scope as usize].1.push(metric);
    }
    assert_eq!(collection.data_points as usize, data_points);
    assert!(out.iter().all(|(_, metrics)| !metrics.is_empty()), "a scope without metrics");
    out
}

fn scope() -> ScopeKey {
    ScopeKey { name: "test".into(), version: "1".into() }
}

fn instrument(store: &mut MetricStore, kind: InstrumentKind, name: &str) -> u32 {
    let boundaries = if kind == InstrumentKind::Histogram { vec![0.0, 5.0, 10.0] } else { Vec::new() };
    store.add_instrument(InstrumentSpec { kind, name: name.into(), description: "d".into(), unit: "1".into(), scope: scope(), boundaries }).unwrap()
}

fn only_metric(out: Vec<(ScopeKey, Vec<Metric>)>) -> Metric {
    assert_eq!(out.len(), 1, "{out:?}");
    let (_, mut metrics) = out.into_iter().next().unwrap();
    assert_eq!(metrics.len(), 1, "{metrics:?}");
    metrics.remove(0)
}

/// A sum data point: attributes, value, start time.
type SumPoint = (Vec<KeyValue>, f64, u64);

fn sum_points(metric: &Metric) -> (&Sum, Vec<SumPoint>) {
    let Some(metric::Data::Sum(sum)) = &metric.data else { panic!("not a sum: {metric:?}") };
    let points = sum
        .data_points
        .iter()
        .map(|p| {
            let Some(number_data_point::Value::AsDouble(v)) = p.value else { panic!() };
            (p.attributes.clone(), v, p.start_time_unix_nano)
        })
        .collect();
    (sum, points)
}

/// JS writes sets canonical (sorted by key, each key once: js/metrics/canonical_set.ts, tested in
/// tests/js/metric_series.test.mjs); here the same set is the same series, another set another.
#[test]
fn sums_are_keyed_by_attribute_set() {
    let mut store = MetricStore::new(Temporality::Cumulative, 2000, 100);
    let c = instrument(&mut store, InstrumentKind::Counter, "tool_calls");
    let ab = register(&mut store, c, keyed(vec![kv("a", "1"), kv("b", "2")]), 100).unwrap();
    let ba = register(&mut store, c, keyed(vec![kv("a", "1"), kv("b", "2")]), 100).unwrap();
    let other = register(&mut store, c, keyed(vec![kv("a", "1"), kv("b", "3")]), 100).unwrap();
    assert_eq!(ab, ba);
    assert_ne!(ab, other);
    assert_eq!(store.record(&[ab as f64, 1.0, ba as f64, 2.5, other as f64, 4.0]), RecordOutcome { recorded: 3, unknown_series: 0 });
    let metric = only_metric(collect(&mut store, 200));
    assert_eq!((metric.name.as_str(), metric.description.as_str(), metric.unit.as_str()), ("tool_calls", "d", "1"));
    let (sum, points) = sum_points(&metric);
    assert!(sum.is_monotonic);
    assert_eq!(sum.aggregation_temporality, AggregationTemporality::Cumulative as i32);
    assert_eq!(points, vec![(vec![kv("a", "1"), kv("b", "2")], 3.5, 100), (vec![kv("a", "1"), kv("b", "3")], 4.0, 100)]);
}

#[test]
fn cumulative_keeps_totals_and_delta_resets_across_collections() {
    for temporality in [Temporality::Cumulative, Temporality::Delta] {
        let mut store = MetricStore::new(temporality, 2000, 0);
        let c = instrument(&mut store, InstrumentKind::UpDownCounter, "live_elements");
        let s = register(&mut store, c, keyed(vec![]), 10).unwrap();
        store.record(&[s as f64, 5.0, s as f64, -2.0]);
        let m1 = only_metric(collect(&mut store, 1000));
        let (sum1, p1) = sum_points(&m1);
        assert!(!sum1.is_monotonic);
        assert_eq!(p1, vec![(vec![], 3.0, 10)]);
        store.record(&[s as f64, 4.0]);
        let m2 = only_metric(collect(&mut store, 2000));
        let (sum2, p2) = sum_points(&m2);
        match temporality {
            Temporality::Cumulative => {
                assert_eq!(sum2.aggregation_temporality, AggregationTemporality::Cumulative as i32);
                assert_eq!(p2, vec![(vec![], 7.0, 10)], "cumulative: same start, running total");
            }
            Temporality::Delta => {
                assert_eq!(sum2.aggregation_temporality, AggregationTemporality::Delta as i32);
                assert_eq!(p2, vec![(vec![], 4.0, 1000)], "delta: what happened since the last collection");
            }
        }
        // Nothing recorded: cumulative repeats the total, delta sends nothing.
        let third = collect(&mut store, 3000);
        match temporality {
            Temporality::Cumulative => assert_eq!(sum_points(&only_metric(third)).1, vec![(vec![], 7.0, 10)]),
            Temporality::Delta => assert!(third.is_empty(), "{third:?}"),
        }
    }
}

#[test]
fn histogram_buckets_sum_count_min_max() {
    for temporality in [Temporality::Cumulative, Temporality::Delta] {
        let mut store = MetricStore::new(temporality, 2000, 0);
        let h = instrument(&mut store, InstrumentKind::Histogram, "duration");
        let s = register(&mut store, h, keyed(vec![kv("route", "/")]), 0).unwrap();
        let values = [0.0, 0.5, 5.0, 5.5, 10.0, 11.0, 1e9];
        let pairs: Vec<f64> = values.iter().flat_map(|v| [s as f64, *v]).collect();
        store.record(&pairs);
        let metric = only_metric(collect(&mut store, 1));
        let Some(metric::Data::Histogram(hist)) = metric.data else { panic!() };
        let p = &hist.data_points[0];
        assert_eq!(p.explicit_bounds, vec![0.0, 5.0, 10.0]);
        assert_eq!(p.bucket_counts, vec![1, 2, 2, 2], "(-inf,0] (0,5] (5,10] (10,+inf)");
        assert_eq!((p.count, p.sum, p.min, p.max), (7, Some(values.iter().sum()), Some(0.0), Some(1e9)));
        store.record(&[s as f64, 3.0]);
        let Some(metric::Data::Histogram(hist)) = only_metric(collect(&mut store, 2)).data else { panic!() };
        let p = &hist.data_points[0];
        match temporality {
            Temporality::Cumulative => assert_eq!((p.count, p.bucket_counts.clone(), p.min, p.max), (8, vec![1, 3, 2, 2], Some(0.0), Some(1e9))),
            Temporality::Delta => assert_eq!((p.count, p.bucket_counts.clone(), p.min, p.max), (1, vec![0, 1, 0, 0], Some(3.0), Some(3.0))),
        }
    }
}

#[test]
fn gauges_report_the_last_value() {
    let mut store = MetricStore::new(Temporality::Cumulative, 2000, 0);
    let g = instrument(&mut store, InstrumentKind::Gauge, "memory");
    let s = register(&mut store, g, keyed(vec![]), 0).unwrap();
    store.record(&[s as f64, 10.0, s as f64, 7.0]);
    let Some(metric::Data::Gauge(gauge)) = only_metric(collect(&mut store, 5)).data else { panic!() };
    assert_eq!(gauge.data_points[0].value, Some(number_data_point::Value::AsDouble(7.0)));
    assert_eq!(gauge.data_points[0].time_unix_nano, 5);
}

#[test]
fn observables_report_only_what_callbacks_observed() {
    for temporality in [Temporality::Cumulative, Temporality::Delta] {
        let mut store = MetricStore::new(temporality, 2000, 0);
        let oc = instrument(&mut store, InstrumentKind::ObservableCounter, "page_views");
        let og = instrument(&mut store, InstrumentKind::ObservableGauge, "heap");
        let sc = register(&mut store, oc, keyed(vec![]), 0).unwrap();
        let sg = register(&mut store, og, keyed(vec![]), 0).unwrap();
        store.record(&[sc as f64, 10.0, sg as f64, 50.0]);
        let first = collect(&mut store, 1);
        assert_eq!(first[0].1.len(), 2);
        store.record(&[sc as f64, 16.0]);
        let second = only_metric(collect(&mut store, 2));
        let (sum, points) = sum_points(&second);
        assert!(sum.is_monotonic);
        let expected = if temporality == Temporality::Delta { 6.0 } else { 16.0 };
        assert_eq!(points[0].1, expected);
        assert!(collect(&mut store, 3).is_empty(), "no observation, no point");
    }
}

#[test]
fn cardinality_overflow_is_bounded_and_marked() {
    let mut store = MetricStore::new(Temporality::Cumulative, 4, 0);
    let c = instrument(&mut store, InstrumentKind::Counter, "requests");
    let ids: Vec<u32> = (0..10).map(|i| register(&mut store, c, keyed(vec![kv("user", &i.to_string())]), 0).unwrap()).collect();
    assert_eq!(ids[..3], [0, 1, 2]);
    assert!(ids[3..].iter().all(|&id| id == 3), "{ids:?}");
    assert_eq!(store.overflowed, 7);
    assert_eq!(store.series_count(), 4);
    let pairs: Vec<f64> = ids.iter().flat_map(|&id| [id as f64, 1.0]).collect();
    store.record(&pairs);
    let (_, points) = sum_points(&only_metric(collect(&mut store, 1)));
    assert_eq!(points.len(), 4);
    let overflow = &points[3];
    // A string, not a bool: GreptimeDB drops bool attributes, and the overflow series would
    // then collide with the attribute-less one (src/servers/src/otlp/metrics.rs, write_attributes).
    assert_eq!(overflow.0, [kv(OVERFLOW_ATTRIBUTE, "true")]);
    assert_eq!(overflow.1, 7.0, "nothing is lost: the overflow series counts the rest");
    // A known set still finds its own series.
    assert_eq!(register(&mut store, c, keyed(vec![kv("user", "1")]), 0), Some(1));
}

#[test]
fn an_overflowed_set_registered_again_is_counted_once() {
    // JS's series cache starts over now and then and registers the sets it sees again.
    let mut store = MetricStore::new(Temporality::Cumulative, 4, 0);
    let c = instrument(&mut store, InstrumentKind::Counter, "requests");
    let other = instrument(&mut store, InstrumentKind::Counter, "other");
    for _ in 0..5 {
        for i in 0..10 {
            register(&mut store, c, keyed(vec![kv("user", &i.to_string())]), 0).unwrap();
        }
    }
    assert_eq!(store.overflowed, 7, "each of the 7 sets past the limit, once");
    // The same set on another instrument is another loss.
    for i in 0..10 {
        register(&mut store, other, keyed(vec![kv("user", &i.to_string())]), 0).unwrap();
    }
    assert_eq!(store.overflowed, 14);
    assert_eq!(store.instrument_name(c), Some(&b"requests"[..]));
}

#[test]
fn unknown_series_and_instruments_are_counted_not_fatal() {
    let mut store = MetricStore::new(Temporality::Cumulative, 2000, 0);
    assert_eq!(store.record(&[5.0, 1.0, -1.0, 2.0, f64::NAN, 3.0]), RecordOutcome { recorded: 0, unknown_series: 3 });
    assert_eq!(register(&mut store, 9, keyed(vec![]), 0), None);
    let a = instrument(&mut store, InstrumentKind::Counter, "Same.Name");
    assert!(store.register_series(a, &[1, 5], 0).is_err(), "a malformed set");
    for i in 1..MAX_INSTRUMENTS {
        instrument(&mut store, InstrumentKind::Counter, &format!("c{i}"));
    }
    let spec = InstrumentSpec {
        kind: InstrumentKind::Counter,
        name: "one.too.many".into(),
        description: Vec::new(),
        unit: Vec::new(),
        scope: scope(),
        boundaries: vec![],
    };
    assert_eq!(store.add_instrument(spec), None);
}

#[test]
fn metrics_group_by_scope() {
    let mut store = MetricStore::new(Temporality::Cumulative, 2000, 0);
    let a = instrument(&mut store, InstrumentKind::Counter, "a");
    let other_scope = ScopeKey { name: "other".into(), version: Vec::new() };
    let b = store
        .add_instrument(InstrumentSpec {
            kind: InstrumentKind::Counter,
            name: "b".into(),
            description: Vec::new(),
            unit: Vec::new(),
            scope: other_scope.clone(),
            boundaries: vec![],
        })
        .unwrap();
    let c = instrument(&mut store, InstrumentKind::Counter, "c");
    let ids: Vec<f64> = [a, b, c].iter().map(|&i| register(&mut store, i, keyed(vec![]), 0).unwrap() as f64).collect();
    store.record(&[ids[0], 1.0, ids[1], 1.0, ids[2], 1.0]);
    let out = collect(&mut store, 1);
    let shape: Vec<(String, Vec<String>)> =
        out.iter().map(|(s, m)| (String::from_utf8(s.name.clone()).unwrap(), m.iter().map(|m| m.name.clone()).collect())).collect();
    assert_eq!(shape, vec![("test".into(), vec!["a".into(), "c".into()]), ("other".into(), vec!["b".into()])]);
}

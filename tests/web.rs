//! Browser tests of the WASM interface (run with `wasm-pack test --headless --chrome`): a span
//! chunk through ingest → encode, decoded with prost on the way out, the resource built from
//! its attribute set, problems reported as numbers, and metrics. (Configuration is validated in
//! JS: tests/js/config.test.mjs.)
#![cfg(target_arch = "wasm32")]

use greptime_web_telemetry::wasm_api::TelemetryCore;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The resource attribute set as js/config/resource.ts writes it (inline strings).
fn resource(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut b = vec![entries.len() as u8];
    for (k, v) in entries {
        b.push(((k.len() as u8) << 2) | 1);
        b.extend_from_slice(k.as_bytes());
        b.push(0);
        b.push(((v.len() as u8) << 2) | 1);
        b.extend_from_slice(v.as_bytes());
    }
    b.push(0);
    b
}

/// `limits`: [span queue, span batch, log queue, log batch, cardinality limit, delta].
fn core(limits: [u32; 6]) -> TelemetryCore {
    TelemetryCore::new(&limits.map(f64::from), &resource(&[("service.name", "shop"), ("page.url", "https://app.example/page")]), 1.7e12)
}

/// Index of a counter in `stats(false)` (CORE_STATS in js/export/core_stats.ts).
const SPANS_DROPPED_QUEUE_FULL: usize = 0;
const MALFORMED: usize = 6;

/// One root span with an attribute, written as js/wire/record_writer.ts writes it.
fn one_span_chunk(name: &str) -> Vec<u8> {
    let mut b = vec![1u8];
    b.extend_from_slice(&[0x11; 16]);
    b.extend_from_slice(&[0x22; 8]);
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[1, 1]);
    let s = |b: &mut Vec<u8>, text: &str, form: u8| {
        b.push(((text.len() as u8) << 2) | form);
        b.extend_from_slice(text.as_bytes());
    };
    s(&mut b, name, 2);
    s(&mut b, "scope", 2);
    s(&mut b, "", 1);
    s(&mut b, "", 1);
    b.extend_from_slice(&1_700_000_000_000f64.to_le_bytes());
    b.extend_from_slice(&1_700_000_000_005f64.to_le_bytes());
    b.push(0);
    s(&mut b, "", 1);
    b.push(1);
    s(&mut b, "k", 2);
    b.push(0);
    s(&mut b, "v", 1);
    b.extend_from_slice(&[0, 0, 0, 0, 0]);
    b
}

#[wasm_bindgen_test]
fn spans_go_through_the_queue_into_an_otlp_request() {
    let mut c = core([3, 2, 2048, 512, 2000, 0]);
    let chunk: Vec<u8> = [one_span_chunk("a"), one_span_chunk("b"), one_span_chunk("c"), one_span_chunk("d")].concat();
    // Strings were defined by the first span; later spans redefine "a"… as new strings, which is fine.
    assert_eq!(c.ingest(0, &chunk), 3, "queue holds maxQueueSize spans");
    assert_eq!(c.stats(false)[SPANS_DROPPED_QUEUE_FULL], 1.0);
    assert!(c.problems_pending());
    assert_eq!(c.stats(true)[..3], [0.0, 0.0, 0.0], "queue full, traces: reported once, as numbers");
    assert_eq!(c.stats(true).len(), 7, "taken: only the counters are left");
    assert!(!c.problems_pending());

    let first = c.take_request(0, 0.0).expect("a batch");
    assert_eq!(c.last_batch_size(), 2);
    let request = ExportTraceServiceRequest::decode(first.as_slice()).unwrap();
    let rs = &request.resource_spans[0];
    let resource: Vec<(String, String)> = rs
        .resource
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .filter_map(|kv| match kv.value.as_ref()?.value.as_ref()? {
            Value::StringValue(s) => Some((kv.key.clone(), s.clone())),
            _ => None,
        })
        .collect();
    assert!(resource.contains(&("service.name".into(), "shop".into())));
    assert!(resource.contains(&("page.url".into(), "https://app.example/page".into())));
    let spans = &rs.scope_spans[0].spans;
    assert_eq!(spans.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(spans[0].start_time_unix_nano, 1_700_000_000_000_000_000);
    assert_eq!(spans[0].end_time_unix_nano, 1_700_000_000_005_000_000);

    assert_eq!(c.take_request(0, 0.0).map(|_| c.last_batch_size()), Some(1));
    assert!(c.take_request(0, 0.0).is_none());
    // What the answers said is counted in JS (js/export/answer_counts.ts).
}

#[wasm_bindgen_test]
fn a_malformed_chunk_is_counted_and_the_core_keeps_working() {
    let mut c = core([2048, 512, 2048, 512, 2000, 0]);
    assert_eq!(c.ingest(0, &[1, 2, 3]), -1, "malformed: JS must reset its string table");
    assert_eq!(c.stats(false)[MALFORMED], 1.0);
    assert_eq!(c.stats(true)[..2], [2.0, 0.0], "malformed record, traces");
    assert_eq!(c.ingest(0, &one_span_chunk("after")), 1);
    assert_eq!(c.stats(false).len(), 7);
}

#[wasm_bindgen_test]
fn metrics_register_record_and_collect() {
    let mut c = core([2048, 512, 2048, 512, 3, 0]);
    // name, description, unit, scope name, scope version
    let texts = b"tool.callscalls{call}m1";
    assert_eq!(c.register_instrument(9, texts, &[10.0, 5.0, 6.0, 1.0, 1.0], vec![]), -1, "an invalid kind");
    assert_eq!(c.register_instrument(0, texts, &[10.0, 5.0, 6.0, 1.0, 2.0], vec![]), -1, "lengths past the texts");
    let counter = c.register_instrument(0, texts, &[10.0, 5.0, 6.0, 1.0, 1.0], vec![]);
    assert_eq!(counter, 0);
    // attrs: 1 entry "tool" = "search" (inline strings), 0 dropped
    let attrs = [1u8, (4 << 2) | 1, b't', b'o', b'o', b'l', 0, (6 << 2) | 1, b's', b'e', b'a', b'r', b'c', b'h', 0];
    let series = c.register_series(counter as u32, &attrs, 1.7e12);
    assert_eq!(series, 0);
    assert_eq!(c.register_series(counter as u32, &[1, 2], 1.7e12), -1, "malformed attributes");
    c.record_measurements(&[series as f64, 2.0, series as f64, 3.0]);
    let body = c.take_request(1, 1.7e12 + 1000.0).expect("metrics");
    assert_eq!(c.last_batch_size(), 1);
    let request = opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest::decode(body.as_slice()).unwrap();
    let metric = &request.resource_metrics[0].scope_metrics[0].metrics[0];
    assert_eq!((metric.name.as_str(), metric.unit.as_str()), ("tool.calls", "{call}"));
    let Some(opentelemetry_proto::tonic::metrics::v1::metric::Data::Sum(sum)) = &metric.data else { panic!() };
    assert_eq!(sum.data_points[0].value, Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsDouble(5.0)));
    assert_eq!(sum.data_points[0].start_time_unix_nano, 1_700_000_000_000_000_000);
}

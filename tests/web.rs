//! Browser tests of the WASM interface (run with `wasm-pack test --headless --chrome`): reading
//! real JS configuration objects (functions, cycles, throwing getters), errors as JS `Error`s,
//! and a span chunk through ingest → encode, decoded with prost on the way out.
#![cfg(target_arch = "wasm32")]

use greptime_web_telemetry::wasm_api::TelemetryCore;
use js_sys::{Array, Function, Object, Reflect};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use prost::Message;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn js(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source});")).call0(&JsValue::NULL).unwrap()
}

fn core(config: &str) -> Result<TelemetryCore, JsValue> {
    TelemetryCore::new(&js(config), "UA/1.0".into(), "en-US".into(), "https://app.example/page?secret=1".into(), 1.7e12, None).map_err(JsValue::from)
}

fn error_message(err: JsValue) -> String {
    err.dyn_into::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default()
}

#[wasm_bindgen_test]
fn reads_a_real_config_object() {
    let c = core(
        "{ endpoint: 'http://localhost:4000/', database: 'web', username: 'u', password: 'p', serviceName: 'shop',
           batch: { maxQueueSize: 100, maxExportBatchSize: 10 }, spanLimits: { attributeValueLengthLimit: 64 },
           resourceAttributes: { 'deployment.environment.name': 'test', 'app.build': 42, flags: [true, false] } }",
    )
    .unwrap();
    assert_eq!(c.export_url(0), "http://localhost:4000/v1/otlp/v1/traces");
    assert_eq!(c.export_url(1), "http://localhost:4000/v1/otlp/v1/metrics");
    assert_eq!(c.export_url(2), "http://localhost:4000/v1/otlp/v1/logs");
    assert_eq!(c.settings(0), vec![100, 10, 5000, 30000]);
    assert_eq!(c.settings(1), vec![15000, 30000]);
    assert_eq!(c.settings(2), vec![2048, 512, 1000, 30000]);
    assert_eq!(c.span_limits()[1], 64);
    assert!(!c.capture_errors());
    assert!(c.capture_console().is_empty());
    let headers = c.export_headers(0);
    let pairs: Vec<(String, String)> = headers.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    assert!(pairs.contains(&("x-greptime-auth".into(), "Basic dTpw".into())), "{pairs:?}");
    assert!(pairs.contains(&("x-greptime-db-name".into(), "web".into())));
    assert!(pairs.contains(&("x-greptime-pipeline-name".into(), "greptime_trace_v1".into())));
    assert!(c.config_warnings().is_empty(), "{:?}", c.config_warnings());
}

#[wasm_bindgen_test]
fn hostile_config_values_are_reported_not_fatal() {
    let cyclic = js("(() => { const o = { a: 1 }; o.self = o; return o; })()");
    let throwing = js("Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('x'); } })");
    let config = Object::new();
    Reflect::set(&config, &"endpoint".into(), &"http://localhost:4000".into()).unwrap();
    Reflect::set(&config, &"serviceName".into(), &js("() => 'svc'")).unwrap();
    Reflect::set(&config, &"resourceAttributes".into(), &cyclic).unwrap();
    Reflect::set(&config, &"headers".into(), &throwing).unwrap();
    Reflect::set(&config, &"database".into(), &js("Symbol('db')")).unwrap();
    Reflect::set(&config, &"traceTable".into(), &js("10n")).unwrap();
    let c = TelemetryCore::new(&config, String::new(), String::new(), String::new(), 1.7e12, None).unwrap();
    let warnings = c.config_warnings().join("\n");
    for expected in [
        "`serviceName` must be a string, got function",
        "`resourceAttributes.self`: object is not an attribute value",
        "header `boom` must be a string, got throwing getter",
        "`database` must be a string, got symbol",
        "`traceTable` must be a string, got bigint",
    ] {
        assert!(warnings.contains(expected), "missing {expected:?} in\n{warnings}");
    }
}

#[wasm_bindgen_test]
fn unusable_configs_throw_js_errors_with_the_reason() {
    let msg = |config: &str| error_message(core(config).err().expect("should fail"));
    assert!(msg("{ endpoint: 'localhost:4000' }").contains("is not an http(s) URL"));
    assert!(msg("{ serviceName: 'x' }").contains("no `endpoint` configured"));
    assert!(msg("{ endpoint: 4000 }").contains("`endpoint` must be a string such as `http://localhost:4000`, got number"));
    assert!(msg("'http://localhost:4000'").contains("must be an object, got string"));
    assert!(msg("{ endpoint: 'http://x', enabled: false }").contains("disabled"));
    let with_typo = msg("{ endpont: 'http://x' }");
    assert!(with_typo.contains("did you mean `endpoint`"), "{with_typo}");
}

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
    let mut c = core("{ endpoint: 'http://localhost:4000', serviceName: 'shop', batch: { maxQueueSize: 3, maxExportBatchSize: 2 } }").unwrap();
    let chunk: Vec<u8> = [one_span_chunk("a"), one_span_chunk("b"), one_span_chunk("c"), one_span_chunk("d")].concat();
    // Strings were defined by the first span; later spans redefine "a"… as new strings, which is fine.
    assert_eq!(c.ingest(0, &chunk), 3, "queue holds maxQueueSize spans");
    let stats = c.stats();
    assert_eq!(Reflect::get(&stats, &"spansDroppedQueueFull".into()).unwrap().as_f64(), Some(1.0));

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

    assert_eq!(c.record_response(0, 2, 200, &[]), 0);
    assert_eq!(c.record_response(0, 1, 503, b"{\"error\":\"busy\"}"), 1);
    assert_eq!(c.record_response(0, 1, 401, b"{\"code\":7003,\"error\":\"Not found\"}"), 2);
    let stats = c.stats();
    let get = |k: &str| Reflect::get(&stats, &k.into()).unwrap().as_f64().unwrap();
    assert_eq!((get("spansExported"), get("spansFailedExport"), get("spanExportRequests")), (2.0, 2.0, 3.0));
}

#[wasm_bindgen_test]
fn a_malformed_chunk_is_counted_and_the_core_keeps_working() {
    let mut c = core("{ endpoint: 'http://localhost:4000', serviceName: 'shop' }").unwrap();
    assert_eq!(c.ingest(0, &[1, 2, 3]), -1, "malformed: JS must reset its string table");
    let stats = c.stats();
    assert_eq!(Reflect::get(&stats, &"malformedRecordChunks".into()).unwrap().as_f64(), Some(1.0));
    assert_eq!(c.ingest(0, &one_span_chunk("after")), 1);
    let keys = Object::keys(&stats);
    assert!(Array::from(&keys).length() >= 7);
}

#[wasm_bindgen_test]
fn metrics_register_record_and_collect() {
    let mut c = core("{ endpoint: 'http://localhost:4000', serviceName: 'shop', metrics: { cardinalityLimit: 3 } }").unwrap();
    assert_eq!(c.register_instrument(0, "9bad".into(), String::new(), String::new(), "m".into(), String::new(), vec![]), -1);
    let counter = c.register_instrument(0, "tool.calls".into(), "calls".into(), "{call}".into(), "m".into(), "1".into(), vec![]);
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

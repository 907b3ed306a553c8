//! The OTLP Resource that describes this page: the app's service, this SDK, and the browser
//! facts a RUM user expects to group by. It never changes, so it is encoded once, when the core
//! is built, and every request embeds those bytes.

use crate::config::{AttributeValue, Config};
use crate::ingest::proto_writer::{Encoded, ProtoWriter};

/// Facts read from the browser at init (JS passes them; empty when unknown, e.g. in a worker).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrowserFacts {
    pub user_agent: String,
    pub language: String,
    /// The page's `origin + pathname`: query strings and fragments often carry tokens or
    /// personal data and are left out.
    pub page_url: String,
    /// `service.instance.id`: a random UUID per SDK instance (per page view), made in JS. Without
    /// it every visitor's metric points share one series in GreptimeDB, which keeps only
    /// `service.*`, `cloud.*`, `k8s.*`, `deployment.environment*` and `container.name` of the
    /// resource as tags (`DEFAULT_PROMOTE_ATTRS` in its src/servers/src/otlp/metrics.rs) and
    /// copies this one to `instance`. The app can set its own in `resourceAttributes`.
    pub instance_id: String,
}

/// The content of an OTLP `Resource` message (resource.proto: 1 attributes).
pub fn build_resource(config: &Config, browser: &BrowserFacts) -> Encoded {
    let mut attributes: Vec<(&str, AttributeValue)> = Vec::new();
    let mut put = |key: &'static str, value: &str| {
        if !value.is_empty() {
            attributes.push((key, AttributeValue::String(value.to_owned())));
        }
    };
    put("service.name", &config.service_name);
    put("service.version", config.service_version.as_deref().unwrap_or(""));
    put("service.instance.id", &browser.instance_id);
    put("telemetry.sdk.name", crate::SDK_NAME);
    put("telemetry.sdk.language", "webjs");
    put("telemetry.sdk.version", crate::SDK_VERSION);
    put("user_agent.original", &browser.user_agent);
    put("browser.language", &browser.language);
    put("page.url", &strip_query(&browser.page_url));
    // The app's own attributes override ours (service.instance.id included), except
    // service.name/version, which have their own settings: letting both set them would make it unclear which one wins.
    for (key, value) in &config.resource_attributes {
        if key == "service.name" || key == "service.version" {
            continue;
        }
        attributes.retain(|(existing, _)| existing != key);
        attributes.push((key, value.clone()));
    }
    let mut w = ProtoWriter::with_capacity(512);
    for (key, value) in &attributes {
        // KeyValue: 1 key, 2 value.
        let kv = w.begin(1);
        w.bytes(1, key.as_bytes());
        let any = w.begin(2);
        write_any_value(&mut w, value);
        w.end(any);
        w.end(kv);
    }
    Encoded(w.buf)
}

/// The content of an `AnyValue` (common.proto: 1 string, 2 bool, 3 int, 4 double, 5 array).
fn write_any_value(w: &mut ProtoWriter, value: &AttributeValue) {
    match value {
        AttributeValue::String(s) => w.bytes_always(1, s.as_bytes()),
        AttributeValue::Bool(b) => w.uint_always(2, u64::from(*b)),
        AttributeValue::Int(i) => w.uint_always(3, *i as u64),
        AttributeValue::Double(d) => w.fixed64_always(4, d.to_bits()),
        AttributeValue::Array(values) => {
            // ArrayValue: 1 values.
            let array = w.begin(5);
            for value in values {
                let element = w.begin(1);
                write_any_value(w, value);
                w.end(element);
            }
            w.end(array);
        }
    }
}

fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or("").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, RawValue};
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue, KeyValue};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use prost::Message;

    /// Read back with prost's decoder, and byte for byte what prost encodes for what it read.
    fn decode(encoded: &Encoded) -> Resource {
        let resource = Resource::decode(encoded.0.as_slice()).expect("a valid OTLP Resource");
        assert_eq!(resource.encode_to_vec(), encoded.0, "not prost's encoding");
        resource
    }

    fn attrs(encoded: &Encoded) -> Vec<(String, String)> {
        decode(encoded)
            .attributes
            .iter()
            .map(|kv| {
                let v = match kv.value.as_ref().unwrap().value.as_ref().unwrap() {
                    any_value::Value::StringValue(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                (kv.key.clone(), v)
            })
            .collect()
    }

    #[test]
    fn carries_service_sdk_and_browser_facts() {
        let config = parse(&RawValue::object([
            ("endpoint", RawValue::str("http://localhost:4000")),
            ("serviceName", RawValue::str("shop")),
            ("serviceVersion", RawValue::str("1.2.3")),
            (
                "resourceAttributes",
                RawValue::object([
                    ("deployment.environment.name", RawValue::str("staging")),
                    ("service.name", RawValue::str("ignored")),
                    ("browser.language", RawValue::str("fr")),
                ]),
            ),
        ]))
        .config
        .unwrap();
        let browser = BrowserFacts {
            user_agent: "Mozilla/5.0 Test".into(),
            language: "en-GB".into(),
            page_url: "https://shop.example/cart?token=secret#x".into(),
            instance_id: "2f1c0c7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f".into(),
        };
        let got = attrs(&build_resource(&config, &browser));
        let expected: Vec<(String, String)> = [
            ("service.name", "shop"),
            ("service.version", "1.2.3"),
            ("service.instance.id", "2f1c0c7e-5a4b-4c3d-9e8f-0a1b2c3d4e5f"),
            ("telemetry.sdk.name", "greptime-web-telemetry"),
            ("telemetry.sdk.language", "webjs"),
            ("telemetry.sdk.version", crate::SDK_VERSION),
            ("user_agent.original", "Mozilla/5.0 Test"),
            ("page.url", "https://shop.example/cart"),
            ("deployment.environment.name", "staging"),
            ("browser.language", "fr"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn service_name_is_always_first() {
        // GreptimeDB falls back to the first resource attribute when service.name is missing;
        // we always send it, and first.
        let config = parse(&RawValue::object([("endpoint", RawValue::str("/greptime"))])).config.unwrap();
        let got = attrs(&build_resource(&config, &BrowserFacts::default()));
        assert_eq!(got[0], ("service.name".into(), "unknown_service:webjs".into()));
        assert!(got.iter().all(|(k, _)| k != "user_agent.original"), "empty facts are left out");
    }

    #[test]
    fn the_app_may_set_its_own_instance_id() {
        let config = parse(&RawValue::object([
            ("endpoint", RawValue::str("/greptime")),
            ("resourceAttributes", RawValue::object([("service.instance.id", RawValue::str("kiosk-7"))])),
        ]))
        .config
        .unwrap();
        let browser = BrowserFacts { instance_id: "random".into(), ..BrowserFacts::default() };
        let got = attrs(&build_resource(&config, &browser));
        let ids: Vec<_> = got.iter().filter(|(k, _)| k == "service.instance.id").map(|(_, v)| v.as_str()).collect();
        assert_eq!(ids, ["kiosk-7"]);
    }

    #[test]
    fn app_attributes_of_every_kind_are_written_as_prost_would() {
        let config = parse(&RawValue::object([
            ("endpoint", RawValue::str("/greptime")),
            ("serviceName", RawValue::str("shop")),
            (
                "resourceAttributes",
                RawValue::object([
                    ("int", RawValue::Number(-3.0)),
                    ("zero", RawValue::Number(0.0)),
                    ("double", RawValue::Number(2.5)),
                    ("no", RawValue::Bool(false)),
                    ("empty", RawValue::str("")),
                    ("list", RawValue::Array(vec![RawValue::str("a"), RawValue::str("")])),
                    ("none", RawValue::Array(vec![])),
                ]),
            ),
        ]))
        .config
        .unwrap();
        let kv =
            |key: &str, value: any_value::Value| KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() };
        let string = |s: &str| any_value::Value::StringValue(s.into());
        let array = |values: Vec<any_value::Value>| {
            any_value::Value::ArrayValue(ArrayValue { values: values.into_iter().map(|v| AnyValue { value: Some(v) }).collect() })
        };
        let resource = decode(&build_resource(&config, &BrowserFacts::default()));
        assert_eq!(
            resource.attributes[4..],
            [
                kv("int", any_value::Value::IntValue(-3)),
                kv("zero", any_value::Value::IntValue(0)),
                kv("double", any_value::Value::DoubleValue(2.5)),
                kv("no", any_value::Value::BoolValue(false)),
                kv("empty", string("")),
                kv("list", array(vec![string("a"), string("")])),
                kv("none", array(vec![])),
            ]
        );
    }
}

//! The OTLP Resource that describes this page: the app's service, this SDK, and the browser
//! facts a RUM user expects to group by.

use crate::config::Config;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;

/// Facts read from the browser at init (JS passes them; empty when unknown, e.g. in a worker).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BrowserFacts {
    pub user_agent: String,
    pub language: String,
    /// The page's `origin + pathname`: query strings and fragments often carry tokens or
    /// personal data and are left out.
    pub page_url: String,
}

pub fn build_resource(config: &Config, browser: &BrowserFacts) -> Resource {
    let mut attributes = Vec::new();
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            attributes.push(string_kv(key, value));
        }
    };
    put("service.name", &config.service_name);
    put("service.version", config.service_version.as_deref().unwrap_or(""));
    put("telemetry.sdk.name", crate::SDK_NAME);
    put("telemetry.sdk.language", "webjs");
    put("telemetry.sdk.version", crate::SDK_VERSION);
    put("user_agent.original", &browser.user_agent);
    put("browser.language", &browser.language);
    put("page.url", &strip_query(&browser.page_url));
    // The app's own attributes override ours, except service.name/version, which have their
    // own settings: letting both set them would make it unclear which one wins.
    for kv in &config.resource_attributes {
        if kv.key == "service.name" || kv.key == "service.version" {
            continue;
        }
        attributes.retain(|existing: &KeyValue| existing.key != kv.key);
        attributes.push(kv.clone());
    }
    Resource { attributes, ..Default::default() }
}

fn string_kv(key: &str, value: &str) -> KeyValue {
    KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.to_owned())) }), ..Default::default() }
}

fn strip_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or("").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, RawValue};

    fn attrs(resource: &Resource) -> Vec<(String, String)> {
        resource
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
        };
        let got = attrs(&build_resource(&config, &browser));
        let expected: Vec<(String, String)> = [
            ("service.name", "shop"),
            ("service.version", "1.2.3"),
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
}

use super::*;

fn endpoint_only(endpoint: &str) -> ConfigReport {
    parse(&RawValue::object([("endpoint", RawValue::str(endpoint)), ("serviceName", RawValue::str("web"))]))
}

#[test]
fn minimal_config_gets_documented_defaults() {
    let report = endpoint_only("http://localhost:4000");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let c = report.config.unwrap();
    assert_eq!(c.endpoint, "http://localhost:4000");
    assert_eq!(c.database, "public");
    assert!(c.headers.is_empty());
    assert_eq!(c.batch, BatchConfig::default());
    assert_eq!(c.span_limits, SpanLimits::default());
    assert_eq!(c.span_limits.attribute_count_limit, 128);
}

#[test]
fn endpoint_forms() {
    assert_eq!(endpoint_only("https://db.example:4000/").config.unwrap().endpoint, "https://db.example:4000");
    assert_eq!(endpoint_only("/greptime/").config.unwrap().endpoint, "/greptime");
    let r = endpoint_only("http://localhost:4000/v1/otlp");
    assert_eq!(r.config.unwrap().endpoint, "http://localhost:4000");
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("base address"));
    let r = endpoint_only("http://localhost:4000/v1/otlp/v1/traces");
    assert_eq!(r.config.unwrap().endpoint, "http://localhost:4000");

    for bad in ["localhost:4000", "ftp://x", "http://", "http://:4000", "//cdn.example", "http://a b", "http://x?db=public", "http://u:p@host"] {
        match endpoint_only(bad).config {
            Err(ConfigError::InvalidEndpoint { .. }) => {}
            other => panic!("{bad:?} should be invalid, got {other:?}"),
        }
    }
    assert_eq!(endpoint_only("   ").config, Err(ConfigError::MissingEndpoint));
}

#[test]
fn fatal_errors_say_what_to_do() {
    let missing = parse(&RawValue::object([("serviceName", RawValue::str("web"))]));
    let msg = missing.config.unwrap_err().to_string();
    assert!(msg.contains("endpoint") && msg.contains("http://localhost:4000"), "{msg}");
    let wrong = parse(&RawValue::object([("endpoint", RawValue::Number(4000.0))]));
    assert_eq!(wrong.config.unwrap_err().to_string(), "`endpoint` must be a string such as `http://localhost:4000`, got number");
    assert_eq!(parse(&RawValue::str("http://x")).config, Err(ConfigError::NotAnObject("string")));
    let disabled = parse(&RawValue::object([("endpoint", RawValue::str("http://x")), ("enabled", RawValue::Bool(false))]));
    assert_eq!(disabled.config, Err(ConfigError::Disabled));
}

#[test]
fn unknown_keys_and_wrong_types_are_reported_not_ignored() {
    let report = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceNmae", RawValue::str("web")),
        ("database", RawValue::Number(3.0)),
        ("batch", RawValue::object([("maxQueueSize", RawValue::str("100")), ("scheduleDelayMillis", RawValue::Number(1.0))])),
        ("spanLimits", RawValue::object([("attributeCountLimit", RawValue::Number(-1.0))])),
        ("headers", RawValue::object([("x-team", RawValue::Number(1.0)), ("bad header", RawValue::str("v"))])),
        (
            "resourceAttributes",
            RawValue::object([
                ("fn", RawValue::Unsupported("function")),
                ("mixed", RawValue::Array(vec![RawValue::str("a"), RawValue::Number(1.0)])),
            ]),
        ),
    ]));
    let c = report.config.unwrap();
    let w = report.warnings.join("\n");
    for expected in [
        "unknown configuration key `serviceNmae` ignored (did you mean `serviceName`?)",
        "`database` must be a string, got number; ignored",
        "`batch.maxQueueSize` must be a number, got string; using 2048",
        "unknown configuration key `batch.scheduleDelayMillis` ignored (did you mean `batch.scheduledDelayMillis`?)",
        "`spanLimits.attributeCountLimit` must be a whole number from 0 to 16777216, got -1; using 128",
        "header `x-team` must be a string, got number; ignored",
        "header name \"bad header\" is not a valid HTTP header name; ignored",
        "`resourceAttributes.fn`: function is not an attribute value",
        "`resourceAttributes.mixed`: array is not an attribute value",
        "`serviceName` is not set",
    ] {
        assert!(w.contains(expected), "missing warning {expected:?} in:\n{w}");
    }
    assert_eq!(c.database, "public");
    assert_eq!(c.batch.max_queue_size, 2048);
    assert!(c.headers.is_empty());
    assert!(c.resource_attributes.is_empty());
}

#[test]
fn credentials_become_x_greptime_auth() {
    let c = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("username", RawValue::str("browser")),
        ("password", RawValue::str("pw")),
    ]))
    .config
    .unwrap();
    assert_eq!(c.headers, vec![("x-greptime-auth".to_owned(), "Basic YnJvd3Nlcjpwdw==".to_owned())]);

    let r = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("headers", RawValue::object([("Authorization", RawValue::str("Basic abc=")), ("X-Team", RawValue::str("a"))])),
    ]));
    assert_eq!(r.config.unwrap().headers, vec![("x-greptime-auth".to_owned(), "Basic abc=".to_owned()), ("x-team".to_owned(), "a".to_owned())]);
    assert!(r.warnings[0].contains("sent as `x-greptime-auth`"));

    let half = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("username", RawValue::str("u")),
    ]));
    assert!(half.config.unwrap().headers.is_empty());
    assert!(half.warnings[0].contains("without `password`"));
}

#[test]
fn batch_size_is_clamped_to_queue_size() {
    let r = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("batch", RawValue::object([("maxQueueSize", RawValue::Number(100.0)), ("maxExportBatchSize", RawValue::Number(500.0))])),
    ]));
    let c = r.config.unwrap();
    assert_eq!((c.batch.max_queue_size, c.batch.max_export_batch_size), (100, 100));
    assert!(r.warnings[0].contains("larger than"));
}

#[test]
fn hyphenated_database_is_flagged() {
    let r = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("database", RawValue::str("my-db")),
    ]));
    assert_eq!(r.config.unwrap().database, "my-db");
    assert!(r.warnings[0].contains("catalog \"my\", schema \"db\""));
}

#[test]
fn resource_attribute_values() {
    let v = |raw: RawValue| attribute_value(&raw);
    assert_eq!(v(RawValue::Number(3.0)), Some(AttributeValue::Int(3)));
    assert_eq!(v(RawValue::Number(3.5)), Some(AttributeValue::Double(3.5)));
    assert_eq!(v(RawValue::Number(f64::NAN)), None);
    assert_eq!(v(RawValue::Number(1e300)), Some(AttributeValue::Double(1e300)));
    assert_eq!(v(RawValue::Object(vec![])), None);
    assert_eq!(
        v(RawValue::Array(vec![RawValue::Bool(true), RawValue::Bool(false)])),
        Some(AttributeValue::Array(vec![AttributeValue::Bool(true), AttributeValue::Bool(false)]))
    );
    assert_eq!(v(RawValue::Array(vec![RawValue::Number(1.0), RawValue::Number(1.5)])), None, "ints and doubles do not mix");
}

#[test]
fn edit_distance_basics() {
    assert_eq!(edit_distance("endpoint", "endpiont"), 2);
    assert_eq!(edit_distance("", "abc"), 3);
    assert_eq!(edit_distance("same", "same"), 0);
}

#[test]
fn numbers_in_messages() {
    assert_eq!(number_text(-1.0), "-1");
    assert_eq!(number_text(2.5), "2.5");
    assert_eq!(number_text(0.125), "0.125");
    assert_eq!(number_text(3.9999), "4");
    assert_eq!(number_text(f64::NAN), "NaN");
    assert_eq!(number_text(f64::NEG_INFINITY), "-Infinity");
    assert_eq!(number_text(1e300), "a very large number");
}

#[test]
fn delivery_and_propagation_settings() {
    let d = endpoint_only("http://x").config.unwrap();
    assert_eq!(d.delivery, DeliveryConfig::default());
    assert_eq!(d.propagation, PropagationConfig::default());
    let r = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://x")),
        ("serviceName", RawValue::str("web")),
        ("retry", RawValue::object([("maxAttempts", RawValue::Number(3.0)), ("maxBackoffMillis", RawValue::Number(30000.0))])),
        ("offline", RawValue::Bool(false)),
        ("compression", RawValue::str("none")),
        ("sampleRatio", RawValue::Number(0.25)),
        ("instrumentFetch", RawValue::Bool(true)),
        ("propagateTraceHeaderCorsUrls", RawValue::Array(vec![RawValue::str("https://api.example"), RawValue::Unsupported("regexp")])),
    ]));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let c = r.config.unwrap();
    assert_eq!((c.delivery.max_attempts, c.delivery.initial_backoff_millis, c.delivery.max_backoff_millis), (3, 1000, 30000));
    assert!(!c.delivery.offline_enabled);
    assert_eq!(c.delivery.compression_threshold_bytes, 0);
    assert_eq!((c.propagation.sample_ratio, c.propagation.instrument_fetch, c.propagation.instrument_xhr), (0.25, true, false));

    let bad = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://x")),
        ("serviceName", RawValue::str("web")),
        ("sampleRatio", RawValue::Number(1.5)),
        ("offline", RawValue::object([("maxBytes", RawValue::str("lots"))])),
        ("propagateTraceHeaderCorsUrls", RawValue::Array(vec![RawValue::Number(1.0)])),
        ("compression", RawValue::object([("thresholdBytes", RawValue::Number(10.0))])),
    ]));
    let w = bad.warnings.join("\n");
    assert!(w.contains("`sampleRatio` must be a number from 0 to 1, got 1.5; using 1"), "{w}");
    assert!(w.contains("`offline.maxBytes` must be a number, got string"), "{w}");
    assert!(w.contains("`propagateTraceHeaderCorsUrls` entries must be strings or regular expressions, got number"), "{w}");
    let c = bad.config.unwrap();
    assert_eq!((c.propagation.sample_ratio, c.delivery.compression_threshold_bytes), (1.0, 10));
}

#[test]
fn header_settings_fetch_cannot_send_are_rejected_at_configuration() {
    let with = |key: &str, value: &str| {
        parse(&RawValue::object([
            ("endpoint", RawValue::str("http://localhost:4000")),
            ("serviceName", RawValue::str("web")),
            (key, RawValue::str(value)),
        ]))
    };
    for (key, value) in [("database", "日本_db"), ("traceTable", "traces\u{2028}"), ("logTable", "logs\nx"), ("database", "a\u{0}b")] {
        match with(key, value).config {
            Err(ConfigError::NotAHeaderValue { key: k, .. }) => assert_eq!(k, key),
            other => panic!("{key}={value:?} should be rejected, got {other:?}"),
        }
    }
    let message = with("database", "日本_db").config.unwrap_err().to_string();
    assert!(message.contains("`database` \"日本_db\" cannot be sent") && message.contains("Latin-1"), "{message}");
    // Latin-1 is what fetch accepts.
    assert!(with("database", "caf\u{e9}").config.is_ok());

    let r = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://localhost:4000")),
        ("serviceName", RawValue::str("web")),
        ("headers", RawValue::object([("x-team", RawValue::str("チーム")), ("x-ok", RawValue::str("fine"))])),
    ]));
    let c = r.config.unwrap();
    assert_eq!(c.headers, vec![("x-ok".to_owned(), "fine".to_owned())]);
    assert!(r.warnings.iter().any(|w| w.contains("header `x-team` ignored") && w.contains("Latin-1")), "{:?}", r.warnings);
}

#[test]
fn wasm_url_is_a_known_key_read_in_js() {
    // `wasmUrl` is used before the core exists (js/runtime/wasm_url.ts): known here, not warned.
    let report = parse(&RawValue::object([
        ("endpoint", RawValue::str("http://x")),
        ("serviceName", RawValue::str("web")),
        ("wasmUrl", RawValue::str("/core.wasm")),
    ]));
    assert!(report.config.is_ok());
    assert_eq!(report.warnings, Vec::<String>::new());
}

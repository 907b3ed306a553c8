//! The app's configuration, validated. Every key is checked: unknown keys and wrong types are
//! reported (with a suggestion when a key looks misspelt); only a missing or unusable endpoint
//! is fatal, since without it there is nowhere to send anything.

pub mod attribute_value;
#[cfg(target_arch = "wasm32")]
pub mod js_reader;
pub mod raw_value;
pub mod trace_model;
pub mod rum;

use crate::export::greptime_contract::basic_auth_header;
pub use attribute_value::{attribute_value, AttributeValue};
pub use raw_value::RawValue;
pub use rum::RumConfig;
use std::fmt;
pub use trace_model::TraceModel;

/// OpenTelemetry BatchSpanProcessor defaults (sdk-trace BatchSpanProcessorBase).
pub const DEFAULT_MAX_QUEUE_SIZE: u32 = 2048;
pub const DEFAULT_MAX_EXPORT_BATCH_SIZE: u32 = 512;
pub const DEFAULT_SCHEDULED_DELAY_MILLIS: u32 = 5_000;
pub const DEFAULT_EXPORT_TIMEOUT_MILLIS: u32 = 30_000;
/// OpenTelemetry's span limit defaults, except the value length: OpenTelemetry leaves it
/// unlimited; we cut strings at 8 KiB so one runaway value (a serialized state, a data URL)
/// cannot bloat every batch and every GreptimeDB column it lands in.
pub const DEFAULT_ATTRIBUTE_COUNT_LIMIT: u32 = 128;
pub const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT: u32 = 8_192;
pub const DEFAULT_EVENT_COUNT_LIMIT: u32 = 128;
pub const DEFAULT_LINK_COUNT_LIMIT: u32 = 128;
pub const DEFAULT_DATABASE: &str = "public";
pub const DEFAULT_LOG_TABLE: &str = "opentelemetry_logs";
/// OpenTelemetry's BatchLogRecordProcessor sends after 1 s, not 5 s.
pub const DEFAULT_LOG_SCHEDULED_DELAY_MILLIS: u32 = 1_000;
/// The seed system's interval (OpenTelemetry's PeriodicExportingMetricReader waits 60 s, which
/// loses most short page views' metrics).
pub const DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS: u32 = 15_000;
/// OpenTelemetry's default cardinality limit per instrument.
pub const DEFAULT_CARDINALITY_LIMIT: u32 = 2_000;
pub const DEFAULT_SERVICE_NAME: &str = "unknown_service:webjs";

#[derive(Clone, Debug, PartialEq)]
pub struct BatchConfig {
    pub max_queue_size: u32,
    pub max_export_batch_size: u32,
    pub scheduled_delay_millis: u32,
    pub export_timeout_millis: u32,
}

impl Default for BatchConfig {
    fn default() -> Self {
        BatchConfig {
            max_queue_size: DEFAULT_MAX_QUEUE_SIZE,
            max_export_batch_size: DEFAULT_MAX_EXPORT_BATCH_SIZE,
            scheduled_delay_millis: DEFAULT_SCHEDULED_DELAY_MILLIS,
            export_timeout_millis: DEFAULT_EXPORT_TIMEOUT_MILLIS,
        }
    }
}

impl BatchConfig {
    pub fn logs_default() -> Self {
        BatchConfig { scheduled_delay_millis: DEFAULT_LOG_SCHEDULED_DELAY_MILLIS, ..Default::default() }
    }
}

/// Cumulative suits PromQL's `rate()` on GreptimeDB (it stores delta points as they come).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporality {
    Cumulative,
    Delta,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MetricsConfig {
    pub export_interval_millis: u32,
    pub export_timeout_millis: u32,
    pub temporality: Temporality,
    pub cardinality_limit: u32,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            export_interval_millis: DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS,
            export_timeout_millis: DEFAULT_EXPORT_TIMEOUT_MILLIS,
            temporality: Temporality::Cumulative,
            cardinality_limit: DEFAULT_CARDINALITY_LIMIT,
        }
    }
}

/// Applied in JS, where attributes enter; validated here with the rest of the configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanLimits {
    pub attribute_count_limit: u32,
    pub attribute_value_length_limit: u32,
    pub event_count_limit: u32,
    pub link_count_limit: u32,
    pub attribute_per_event_count_limit: u32,
    pub attribute_per_link_count_limit: u32,
}

impl Default for SpanLimits {
    fn default() -> Self {
        SpanLimits {
            attribute_count_limit: DEFAULT_ATTRIBUTE_COUNT_LIMIT,
            attribute_value_length_limit: DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT,
            event_count_limit: DEFAULT_EVENT_COUNT_LIMIT,
            link_count_limit: DEFAULT_LINK_COUNT_LIMIT,
            attribute_per_event_count_limit: DEFAULT_ATTRIBUTE_COUNT_LIMIT,
            attribute_per_link_count_limit: DEFAULT_ATTRIBUTE_COUNT_LIMIT,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Base URL of GreptimeDB's HTTP API without a trailing slash (`http://localhost:4000`),
    /// or a same-origin path (`/greptime`) for a proxy.
    pub endpoint: String,
    pub database: String,
    /// Extra request headers, credentials included (`x-greptime-auth: Basic …`).
    pub headers: Vec<(String, String)>,
    pub service_name: String,
    pub service_version: Option<String>,
    /// In the order written, a repeated key keeping its last value.
    pub resource_attributes: Vec<(String, AttributeValue)>,
    pub trace_table: Option<String>,
    /// `traceModel`: the trace pipeline sent (see `trace_model`).
    pub trace_model: TraceModel,
    /// `x-greptime-log-table-name`, always sent.
    pub log_table: String,
    /// Spans.
    pub batch: BatchConfig,
    /// Log records (OpenTelemetry's BatchLogRecordProcessor defaults).
    pub log_batch: BatchConfig,
    pub metrics: MetricsConfig,
    /// Record uncaught errors and unhandled rejections as error logs (JS applies it).
    pub capture_errors: bool,
    /// Console methods whose calls become logs (JS applies it); empty: none.
    pub capture_console: Vec<String>,
    pub span_limits: SpanLimits,
    pub delivery: DeliveryConfig,
    pub propagation: PropagationConfig,
    /// Export the SDK's own counters (exported, dropped by reason, retries) as metrics.
    pub self_metrics: bool,
    /// The browser signals recorded by the SDK itself (`rum.rs`).
    pub rum: RumConfig,
}

/// How exports survive failures (applied by the JS transport).
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryConfig {
    /// Attempts per request, the first included (OpenTelemetry JS: 1 + 5 retries).
    pub max_attempts: u32,
    pub initial_backoff_millis: u32,
    pub max_backoff_millis: u32,
    /// Keep what could not be sent in IndexedDB and send it later.
    pub offline_enabled: bool,
    pub offline_max_bytes: u32,
    pub offline_max_age_millis: u32,
    /// gzip request bodies at least this large; 0 turns compression off.
    pub compression_threshold_bytes: u32,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            max_attempts: 6,
            initial_backoff_millis: 1_000,
            max_backoff_millis: 5_000,
            offline_enabled: true,
            offline_max_bytes: 5 * 1024 * 1024,
            offline_max_age_millis: 24 * 3_600_000,
            compression_threshold_bytes: 1024,
        }
    }
}

/// Trace context propagation and sampling (applied in JS).
#[derive(Clone, Debug, PartialEq)]
pub struct PropagationConfig {
    /// Share of new traces recorded, 0 to 1 (parent-based: children follow their parent).
    pub sample_ratio: f64,
    pub instrument_fetch: bool,
    pub instrument_xhr: bool,
}

impl Default for PropagationConfig {
    fn default() -> Self {
        PropagationConfig { sample_ratio: 1.0, instrument_fetch: false, instrument_xhr: false }
    }
}

/// Why the configuration cannot be used at all.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    NotAnObject(&'static str),
    MissingEndpoint,
    EndpointNotString(&'static str),
    InvalidEndpoint {
        value: String,
        reason: &'static str,
    },
    /// A setting sent as a header (`database`, `traceTable`, `logTable`) that `fetch` cannot send.
    NotAHeaderValue {
        key: &'static str,
        value: String,
    },
    Disabled,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NotAnObject(t) => write!(f, "the configuration must be an object, got {t}"),
            ConfigError::MissingEndpoint => f.write_str(
                "no `endpoint` configured: set it to GreptimeDB's HTTP address, e.g. `http://localhost:4000`",
            ),
            ConfigError::EndpointNotString(t) => write!(
                f,
                "`endpoint` must be a string such as `http://localhost:4000`, got {t}"
            ),
            ConfigError::InvalidEndpoint { value, reason } => write!(
                f,
                "`endpoint` \"{value}\" {reason}: use GreptimeDB's HTTP address such as `http://localhost:4000`, or a same-origin path such as `/greptime`"
            ),
            ConfigError::NotAHeaderValue { key, value } => write!(
                f,
                "`{key}` \"{value}\" cannot be sent: it travels in an HTTP header, and browsers refuse header values with characters beyond Latin-1 (U+00FF) or line breaks; every export would fail"
            ),
            ConfigError::Disabled => f.write_str("telemetry is disabled (`enabled: false`)"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The outcome of validation: a usable configuration (or why not) plus every warning.
#[derive(Debug)]
pub struct ConfigReport {
    pub config: Result<Config, ConfigError>,
    pub warnings: Vec<String>,
}

const KNOWN_KEYS: &[&str] = &[
    "endpoint",
    "database",
    "username",
    "password",
    "headers",
    "serviceName",
    "serviceVersion",
    "resourceAttributes",
    "traceTable",
    "traceModel",
    "logTable",
    "batch",
    "logBatch",
    "metrics",
    "captureErrors",
    "captureConsole",
    "retry",
    "offline",
    "compression",
    "sampleRatio",
    "instrumentFetch",
    "instrumentXhr",
    "propagateTraceHeaderCorsUrls",
    "selfMetrics",
    "spanLimits",
    "rum",
    "enabled",
    // Read in JS before the core exists (js/runtime/wasm_url.ts), known here so it is not warned.
    "wasmUrl",
];
const BATCH_KEYS: &[&str] = &["maxQueueSize", "maxExportBatchSize", "scheduledDelayMillis", "exportTimeoutMillis"];
const RETRY_KEYS: &[&str] = &["maxAttempts", "initialBackoffMillis", "maxBackoffMillis"];
const OFFLINE_KEYS: &[&str] = &["enabled", "maxBytes", "maxAgeMillis"];
const COMPRESSION_KEYS: &[&str] = &["thresholdBytes"];
const METRICS_KEYS: &[&str] = &["exportIntervalMillis", "exportTimeoutMillis", "temporality", "cardinalityLimit"];
const CONSOLE_LEVELS: &[&str] = &["debug", "log", "info", "warn", "error"];
const DEFAULT_CONSOLE_LEVELS: &[&str] = &["info", "warn", "error"];
const LIMIT_KEYS: &[&str] = &[
    "attributeCountLimit",
    "attributeValueLengthLimit",
    "eventCountLimit",
    "linkCountLimit",
    "attributePerEventCountLimit",
    "attributePerLinkCountLimit",
];

/// Validates the app's configuration object.
pub fn parse(raw: &RawValue) -> ConfigReport {
    let mut v = Validator::default();
    let config = v.config(raw);
    ConfigReport { config, warnings: v.warnings }
}

#[derive(Default)]
struct Validator {
    warnings: Vec<String>,
}

impl Validator {
    fn warn(&mut self, message: String) {
        self.warnings.push(message);
    }

    fn config(&mut self, raw: &RawValue) -> Result<Config, ConfigError> {
        let RawValue::Object(entries) = raw else {
            return Err(ConfigError::NotAnObject(raw.type_name()));
        };
        self.unknown_keys("", entries, KNOWN_KEYS);
        let get = |key: &str| lookup(entries, key);

        if let Some(false) = self.bool("enabled", get("enabled")) {
            return Err(ConfigError::Disabled);
        }
        let endpoint = match get("endpoint") {
            RawValue::Missing => return Err(ConfigError::MissingEndpoint),
            RawValue::String(s) => normalize_endpoint(s, &mut self.warnings)?,
            other => return Err(ConfigError::EndpointNotString(other.type_name())),
        };

        let database = self.string("database", get("database")).unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
        if database.is_empty() {
            self.warn(format!("`database` is empty; using \"{DEFAULT_DATABASE}\""));
        } else if let Some((catalog, schema)) = database.split_once('-') {
            self.warn(format!("`database` \"{database}\" contains '-': GreptimeDB reads it as catalog \"{catalog}\", schema \"{schema}\""));
        }
        let database = if database.is_empty() { DEFAULT_DATABASE.to_owned() } else { database };
        header_value("database", &database)?;

        let mut headers = self.headers(get("headers"));
        let username = self.string("username", get("username"));
        let password = self.string("password", get("password"));
        match (username, password) {
            (Some(u), Some(p)) => {
                headers.retain(|(name, _)| name != "x-greptime-auth");
                headers.push(("x-greptime-auth".to_owned(), basic_auth_header(&u, &p)));
            }
            (Some(_), None) => self.warn("`username` is set without `password`; sending no credentials".into()),
            (None, Some(_)) => self.warn("`password` is set without `username`; sending no credentials".into()),
            (None, None) => {}
        }

        let service_name = match self.string("serviceName", get("serviceName")) {
            Some(s) if !s.is_empty() => s,
            _ => {
                self.warn(format!("`serviceName` is not set; spans are stored under service_name \"{DEFAULT_SERVICE_NAME}\""));
                DEFAULT_SERVICE_NAME.to_owned()
            }
        };
        let service_version = self.string("serviceVersion", get("serviceVersion"));
        let resource_attributes = self.attributes("resourceAttributes", get("resourceAttributes"));
        let mut trace_table = self.string("traceTable", get("traceTable")).filter(|s| !s.is_empty());
        let trace_model = trace_model::read(get("traceModel"), &mut trace_table, &mut self.warnings);
        let log_table = self.string("logTable", get("logTable")).filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_LOG_TABLE.to_owned());
        if let Some(table) = &trace_table {
            header_value("traceTable", table)?;
        }
        header_value("logTable", &log_table)?;

        Ok(Config {
            endpoint,
            database,
            headers,
            service_name,
            service_version,
            resource_attributes,
            trace_table,
            trace_model,
            log_table,
            batch: self.batch("batch", get("batch"), BatchConfig::default()),
            log_batch: self.batch("logBatch", get("logBatch"), BatchConfig::logs_default()),
            metrics: self.metrics(get("metrics")),
            capture_errors: self.bool("captureErrors", get("captureErrors")).unwrap_or(false),
            capture_console: self.console_levels(get("captureConsole")),
            span_limits: self.span_limits(get("spanLimits")),
            delivery: self.delivery(get("retry"), get("offline"), get("compression")),
            propagation: self.propagation(entries),
            self_metrics: self.bool("selfMetrics", get("selfMetrics")).unwrap_or(false),
            rum: self.rum(get("rum")),
        })
    }

    fn unknown_keys(&mut self, prefix: &str, entries: &[(String, RawValue)], known: &[&str]) {
        for (key, _) in entries {
            if !known.contains(&key.as_str()) {
                let hint = known
                    .iter()
                    .find(|k| edit_distance(&k.to_ascii_lowercase(), &key.to_ascii_lowercase()) <= 2)
                    .map(|k| format!(" (did you mean `{prefix}{k}`?)"))
                    .unwrap_or_default();
                self.warn(format!("unknown configuration key `{prefix}{key}` ignored{hint}"));
            }
        }
    }

    fn string(&mut self, key: &str, raw: &RawValue) -> Option<String> {
        match raw {
            RawValue::Missing => None,
            RawValue::String(s) => Some(s.clone()),
            other => {
                self.warn(format!("`{key}` must be a string, got {}; ignored", other.type_name()));
                None
            }
        }
    }

    fn bool(&mut self, key: &str, raw: &RawValue) -> Option<bool> {
        match raw {
            RawValue::Missing => None,
            RawValue::Bool(b) => Some(*b),
            other => {
                self.warn(format!("`{key}` must be a boolean, got {}; ignored", other.type_name()));
                None
            }
        }
    }

    /// A whole number in `min..=max`; anything else warns and keeps the default.
    fn integer(&mut self, key: &str, raw: &RawValue, min: u32, max: u32, default: u32) -> u32 {
        match raw {
            RawValue::Missing => default,
            RawValue::Number(n) if n.fract() == 0.0 && *n >= min as f64 && *n <= max as f64 => *n as u32,
            RawValue::Number(n) => {
                let n = number_text(*n);
                self.warn(format!("`{key}` must be a whole number from {min} to {max}, got {n}; using {default}"));
                default
            }
            other => {
                self.warn(format!("`{key}` must be a number, got {}; using {default}", other.type_name()));
                default
            }
        }
    }

    /// The entries of a nested object; `None` when it is missing or not an object (warned,
    /// with `fallback` saying what happens instead).
    fn object<'a>(&mut self, key: &str, raw: &'a RawValue, fallback: &str) -> Option<&'a [(String, RawValue)]> {
        match raw {
            RawValue::Missing => None,
            RawValue::Object(entries) => Some(entries),
            other => {
                self.warn(format!("`{key}` must be an object, got {}; {fallback}", other.type_name()));
                None
            }
        }
    }

    fn headers(&mut self, raw: &RawValue) -> Vec<(String, String)> {
        let Some(entries) = self.object("headers", raw, "ignored") else {
            return Vec::new();
        };
        let mut headers = Vec::new();
        for (name, value) in entries {
            let lower = name.to_ascii_lowercase();
            let RawValue::String(value) = value else {
                self.warn(format!("header `{name}` must be a string, got {}; ignored", value.type_name()));
                continue;
            };
            if !is_header_name(&lower) {
                self.warn(format!("header name \"{name}\" is not a valid HTTP header name; ignored"));
                continue;
            }
            if !is_header_value(value) {
                self.warn(format!(
                    "header `{name}` ignored: its value has characters beyond Latin-1 (U+00FF) or line breaks, which browsers refuse to send (encode it, e.g. with encodeURIComponent)"
                ));
                continue;
            }
            if matches!(lower.as_str(), "content-type" | "content-encoding" | "content-length") {
                self.warn(format!("header `{name}` is set by the exporter itself; ignored"));
                continue;
            }
            // GreptimeDB answers CORS preflights with `Access-Control-Allow-Headers: *`, which by
            // the Fetch spec does not cover `Authorization`; it reads `x-greptime-auth` first.
            let lower = if lower == "authorization" {
                self.warn(
                    "header `Authorization` is sent as `x-greptime-auth` (GreptimeDB reads it first, and its CORS wildcard does not allow `Authorization` in browsers)"
                        .into(),
                );
                "x-greptime-auth".to_owned()
            } else {
                lower
            };
            headers.retain(|(n, _)| *n != lower);
            headers.push((lower, value.clone()));
        }
        headers
    }

    fn attributes(&mut self, key: &str, raw: &RawValue) -> Vec<(String, AttributeValue)> {
        let Some(entries) = self.object(key, raw, "ignored") else {
            return Vec::new();
        };
        let mut out: Vec<(String, AttributeValue)> = Vec::new();
        for (name, value) in entries {
            match attribute_value(value) {
                Some(value) => {
                    out.retain(|(k, _)| k != name);
                    out.push((name.clone(), value));
                }
                None if *value == RawValue::Missing => {}
                None => self.warn(format!(
                    "`{key}.{name}`: {} is not an attribute value (string, number, boolean or an array of one of them); ignored",
                    value.type_name()
                )),
            }
        }
        out
    }

    /// `batch` (spans) or `logBatch` (log records), over the given defaults.
    fn batch(&mut self, key: &str, raw: &RawValue, d: BatchConfig) -> BatchConfig {
        let Some(entries) = self.object(key, raw, "using the defaults") else {
            return d;
        };
        self.unknown_keys(&format!("{key}."), entries, BATCH_KEYS);
        let get = |k: &str| lookup(entries, k);
        let max_queue_size = self.integer(&format!("{key}.maxQueueSize"), get("maxQueueSize"), 1, 1 << 20, d.max_queue_size);
        let mut max_export_batch_size =
            self.integer(&format!("{key}.maxExportBatchSize"), get("maxExportBatchSize"), 1, 1 << 20, d.max_export_batch_size);
        if max_export_batch_size > max_queue_size {
            // As OpenTelemetry does: a batch can never be larger than the queue.
            self.warn(format!(
                "`{key}.maxExportBatchSize` ({max_export_batch_size}) is larger than `{key}.maxQueueSize` ({max_queue_size}); using {max_queue_size}"
            ));
            max_export_batch_size = max_queue_size;
        }
        BatchConfig {
            max_queue_size,
            max_export_batch_size,
            scheduled_delay_millis: self.integer(
                &format!("{key}.scheduledDelayMillis"),
                get("scheduledDelayMillis"),
                0,
                3_600_000,
                d.scheduled_delay_millis,
            ),
            export_timeout_millis: self.integer(
                &format!("{key}.exportTimeoutMillis"),
                get("exportTimeoutMillis"),
                1,
                3_600_000,
                d.export_timeout_millis,
            ),
        }
    }

    fn metrics(&mut self, raw: &RawValue) -> MetricsConfig {
        let d = MetricsConfig::default();
        let Some(entries) = self.object("metrics", raw, "using the defaults") else {
            return d;
        };
        self.unknown_keys("metrics.", entries, METRICS_KEYS);
        let get = |k: &str| lookup(entries, k);
        let temporality = match get("temporality") {
            RawValue::Missing => d.temporality,
            RawValue::String(s) if s.eq_ignore_ascii_case("cumulative") => Temporality::Cumulative,
            RawValue::String(s) if s.eq_ignore_ascii_case("delta") => Temporality::Delta,
            other => {
                self.warn(format!(
                    "`metrics.temporality` must be \"cumulative\" or \"delta\", got {}; using cumulative",
                    match other {
                        RawValue::String(s) => format!("\"{s}\""),
                        other => other.type_name().to_owned(),
                    }
                ));
                d.temporality
            }
        };
        MetricsConfig {
            export_interval_millis: self.integer(
                "metrics.exportIntervalMillis",
                get("exportIntervalMillis"),
                100,
                3_600_000,
                d.export_interval_millis,
            ),
            export_timeout_millis: self.integer("metrics.exportTimeoutMillis", get("exportTimeoutMillis"), 1, 3_600_000, d.export_timeout_millis),
            temporality,
            cardinality_limit: self.integer("metrics.cardinalityLimit", get("cardinalityLimit"), 2, 100_000, d.cardinality_limit),
        }
    }

    fn delivery(&mut self, retry: &RawValue, offline: &RawValue, compression: &RawValue) -> DeliveryConfig {
        let d = DeliveryConfig::default();
        let mut out = d.clone();
        if let Some(entries) = self.object("retry", retry, "using the defaults") {
            self.unknown_keys("retry.", entries, RETRY_KEYS);
            let get = |k: &str| lookup(entries, k);
            out.max_attempts = self.integer("retry.maxAttempts", get("maxAttempts"), 1, 20, d.max_attempts);
            out.initial_backoff_millis =
                self.integer("retry.initialBackoffMillis", get("initialBackoffMillis"), 1, 600_000, d.initial_backoff_millis);
            out.max_backoff_millis = self.integer("retry.maxBackoffMillis", get("maxBackoffMillis"), 1, 3_600_000, d.max_backoff_millis);
        }
        match offline {
            RawValue::Bool(enabled) => out.offline_enabled = *enabled,
            other => {
                if let Some(entries) = self.object("offline", other, "using the defaults") {
                    self.unknown_keys("offline.", entries, OFFLINE_KEYS);
                    let get = |k: &str| lookup(entries, k);
                    out.offline_enabled = self.bool("offline.enabled", get("enabled")).unwrap_or(d.offline_enabled);
                    out.offline_max_bytes = self.integer("offline.maxBytes", get("maxBytes"), 0, 1 << 30, d.offline_max_bytes);
                    out.offline_max_age_millis =
                        self.integer("offline.maxAgeMillis", get("maxAgeMillis"), 0, 30 * 24 * 3_600_000, d.offline_max_age_millis);
                }
            }
        }
        match compression {
            RawValue::Missing => {}
            RawValue::Bool(false) => out.compression_threshold_bytes = 0,
            RawValue::Bool(true) => {}
            RawValue::String(s) if s == "gzip" => {}
            RawValue::String(s) if s == "none" => out.compression_threshold_bytes = 0,
            other => {
                if let Some(entries) = self.object("compression", other, "using gzip above 1024 bytes") {
                    self.unknown_keys("compression.", entries, COMPRESSION_KEYS);
                    out.compression_threshold_bytes =
                        self.integer("compression.thresholdBytes", lookup(entries, "thresholdBytes"), 0, 1 << 30, d.compression_threshold_bytes);
                }
            }
        }
        out
    }

    fn propagation(&mut self, entries: &[(String, RawValue)]) -> PropagationConfig {
        let d = PropagationConfig::default();
        let get = |k: &str| lookup(entries, k);
        let sample_ratio = match get("sampleRatio") {
            RawValue::Missing => d.sample_ratio,
            RawValue::Number(n) if (0.0..=1.0).contains(n) => *n,
            other => {
                let got = match other {
                    RawValue::Number(n) => number_text(*n),
                    other => other.type_name().to_owned(),
                };
                self.warn(format!("`sampleRatio` must be a number from 0 to 1, got {got}; using 1"));
                d.sample_ratio
            }
        };
        match get("propagateTraceHeaderCorsUrls") {
            RawValue::Missing => {}
            RawValue::Array(items) => {
                for item in items {
                    if !matches!(item, RawValue::String(_) | RawValue::Unsupported("regexp")) {
                        self.warn(format!(
                            "`propagateTraceHeaderCorsUrls` entries must be strings or regular expressions, got {}; ignored",
                            item.type_name()
                        ));
                    }
                }
            }
            other => self
                .warn(format!("`propagateTraceHeaderCorsUrls` must be a list of strings or regular expressions, got {}; ignored", other.type_name())),
        }
        PropagationConfig {
            sample_ratio,
            instrument_fetch: self.bool("instrumentFetch", get("instrumentFetch")).unwrap_or(d.instrument_fetch),
            instrument_xhr: self.bool("instrumentXhr", get("instrumentXhr")).unwrap_or(d.instrument_xhr),
        }
    }

    /// `true` (the default levels), `false`, or a list of console method names.
    fn console_levels(&mut self, raw: &RawValue) -> Vec<String> {
        match raw {
            RawValue::Missing | RawValue::Bool(false) => Vec::new(),
            RawValue::Bool(true) => DEFAULT_CONSOLE_LEVELS.iter().map(|l| l.to_string()).collect(),
            RawValue::Array(items) => {
                let mut levels = Vec::new();
                for item in items {
                    match item {
                        RawValue::String(l) if CONSOLE_LEVELS.contains(&l.as_str()) => {
                            if !levels.contains(l) {
                                levels.push(l.clone());
                            }
                        }
                        other => self.warn(format!(
                            "`captureConsole` entries must be one of {}; ignored {}",
                            CONSOLE_LEVELS.join(", "),
                            match other {
                                RawValue::String(s) => format!("\"{s}\""),
                                other => other.type_name().to_owned(),
                            }
                        )),
                    }
                }
                levels
            }
            other => {
                self.warn(format!("`captureConsole` must be a boolean or a list of levels, got {}; ignored", other.type_name()));
                Vec::new()
            }
        }
    }

    fn span_limits(&mut self, raw: &RawValue) -> SpanLimits {
        let d = SpanLimits::default();
        let Some(entries) = self.object("spanLimits", raw, "using the defaults") else {
            return d;
        };
        self.unknown_keys("spanLimits.", entries, LIMIT_KEYS);
        let get = |k: &str| lookup(entries, k);
        const MAX: u32 = 1 << 24;
        SpanLimits {
            attribute_count_limit: self.integer("spanLimits.attributeCountLimit", get("attributeCountLimit"), 0, MAX, d.attribute_count_limit),
            attribute_value_length_limit: self.integer(
                "spanLimits.attributeValueLengthLimit",
                get("attributeValueLengthLimit"),
                1,
                MAX,
                d.attribute_value_length_limit,
            ),
            event_count_limit: self.integer("spanLimits.eventCountLimit", get("eventCountLimit"), 0, MAX, d.event_count_limit),
            link_count_limit: self.integer("spanLimits.linkCountLimit", get("linkCountLimit"), 0, MAX, d.link_count_limit),
            attribute_per_event_count_limit: self.integer(
                "spanLimits.attributePerEventCountLimit",
                get("attributePerEventCountLimit"),
                0,
                MAX,
                d.attribute_per_event_count_limit,
            ),
            attribute_per_link_count_limit: self.integer(
                "spanLimits.attributePerLinkCountLimit",
                get("attributePerLinkCountLimit"),
                0,
                MAX,
                d.attribute_per_link_count_limit,
            ),
        }
    }
}

fn lookup<'a>(entries: &'a [(String, RawValue)], key: &str) -> &'a RawValue {
    entries.iter().rev().find(|(k, _)| k == key).map_or(&RawValue::Missing, |(_, v)| v)
}

/// Accepts `http(s)://host[:port][/base/path]` or a same-origin `/path`; strips trailing
/// slashes and an OTLP suffix people copy from other SDKs' docs.
fn normalize_endpoint(raw: &str, warnings: &mut Vec<String>) -> Result<String, ConfigError> {
    let invalid = |reason| ConfigError::InvalidEndpoint { value: raw.to_owned(), reason };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ConfigError::MissingEndpoint);
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("contains whitespace"));
    }
    if trimmed.contains(['?', '#']) {
        return Err(invalid("has a query or fragment"));
    }
    let is_path = trimmed.starts_with('/') && !trimmed.starts_with("//");
    if !is_path {
        let rest = trimmed.strip_prefix("http://").or_else(|| trimmed.strip_prefix("https://")).ok_or_else(|| invalid("is not an http(s) URL"))?;
        let authority = rest.split('/').next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        if host.is_empty() || host.starts_with(':') {
            return Err(invalid("has no host"));
        }
        if authority.contains('@') {
            return Err(invalid("contains credentials (use `username` and `password`)"));
        }
    }
    let mut endpoint = trimmed.trim_end_matches('/').to_owned();
    for suffix in ["/v1/otlp/v1/traces", "/v1/otlp/v1/metrics", "/v1/otlp/v1/logs", "/v1/otlp"] {
        if let Some(base) = endpoint.strip_suffix(suffix) {
            warnings.push(format!(
                "`endpoint` should be GreptimeDB's base address; using \"{}\" (the OTLP paths are added per signal)",
                if base.is_empty() { "/" } else { base }
            ));
            endpoint = base.to_owned();
            break;
        }
    }
    Ok(endpoint)
}

/// RFC 9110 token characters.
/// What `fetch` accepts as a header value (a ByteString without NUL, CR or LF): anything else
/// makes every request throw before it is sent, so it must never get past configuration.
fn is_header_value(value: &str) -> bool {
    value.chars().all(|c| (c as u32) <= 0xff && !matches!(c, '\0' | '\r' | '\n'))
}

fn header_value(key: &'static str, value: &str) -> Result<(), ConfigError> {
    if is_header_value(value) {
        Ok(())
    } else {
        Err(ConfigError::NotAHeaderValue { key, value: value.to_owned() })
    }
}

fn is_header_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A number for a message, without `f64`'s `Display`: float formatting would add about 15 KB
/// to the .wasm for the sake of one warning.
fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n.abs() >= 1e15 {
        return "a very large number".into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let n = n.abs();
    let whole = n.trunc() as u64;
    let millis = ((n - n.trunc()) * 1000.0).round() as u64;
    match millis {
        0 => format!("{sign}{whole}"),
        1000 => format!("{sign}{}", whole + 1),
        m => format!("{sign}{whole}.{}", format!("{m:03}").trim_end_matches('0')),
    }
}

/// Levenshtein distance, for "did you mean" hints on short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod trace_model_tests;

//! GreptimeDB's OTLP/HTTP contract as a browser client must follow it (see
//! ../shared/greptimedb-otlp.md, read from GreptimeDB's source): where to POST, which headers,
//! and what each answer means. The transport that performs the request lives in JS.

use super::response_decode::{partial_success, rpc_status_message};
use crate::config::Config;
use base64::Engine;

/// Numbered as the JS layer names them when it calls the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    Traces = 0,
    Metrics = 1,
    Logs = 2,
}

impl Signal {
    pub fn from_u8(v: u8) -> Option<Self> {
        [Signal::Traces, Signal::Metrics, Signal::Logs].get(v as usize).copied()
    }

    pub fn path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/otlp/v1/traces",
            Signal::Metrics => "/v1/otlp/v1/metrics",
            Signal::Logs => "/v1/otlp/v1/logs",
        }
    }

    /// What one item of this signal is called in messages.
    pub fn items(self) -> &'static str {
        match self {
            Signal::Traces => "spans",
            Signal::Metrics => "data points",
            Signal::Logs => "log records",
        }
    }
}

/// `Basic base64(user:password)` with standard padding, as GreptimeDB's decoder requires.
pub fn basic_auth_header(username: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {token}")
}

pub fn export_url(config: &Config, signal: Signal) -> String {
    format!("{}{}", config.endpoint, signal.path())
}

/// Every header of an export request for `signal`. All of them are covered by GreptimeDB's
/// `Access-Control-Allow-Headers: *` (credentials go in `x-greptime-auth`, never `Authorization`).
pub fn export_headers(config: &Config, signal: Signal) -> Vec<(String, String)> {
    let mut headers =
        vec![("content-type".to_owned(), "application/x-protobuf".to_owned()), ("x-greptime-db-name".to_owned(), config.database.clone())];
    match signal {
        Signal::Traces => {
            // Required: without it GreptimeDB answers 400 "Pipeline is required for this API."
            headers.push(("x-greptime-pipeline-name".to_owned(), config.trace_model.pipeline().to_owned()));
            if let Some(table) = &config.trace_table {
                headers.push(("x-greptime-trace-table-name".to_owned(), table.clone()));
            }
        }
        Signal::Logs => headers.push(("x-greptime-log-table-name".to_owned(), config.log_table.clone())),
        // GreptimeDB reads no pipeline or table header for metrics: one table per metric.
        Signal::Metrics => {}
    }
    for (name, value) in &config.headers {
        headers.retain(|(n, _)| n != name);
        headers.push((name.clone(), value.clone()));
    }
    headers
}

/// What one HTTP answer means for the batch that was sent.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportOutcome {
    /// Stored. `rejected` items were refused individually (trace partial success).
    Accepted { rejected: u64, message: String },
    /// Worth sending again later (429, 502, 503, 504 by the OTLP spec, or no response at all).
    Retryable { status: u16, message: String },
    /// Will never be accepted as sent (400, 401, 403, 413, …): retrying would only repeat it.
    Rejected { status: u16, message: String },
}

/// Interprets GreptimeDB's answer. `status` 0 means the request never got a response.
pub fn interpret_response(status: u16, body: &[u8]) -> ExportOutcome {
    match status {
        200..=299 => {
            // GreptimeDB sends partial success only for traces; read it for every signal anyway
            // (the three responses have the same layout).
            let (rejected, message) = partial_success(body).unwrap_or_default();
            ExportOutcome::Accepted { rejected: rejected.max(0) as u64, message }
        }
        0 | 429 | 502 | 503 | 504 => ExportOutcome::Retryable { status, message: error_message(body) },
        _ => ExportOutcome::Rejected { status, message: error_message(body) },
    }
}

/// GreptimeDB's error bodies are JSON `{"error": "…"}` (auth errors add a code), text/plain from
/// its HTTP layer, or, when it rejects every span, a protobuf `google.rpc.Status`.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if let Some(msg) = json_string_field(text, "error") {
        return msg;
    }
    if let Some(message) = rpc_status_message(body).filter(|m| !m.is_empty()) {
        return message;
    }
    let mut text: String = text.chars().filter(|c| !c.is_control()).take(300).collect();
    if text.is_empty() {
        text.push_str("(empty body)");
    }
    text
}

/// Extracts `"field": "…"` from a small JSON object without a JSON parser (the error bodies
/// are flat objects; pulling serde_json into the .wasm for this would cost more than the rest).
fn json_string_field(text: &str, field: &str) -> Option<String> {
    if !text.starts_with('{') {
        return None;
    }
    let key = format!("\"{field}\"");
    let after_key = &text[text.find(&key)? + key.len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let mut chars = after_colon.strip_prefix('"')?.chars();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, RawValue};
    use crate::ingest::proto_writer::ProtoWriter;
    use opentelemetry_proto::tonic::collector::trace::v1::{ExportTracePartialSuccess, ExportTraceServiceResponse};
    use prost::Message;

    fn config(extra: Vec<(&str, RawValue)>) -> Config {
        let mut entries = vec![("endpoint", RawValue::str("http://localhost:4000/")), ("serviceName", RawValue::str("web"))];
        entries.extend(extra);
        parse(&RawValue::object(entries)).config.unwrap()
    }

    #[test]
    fn auth_header_is_padded_standard_base64() {
        // "a:b" is 3 bytes (no padding); "ab:c" needs one '='.
        assert_eq!(basic_auth_header("a", "b"), "Basic YTpi");
        assert_eq!(basic_auth_header("ab", "c"), "Basic YWI6Yw==");
        assert_eq!(basic_auth_header("user", "pa:ss"), "Basic dXNlcjpwYTpzcw==");
    }

    #[test]
    fn trace_request_carries_the_whole_contract() {
        let c = config(vec![
            ("database", RawValue::str("web_rum")),
            ("username", RawValue::str("browser")),
            ("password", RawValue::str("secret")),
            ("traceTable", RawValue::str("web_traces")),
        ]);
        assert_eq!(export_url(&c, Signal::Traces), "http://localhost:4000/v1/otlp/v1/traces");
        let headers = export_headers(&c, Signal::Traces);
        let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("content-type"), Some("application/x-protobuf"));
        assert_eq!(get("x-greptime-db-name"), Some("web_rum"));
        assert_eq!(get("x-greptime-pipeline-name"), Some("greptime_trace_v1"));
        assert_eq!(get("x-greptime-trace-table-name"), Some("web_traces"));
        assert_eq!(get("x-greptime-auth"), Some("Basic YnJvd3NlcjpzZWNyZXQ="));
        assert_eq!(get("authorization"), None, "Authorization is not covered by GreptimeDB's CORS wildcard");
    }

    #[test]
    fn logs_and_metrics_headers() {
        let c = config(vec![("logTable", RawValue::str("web_logs"))]);
        assert_eq!(export_url(&c, Signal::Logs), "http://localhost:4000/v1/otlp/v1/logs");
        assert_eq!(export_url(&c, Signal::Metrics), "http://localhost:4000/v1/otlp/v1/metrics");
        let logs = export_headers(&c, Signal::Logs);
        assert!(logs.contains(&("x-greptime-log-table-name".into(), "web_logs".into())));
        assert!(!logs.iter().any(|(n, _)| n == "x-greptime-pipeline-name"));
        let metrics = export_headers(&c, Signal::Metrics);
        assert_eq!(metrics.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["content-type", "x-greptime-db-name"]);
        let default_table = config(vec![]);
        assert!(export_headers(&default_table, Signal::Logs).contains(&("x-greptime-log-table-name".into(), "opentelemetry_logs".into())));
        assert_eq!(Signal::from_u8(2), Some(Signal::Logs));
        assert_eq!(Signal::from_u8(3), None);
    }

    #[test]
    fn success_with_and_without_partial_success() {
        assert_eq!(interpret_response(200, &[]), ExportOutcome::Accepted { rejected: 0, message: String::new() });
        let body = ExportTraceServiceResponse {
            partial_success: Some(ExportTracePartialSuccess { rejected_spans: 2, error_message: "Accepted 1 spans, rejected 2 spans".into() }),
        }
        .encode_to_vec();
        assert_eq!(interpret_response(200, &body), ExportOutcome::Accepted { rejected: 2, message: "Accepted 1 spans, rejected 2 spans".into() });
    }

    #[test]
    fn errors_are_classified_by_the_otlp_retry_rules() {
        let auth = br#"{"code":7003,"error":"Not found http or grpc authorization header","execution_time_ms":0}"#;
        assert_eq!(
            interpret_response(401, auth),
            ExportOutcome::Rejected { status: 401, message: "Not found http or grpc authorization header".into() }
        );
        assert_eq!(
            interpret_response(400, br#"{"error":"Pipeline is required for this API."}"#),
            ExportOutcome::Rejected { status: 400, message: "Pipeline is required for this API.".into() }
        );
        for status in [429, 502, 503, 504] {
            assert!(matches!(interpret_response(status, b"busy"), ExportOutcome::Retryable { .. }));
        }
        for status in [400, 401, 403, 404, 408, 413, 500] {
            assert!(matches!(interpret_response(status, b""), ExportOutcome::Rejected { .. }));
        }
        assert_eq!(interpret_response(0, b""), ExportOutcome::Retryable { status: 0, message: "(empty body)".into() });
    }

    #[test]
    fn total_trace_rejection_body_is_a_protobuf_status() {
        // google.rpc.Status: 1 code (0 here, left out), 2 message.
        let mut body = ProtoWriter::default();
        body.bytes(2, b"Accepted 0 spans, rejected 2 spans");
        let body = body.buf;
        assert_eq!(interpret_response(400, &body), ExportOutcome::Rejected { status: 400, message: "Accepted 0 spans, rejected 2 spans".into() });
    }

    #[test]
    fn json_field_extraction_handles_escapes() {
        assert_eq!(json_string_field(r#"{"error": "a \"b\"\nc \u00e9"}"#, "error").as_deref(), Some("a \"b\"\nc é"));
        assert_eq!(json_string_field("not json", "error"), None);
    }
}

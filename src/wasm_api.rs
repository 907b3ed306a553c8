//! The WebAssembly interface: one `TelemetryCore` per `initTelemetry`, used only by the JS
//! layer in js/ (it is not the public API). Calls are few and coarse: one `ingestSpans` per
//! chunk of ended spans, one `takeTraceRequest` + `recordTraceResponse` per export.

use crate::config::{self, Config};
use crate::diagnostics::{Diagnostics, Problem};
use crate::export::greptime_contract::{export_headers, export_url, interpret_response, ExportOutcome, Signal};
use crate::export::otlp_encode::encode_traces;
use crate::ingest::span_records::decode_chunk;
use crate::ingest::string_table::StringTable;
use crate::pipeline::batch_queue::BatchQueue;
use opentelemetry_proto::tonic::trace::v1::Span;
use crate::resource::{build_resource, BrowserFacts};
use js_sys::{Object, Reflect};
use opentelemetry_proto::tonic::resource::v1::Resource;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct TelemetryCore {
    config: Config,
    config_warnings: Vec<String>,
    resource: Resource,
    strings: StringTable,
    queue: BatchQueue<Span>,
    diagnostics: Diagnostics,
    last_batch_spans: u32,
    spans_exported: u64,
    spans_rejected: u64,
    spans_failed: u64,
    export_requests: u64,
}

#[wasm_bindgen]
impl TelemetryCore {
    /// Validates `config` (a plain object). Throws an `Error` whose message says why telemetry
    /// cannot run (no endpoint, a malformed one, `enabled: false`); the JS layer turns that into
    /// one console warning and a no-op SDK.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &JsValue, user_agent: String, language: String, page_url: String) -> Result<TelemetryCore, JsError> {
        let report = config::parse(&config::js_reader::read(config));
        let config = match report.config {
            Ok(c) => c,
            Err(e) if report.warnings.is_empty() => return Err(JsError::new(&e.to_string())),
            Err(e) => return Err(JsError::new(&format!("{e} (configuration also: {})", report.warnings.join("; ")))),
        };
        let resource = build_resource(&config, &BrowserFacts { user_agent, language, page_url });
        Ok(TelemetryCore {
            queue: BatchQueue::new(&config.batch),
            config,
            config_warnings: report.warnings,
            resource,
            strings: StringTable::default(),
            diagnostics: Diagnostics::default(),
            last_batch_spans: 0,
            spans_exported: 0,
            spans_rejected: 0,
            spans_failed: 0,
            export_requests: 0,
        })
    }

    /// Problems found in the configuration that did not stop it (unknown keys, wrong types).
    #[wasm_bindgen(js_name = configWarnings)]
    pub fn config_warnings(&self) -> Vec<String> {
        self.config_warnings.clone()
    }

    /// `[maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis]`.
    #[wasm_bindgen(js_name = batchSettings)]
    pub fn batch_settings(&self) -> Vec<u32> {
        let b = &self.config.batch;
        vec![b.max_queue_size, b.max_export_batch_size, b.scheduled_delay_millis, b.export_timeout_millis]
    }

    /// `[attributeCountLimit, attributeValueLengthLimit, eventCountLimit, linkCountLimit,
    /// attributePerEventCountLimit, attributePerLinkCountLimit]`.
    #[wasm_bindgen(js_name = spanLimits)]
    pub fn span_limits(&self) -> Vec<u32> {
        let l = &self.config.span_limits;
        vec![
            l.attribute_count_limit,
            l.attribute_value_length_limit,
            l.event_count_limit,
            l.link_count_limit,
            l.attribute_per_event_count_limit,
            l.attribute_per_link_count_limit,
        ]
    }

    #[wasm_bindgen(js_name = traceExportUrl)]
    pub fn trace_export_url(&self) -> String {
        export_url(&self.config, Signal::Traces)
    }

    /// Header names and values, flattened: `[name0, value0, name1, value1, …]`.
    #[wasm_bindgen(js_name = traceExportHeaders)]
    pub fn trace_export_headers(&self) -> Vec<String> {
        export_headers(&self.config, Signal::Traces).into_iter().flat_map(|(n, v)| [n, v]).collect()
    }

    /// Decodes a chunk of ended spans written by js/wire/record_writer.ts into the queue.
    /// Returns the queue length afterwards (JS exports at once when it reaches a full batch),
    /// or -1 when the chunk was malformed: the core then forgot its interned strings, and JS
    /// must forget its own (`RecordWriter.resetStrings`) before the next chunk.
    #[wasm_bindgen(js_name = ingestSpans)]
    pub fn ingest_spans(&mut self, chunk: &[u8]) -> i32 {
        let mut dropped = 0u64;
        let queue = &mut self.queue;
        let result = decode_chunk(chunk, &mut self.strings, |span| {
            if !queue.push(span.scope, span.span) {
                dropped += 1;
            }
        });
        let max = self.config.batch.max_queue_size;
        self.diagnostics.report(Problem::QueueFull, dropped, || {
            format!("span queue full ({max} spans, `batch.maxQueueSize`): dropping spans until an export makes room")
        });
        if let Err(e) = result {
            // The JS writer and this decoder disagree: a bug. Both sides start their string
            // tables afresh so that the next chunk decodes cleanly.
            self.strings.reset();
            self.diagnostics.report(Problem::MalformedRecord, 1, || format!("{e}; the rest of that chunk was dropped"));
            return -1;
        }
        self.queue.len() as i32
    }

    /// Spans waiting for export.
    #[wasm_bindgen(js_name = queuedSpans)]
    pub fn queued_spans(&self) -> u32 {
        self.queue.len() as u32
    }

    /// Takes up to `maxExportBatchSize` spans and returns the encoded `ExportTraceServiceRequest`,
    /// or `undefined` when nothing waits. The bytes are a copy JS owns; the spans are freed here.
    #[wasm_bindgen(js_name = takeTraceRequest)]
    pub fn take_trace_request(&mut self) -> Option<Vec<u8>> {
        if self.queue.is_empty() {
            self.last_batch_spans = 0;
            return None;
        }
        let batch = self.queue.take_batch();
        self.last_batch_spans = batch.items.len() as u32;
        Some(encode_traces(&self.resource, batch))
    }

    /// How many spans the last `takeTraceRequest` encoded.
    #[wasm_bindgen(js_name = lastBatchSpans)]
    pub fn last_batch_spans(&self) -> u32 {
        self.last_batch_spans
    }

    /// Records what GreptimeDB answered for a request of `spans` spans (`status` 0: no answer,
    /// `body` then holds the network error's text). Returns 0 accepted, 1 retryable, 2 rejected.
    #[wasm_bindgen(js_name = recordTraceResponse)]
    pub fn record_trace_response(&mut self, spans: u32, status: u16, body: &[u8]) -> u8 {
        self.export_requests += 1;
        let spans = u64::from(spans);
        match interpret_response(Signal::Traces, status, body) {
            ExportOutcome::Accepted { rejected, message } => {
                let rejected = rejected.min(spans);
                self.spans_exported += spans - rejected;
                self.spans_rejected += rejected;
                self.diagnostics.report(Problem::PartiallyRejected, rejected, || {
                    format!("GreptimeDB stored the batch but rejected {rejected} of {spans} spans: {message}")
                });
                0
            }
            ExportOutcome::Retryable { status: 0, message } => {
                self.spans_failed += spans;
                self.diagnostics.report(Problem::NetworkError, spans, || {
                    format!("could not reach {} ({message}); {spans} spans dropped", self.config.endpoint)
                });
                1
            }
            ExportOutcome::Retryable { status, message } => {
                self.spans_failed += spans;
                self.diagnostics.report(Problem::ExportFailed, spans, || {
                    format!("trace export failed with HTTP {status} ({message}); {spans} spans dropped")
                });
                1
            }
            ExportOutcome::Rejected { status, message } => {
                self.spans_failed += spans;
                self.diagnostics.report(Problem::ExportFailed, spans, || {
                    format!("GreptimeDB rejected {spans} spans with HTTP {status}: {message}")
                });
                2
            }
        }
    }

    /// Counters for `telemetry.stats()`.
    pub fn stats(&self) -> Object {
        let out = Object::new();
        let set = |k: &str, v: f64| {
            let _ = Reflect::set(&out, &k.into(), &v.into());
        };
        set("spansQueued", self.queue.len() as f64);
        set("spansExported", self.spans_exported as f64);
        set("spansRejectedByServer", self.spans_rejected as f64);
        set("spansFailedExport", self.spans_failed as f64);
        set("spansDroppedQueueFull", self.diagnostics.count(Problem::QueueFull) as f64);
        set("exportRequests", self.export_requests as f64);
        set("malformedRecordChunks", self.diagnostics.count(Problem::MalformedRecord) as f64);
        out
    }
}

//! The WebAssembly interface: one `TelemetryCore` per `initTelemetry`, used only by the JS
//! layer in js/ (it is not the public API). Calls are few and coarse: one `ingest` per chunk
//! of ended spans or log records, one `takeRequest` + `recordResponse` per export, one
//! `recordMeasurements` per buffer of metric measurements. Signals are numbered as in
//! [`Signal`]: 0 traces, 1 metrics, 2 logs.

use crate::config::{self, BatchConfig, Config};
use crate::diagnostics::{console_warn, Diagnostics, Problem};
use crate::export::greptime_contract::{export_headers, export_url, interpret_response, ExportOutcome, Signal};
use crate::export::otlp_encode::{encode_logs, encode_metrics, encode_traces};
use crate::export::otlp_split::split_request;
use crate::ingest::proto_writer::Encoded;
use crate::ingest::record_reader::{epoch_millis_to_nanos, Reader, ScopeKey, Transcoded};
use crate::ingest::string_table::StringTable;
use crate::ingest::{log_records, span_records};
use crate::pipeline::batch_queue::{BatchQueue, Refused};
use crate::pipeline::metric_aggregator::{InstrumentSpec, MetricStore, MAX_INSTRUMENTS};
use crate::pipeline::metric_instruments::{check_boundaries, check_name, check_unit, InstrumentKind, DEFAULT_BOUNDARIES};
use crate::resource::{build_resource, BrowserFacts};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// A batched signal's state: the mirror of JS's string table for its chunks, and its queue.
struct Batched {
    strings: StringTable,
    queue: BatchQueue,
}

impl Batched {
    fn new(batch: &BatchConfig) -> Self {
        Batched { strings: StringTable::default(), queue: BatchQueue::new(batch) }
    }
}

#[derive(Default, Clone, Copy)]
struct ExportCounters {
    exported: u64,
    rejected: u64,
    failed: u64,
    requests: u64,
}

#[wasm_bindgen]
pub struct TelemetryCore {
    config: Config,
    config_warnings: Vec<String>,
    /// The content of the Resource message, encoded once: every request starts with it.
    resource: Encoded,
    spans: Batched,
    logs: Batched,
    metrics: MetricStore,
    diagnostics: Diagnostics,
    last_batch_size: u32,
    counters: [ExportCounters; 3],
}

#[wasm_bindgen]
impl TelemetryCore {
    /// Validates `config` (a plain object). Throws an `Error` whose message says why telemetry
    /// cannot run (no endpoint, a malformed one, `enabled: false`); the JS layer turns that into
    /// one console warning and a no-op SDK. `now_ms` starts the metrics' cumulative window.
    #[wasm_bindgen(constructor)]
    /// `instance_id` becomes `service.instance.id` (JS makes a random UUID per page view).
    pub fn new(
        config: &JsValue,
        user_agent: String,
        language: String,
        page_url: String,
        now_ms: f64,
        instance_id: Option<String>,
    ) -> Result<TelemetryCore, JsError> {
        let report = config::parse(&config::js_reader::read(config));
        let config = match report.config {
            Ok(c) => c,
            Err(e) if report.warnings.is_empty() => return Err(JsError::new(&e.to_string())),
            Err(e) => return Err(JsError::new(&format!("{e} (configuration also: {})", report.warnings.join("; ")))),
        };
        let resource = build_resource(&config, &BrowserFacts { user_agent, language, page_url, instance_id: instance_id.unwrap_or_default() });
        Ok(TelemetryCore {
            spans: Batched::new(&config.batch),
            logs: Batched::new(&config.log_batch),
            metrics: MetricStore::new(config.metrics.temporality, config.metrics.cardinality_limit, epoch_millis_to_nanos(now_ms)),
            config,
            config_warnings: report.warnings,
            resource,
            diagnostics: Diagnostics::default(),
            last_batch_size: 0,
            counters: [ExportCounters::default(); 3],
        })
    }

    /// Problems found in the configuration that did not stop it (unknown keys, wrong types).
    #[wasm_bindgen(js_name = configWarnings)]
    pub fn config_warnings(&self) -> Vec<String> {
        self.config_warnings.clone()
    }

    /// Traces and logs: `[maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis]`;
    /// metrics: `[exportIntervalMillis, exportTimeoutMillis]`.
    pub fn settings(&self, signal: u8) -> Vec<u32> {
        let batch = |b: &BatchConfig| vec![b.max_queue_size, b.max_export_batch_size, b.scheduled_delay_millis, b.export_timeout_millis];
        match Signal::from_u8(signal) {
            Some(Signal::Traces) => batch(&self.config.batch),
            Some(Signal::Logs) => batch(&self.config.log_batch),
            Some(Signal::Metrics) => vec![self.config.metrics.export_interval_millis, self.config.metrics.export_timeout_millis],
            None => Vec::new(),
        }
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

    /// Whether to record uncaught errors and unhandled rejections as logs.
    #[wasm_bindgen(js_name = captureErrors)]
    pub fn capture_errors(&self) -> bool {
        self.config.capture_errors
    }

    /// Whether to export the SDK's own counters as metrics.
    #[wasm_bindgen(js_name = selfMetrics)]
    pub fn self_metrics(&self) -> bool {
        self.config.self_metrics
    }

    /// The console methods whose calls become logs.
    #[wasm_bindgen(js_name = captureConsole)]
    pub fn capture_console(&self) -> Vec<String> {
        self.config.capture_console.clone()
    }

    /// `[maxAttempts, initialBackoffMillis, maxBackoffMillis, offlineEnabled (0/1), offlineMaxBytes,
    /// offlineMaxAgeMillis, compressionThresholdBytes (0: off), sampleRatio, instrumentFetch (0/1),
    /// instrumentXhr (0/1)]`.
    #[wasm_bindgen(js_name = deliverySettings)]
    pub fn delivery_settings(&self) -> Vec<f64> {
        let d = &self.config.delivery;
        let p = &self.config.propagation;
        vec![
            f64::from(d.max_attempts),
            f64::from(d.initial_backoff_millis),
            f64::from(d.max_backoff_millis),
            f64::from(u8::from(d.offline_enabled)),
            f64::from(d.offline_max_bytes),
            f64::from(d.offline_max_age_millis),
            f64::from(d.compression_threshold_bytes),
            p.sample_ratio,
            f64::from(u8::from(p.instrument_fetch)),
            f64::from(u8::from(p.instrument_xhr)),
        ]
    }

    /// `[session, documentLoad, resourceTiming, navigation, webVitals, longAnimationFrames,
    /// userActions (0/1 each), sessionInactivityMillis, sessionMaxDurationMillis,
    /// sessionStoragePerTab (0/1), sampleBySession (0/1), navigationIncludeQuery (0/1)]`.
    #[wasm_bindgen(js_name = rumSettings)]
    pub fn rum_settings(&self) -> Vec<f64> {
        let r = &self.config.rum;
        let flag = |b: bool| f64::from(u8::from(b));
        vec![
            flag(r.session),
            flag(r.document_load),
            flag(r.resource_timing),
            flag(r.navigation),
            flag(r.web_vitals),
            flag(r.long_animation_frames),
            flag(r.user_actions),
            f64::from(r.session_inactivity_millis),
            f64::from(r.session_max_duration_millis),
            flag(r.session_storage_per_tab),
            flag(r.sample_by_session),
            flag(r.navigation_include_query),
        ]
    }

    /// What an answer means, without recording anything: 0 accepted, 1 worth retrying, 2 never
    /// accepted as sent. JS decides on retries with it and records the final answer once.
    #[wasm_bindgen(js_name = classifyResponse)]
    pub fn classify_response(&self, signal: u8, status: u16, body: &[u8]) -> u8 {
        if Signal::from_u8(signal).is_none() {
            return 2;
        }
        match interpret_response(status, body) {
            ExportOutcome::Accepted { .. } => 0,
            ExportOutcome::Retryable { .. } => 1,
            ExportOutcome::Rejected { .. } => 2,
        }
    }

    /// Splits an encoded request in two: `[first, firstItems, second, secondItems]`, or an empty
    /// array when it holds a single item.
    #[wasm_bindgen(js_name = splitRequest)]
    pub fn split_request(&self, signal: u8, body: &[u8]) -> js_sys::Array {
        let out = js_sys::Array::new();
        if let Some(((a, na), (b, nb))) = Signal::from_u8(signal).and_then(|s| split_request(s, body)) {
            out.push(&js_sys::Uint8Array::from(a.as_slice()));
            out.push(&na.into());
            out.push(&js_sys::Uint8Array::from(b.as_slice()));
            out.push(&nb.into());
        }
        out
    }

    #[wasm_bindgen(js_name = exportUrl)]
    pub fn export_url(&self, signal: u8) -> String {
        Signal::from_u8(signal).map(|s| export_url(&self.config, s)).unwrap_or_default()
    }

    /// Header names and values, flattened: `[name0, value0, name1, value1, …]`.
    #[wasm_bindgen(js_name = exportHeaders)]
    pub fn export_headers(&self, signal: u8) -> Vec<String> {
        Signal::from_u8(signal).map(|s| export_headers(&self.config, s).into_iter().flat_map(|(n, v)| [n, v]).collect()).unwrap_or_default()
    }

    /// Takes a chunk of ended spans or log records (js/wire/record_writer.ts) into their queue.
    /// Returns the queue length afterwards (JS exports at once when it reaches a full batch),
    /// or -1 when the chunk was malformed: the core then forgot its interned strings for that
    /// signal, and JS must forget its own (`RecordWriter.resetStrings`) before the next chunk.
    pub fn ingest(&mut self, signal: u8, chunk: &[u8]) -> i32 {
        let Some(signal @ (Signal::Traces | Signal::Logs)) = Signal::from_u8(signal) else { return -1 };
        let (Batched { strings, queue }, max) = match signal {
            Signal::Logs => (&mut self.logs, self.config.log_batch.max_queue_size),
            _ => (&mut self.spans, self.config.batch.max_queue_size),
        };
        let max_bytes = queue.max_queue_bytes();
        let (mut dropped, mut over_bytes) = (0u64, 0u64);
        let sink = |item: Transcoded<'_>| match queue.push(item.scope, item.message) {
            Ok(()) => {}
            Err(Refused::Full) => dropped += 1,
            Err(Refused::OverBytes) => over_bytes += 1,
        };
        let result = match signal {
            Signal::Logs => log_records::decode_chunk(chunk, strings, sink),
            _ => span_records::decode_chunk(chunk, strings, sink),
        };
        self.diagnostics.report(Problem::QueueFull(signal), dropped, || {
            format!(
                "{} queue full ({max}, `{}.maxQueueSize`): dropping {} until an export makes room",
                signal.items(),
                if signal == Signal::Logs { "logBatch" } else { "batch" },
                signal.items()
            )
        });
        self.diagnostics.report(Problem::QueueOverBytes(signal), over_bytes, || {
            format!(
                "{} queue over {} KiB of encoded data (2 KiB per `maxQueueSize` slot): dropping {} until an export makes room (counted in stats().{}DroppedQueueFull)",
                signal.items(),
                // Integer formatting: float formatting would add about 10 KB gzip to the .wasm.
                max_bytes >> 10,
                signal.items(),
                if signal == Signal::Logs { "logs" } else { "spans" }
            )
        });
        if let Err(e) = result {
            // The JS writer and this decoder disagree: a bug. Both sides start their string
            // tables afresh so that the next chunk decodes cleanly.
            strings.reset();
            self.diagnostics.report(Problem::MalformedRecord(signal), 1, || format!("{e}; the rest of that chunk was dropped"));
            return -1;
        }
        queue.len() as i32
    }

    /// Items waiting for export (traces and logs).
    pub fn queued(&self, signal: u8) -> u32 {
        match Signal::from_u8(signal) {
            Some(Signal::Traces) => self.spans.queue.len() as u32,
            Some(Signal::Logs) => self.logs.queue.len() as u32,
            _ => 0,
        }
    }

    /// The next encoded request for `signal`, or `undefined` when there is nothing to send:
    /// up to a batch of spans or log records, or (metrics) a collection as of `now_ms`. The
    /// bytes are a copy JS owns; what they encode is freed (or, for cumulative metrics, kept
    /// as running totals) here.
    #[wasm_bindgen(js_name = takeRequest)]
    pub fn take_request(&mut self, signal: u8, now_ms: f64) -> Option<Vec<u8>> {
        self.last_batch_size = 0;
        let body = match Signal::from_u8(signal)? {
            Signal::Traces if !self.spans.queue.is_empty() => {
                let batch = self.spans.queue.take_batch();
                self.last_batch_size = batch.items.len() as u32;
                encode_traces(&self.resource, batch)
            }
            Signal::Logs if !self.logs.queue.is_empty() => {
                let batch = self.logs.queue.take_batch();
                self.last_batch_size = batch.items.len() as u32;
                encode_logs(&self.resource, batch)
            }
            Signal::Metrics => {
                let collection = self.metrics.collect(epoch_millis_to_nanos(now_ms));
                if collection.metrics.items.is_empty() {
                    return None;
                }
                self.last_batch_size = collection.data_points;
                encode_metrics(&self.resource, collection.metrics)
            }
            _ => return None,
        };
        Some(body)
    }

    /// How many items (spans, log records, data points) the last `takeRequest` encoded.
    #[wasm_bindgen(js_name = lastBatchSize)]
    pub fn last_batch_size(&self) -> u32 {
        self.last_batch_size
    }

    /// Records what GreptimeDB answered for a request of `items` items (`status` 0: no answer,
    /// `body` then holds the network error's text). Returns 0 accepted, 1 retryable, 2 rejected.
    #[wasm_bindgen(js_name = recordResponse)]
    pub fn record_response(&mut self, signal: u8, items: u32, status: u16, body: &[u8]) -> u8 {
        let Some(signal) = Signal::from_u8(signal) else { return 2 };
        let counters = &mut self.counters[signal as usize];
        counters.requests += 1;
        let items = u64::from(items);
        let what = signal.items();
        match interpret_response(status, body) {
            ExportOutcome::Accepted { rejected, message } => {
                let rejected = rejected.min(items);
                counters.exported += items - rejected;
                counters.rejected += rejected;
                self.diagnostics.report(Problem::PartiallyRejected(signal), rejected, || {
                    format!("GreptimeDB stored the request but rejected {rejected} of {items} {what}: {message}")
                });
                0
            }
            ExportOutcome::Retryable { status: 0, message } => {
                counters.failed += items;
                let endpoint = &self.config.endpoint;
                self.diagnostics.report(Problem::NetworkError, items, || format!("could not reach {endpoint} ({message}); {items} {what} dropped"));
                1
            }
            ExportOutcome::Retryable { status, message } => {
                counters.failed += items;
                self.diagnostics.report(Problem::ExportFailed(signal), items, || {
                    format!("export of {what} failed with HTTP {status} ({message}); {items} {what} dropped")
                });
                1
            }
            ExportOutcome::Rejected { status, message } => {
                counters.failed += items;
                self.diagnostics
                    .report(Problem::ExportFailed(signal), items, || format!("GreptimeDB rejected {items} {what} with HTTP {status}: {message}"));
                2
            }
        }
    }

    /// Adds a metric instrument (kind numbered as `InstrumentKind`). Returns its id, or -1 when
    /// the name is invalid or there are too many instruments (with a console warning): the JS
    /// instrument then records nothing.
    #[wasm_bindgen(js_name = registerInstrument)]
    #[allow(clippy::too_many_arguments)]
    pub fn register_instrument(
        &mut self,
        kind: u8,
        name: String,
        description: String,
        unit: String,
        scope_name: String,
        scope_version: String,
        boundaries: Vec<f64>,
    ) -> i32 {
        let Some(kind) = InstrumentKind::from_u8(kind) else { return -1 };
        if let Err(message) = check_name(&name) {
            console_warn(&message);
            return -1;
        }
        let unit = match check_unit(&unit) {
            Ok(()) => unit,
            Err(message) => {
                console_warn(&format!("instrument \"{name}\": {message}"));
                String::new()
            }
        };
        let boundaries = if kind != InstrumentKind::Histogram {
            Vec::new()
        } else if boundaries.is_empty() {
            DEFAULT_BOUNDARIES.to_vec()
        } else if check_boundaries(&boundaries) {
            boundaries
        } else {
            console_warn(&format!("histogram \"{name}\": explicitBucketBoundaries must be finite and strictly increasing; using the defaults"));
            DEFAULT_BOUNDARIES.to_vec()
        };
        let spec = InstrumentSpec { kind, name, description, unit, scope: ScopeKey { name: scope_name, version: scope_version }, boundaries };
        let instrument_name = spec.name.clone();
        match self.metrics.add_instrument(spec) {
            Some(id) => id as i32,
            None => {
                console_warn(&format!("instrument \"{instrument_name}\" not created: over {MAX_INSTRUMENTS} instruments"));
                -1
            }
        }
    }

    /// The series id of an attribute set (written as `attrs` by js/wire/record_writer.ts, with
    /// inline strings) on `instrument`; -1 for an unknown instrument or malformed attributes.
    #[wasm_bindgen(js_name = registerSeries)]
    pub fn register_series(&mut self, instrument: u32, attributes: &[u8], now_ms: f64) -> i32 {
        let Ok((attributes, _)) = Reader::new(attributes).keyed_attributes(&mut StringTable::default()) else {
            self.diagnostics.report(Problem::MalformedRecord(Signal::Metrics), 1, || "malformed metric attributes; measurement dropped".into());
            return -1;
        };
        let before = self.metrics.overflowed;
        let id = self.metrics.register_series(instrument, attributes, epoch_millis_to_nanos(now_ms));
        let limit = self.config.metrics.cardinality_limit;
        let name = self.metrics.instrument_name(instrument).unwrap_or_default();
        self.diagnostics.report(Problem::CardinalityOverflow, self.metrics.overflowed - before, || {
            format!("metric instrument \"{name}\" reached {limit} attribute sets (`metrics.cardinalityLimit`); further sets are counted in one series marked otel.metric.overflow=\"true\"")
        });
        id.map_or(-1, |id| id as i32)
    }

    /// Applies measurements recorded in JS: `(series id, value)` pairs, in order.
    #[wasm_bindgen(js_name = recordMeasurements)]
    pub fn record_measurements(&mut self, pairs: &[f64]) {
        let outcome = self.metrics.record(pairs);
        self.diagnostics.report(Problem::UnknownSeries, outcome.unknown_series, || "measurements for an unknown metric series were dropped".into());
    }

    /// Counters for `telemetry.stats()`.
    pub fn stats(&self) -> Object {
        let out = Object::new();
        let set = |k: &str, v: u64| {
            let _ = Reflect::set(&out, &k.into(), &(v as f64).into());
        };
        let d = &self.diagnostics;
        for (signal, prefix, items) in [(Signal::Traces, "span", "spans"), (Signal::Logs, "log", "logs")] {
            let c = self.counters[signal as usize];
            set(&format!("{items}Exported"), c.exported);
            set(&format!("{items}RejectedByServer"), c.rejected);
            set(&format!("{items}FailedExport"), c.failed);
            set(&format!("{items}DroppedQueueFull"), d.count(Problem::QueueFull(signal)) + d.count(Problem::QueueOverBytes(signal)));
            set(&format!("{prefix}ExportRequests"), c.requests);
        }
        set("spansQueued", self.spans.queue.len() as u64);
        set("logsQueued", self.logs.queue.len() as u64);
        let m = self.counters[Signal::Metrics as usize];
        set("metricPointsExported", m.exported);
        set("metricPointsFailedExport", m.failed);
        set("metricExportRequests", m.requests);
        set("metricSeries", self.metrics.series_count() as u64);
        set("metricSeriesOverflowed", self.metrics.overflowed);
        set("malformedRecordChunks", [Signal::Traces, Signal::Metrics, Signal::Logs].iter().map(|&s| d.count(Problem::MalformedRecord(s))).sum());
        out
    }
}

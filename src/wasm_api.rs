//! The WebAssembly interface: one `TelemetryCore` per `initTelemetry`, used only by the JS
//! layer in js/ (it is not the public API). Calls are few and coarse: one `ingest` per chunk
//! of ended spans or log records, one `takeRequest` per export, one `recordMeasurements` per
//! buffer of metric measurements. Signals are numbered as in [`Signal`]: 0 traces, 1 metrics,
//! 2 logs.
//!
//! Only the hot paths live here. The configuration is validated in JS (js/config/) and arrives
//! as a few numbers and the resource's attribute set; GreptimeDB's contract (URLs, headers, what
//! an answer means, the export counters: js/export/answer_counts.ts), instrument identity and
//! the canonical order of a metric attribute set (js/metrics/) and every message are JS too.
//! Problems are counted here and reported to JS as numbers (`stats(true)`); no text is
//! formatted in WebAssembly.

use crate::diagnostics::{Diagnostics, Problem};
use crate::export::otlp_encode::{encode_items, encode_metrics};
use crate::export::signal::Signal;
use crate::ingest::proto_writer::Encoded;
use crate::ingest::record_reader::{epoch_millis_to_nanos, ScopeKey, Transcoded};
use crate::ingest::string_table::StringTable;
use crate::ingest::{log_records, span_records};
use crate::pipeline::batch_queue::{BatchQueue, Refused};
use crate::pipeline::metric_aggregator::{InstrumentSpec, MetricStore, Temporality};
use crate::pipeline::metric_instruments::InstrumentKind;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::resource::resource_from_attributes;
use wasm_bindgen::prelude::*;

/// A batched signal's state: the mirror of JS's string table for its chunks, and its queue.
struct Batched {
    strings: StringTable,
    queue: BatchQueue,
}

impl Batched {
    fn new(max_queue_size: u32, max_export_batch_size: u32) -> Self {
        Batched { strings: StringTable::default(), queue: BatchQueue::new(max_queue_size, max_export_batch_size) }
    }
}

#[wasm_bindgen]
pub struct TelemetryCore {
    /// The content of the Resource message, encoded once: every request starts with it.
    resource: Encoded,
    spans: Batched,
    logs: Batched,
    metrics: MetricStore,
    diagnostics: Diagnostics,
    last_batch_size: u32,
}

#[wasm_bindgen]
impl TelemetryCore {
    /// `limits`, validated in JS (js/config/schema.ts): `[batch.maxQueueSize,
    /// batch.maxExportBatchSize, logBatch.maxQueueSize, logBatch.maxExportBatchSize,
    /// metrics.cardinalityLimit, temporality (0 cumulative, 1 delta)]`. `resource`: the
    /// Resource's attributes as one attribute set with inline strings (js/config/resource.ts);
    /// a malformed one leaves the resource empty. `now_ms` starts the metrics' cumulative window.
    /// Number arrays cross as f64 only (limits, instrument text lengths, measurements, problems):
    /// one kind of array glue on both sides, 61 B gzip less over all chunks than u32 arrays too.
    #[wasm_bindgen(constructor)]
    pub fn new(limits: &[f64], resource: &[u8], now_ms: f64) -> TelemetryCore {
        let limit = |i: usize, default: u32| limits.get(i).map_or(default, |&v| v as u32);
        let temporality = if limit(5, 0) == 1 { Temporality::Delta } else { Temporality::Cumulative };
        TelemetryCore {
            spans: Batched::new(limit(0, 2048), limit(1, 512)),
            logs: Batched::new(limit(2, 2048), limit(3, 512)),
            metrics: MetricStore::new(temporality, limit(4, 2000), epoch_millis_to_nanos(now_ms)),
            resource: resource_from_attributes(resource).unwrap_or(Encoded(Vec::new())),
            diagnostics: Diagnostics::default(),
            last_batch_size: 0,
        }
    }

    /// Whether problems were counted whose first occurrence JS has not yet reported (then
    /// `stats(true)` hands them over).
    #[wasm_bindgen(js_name = problemsPending)]
    pub fn problems_pending(&self) -> bool {
        self.diagnostics.has_fresh()
    }

    /// Takes a chunk of ended spans or log records (js/wire/record_writer.ts) into their queue.
    /// Returns the queue length afterwards (JS exports at once when it reaches a full batch),
    /// or -1 when the chunk was malformed: the core then forgot its interned strings for that
    /// signal, and JS must forget its own (`RecordWriter.resetStrings`) before the next chunk.
    pub fn ingest(&mut self, signal: u8, chunk: &[u8]) -> i32 {
        let Some(signal @ (Signal::Traces | Signal::Logs)) = Signal::from_u8(signal) else { return -1 };
        let Batched { strings, queue } = match signal {
            Signal::Logs => &mut self.logs,
            _ => &mut self.spans,
        };
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
        self.diagnostics.report(Problem::QueueFull(signal), dropped, 0);
        self.diagnostics.report(Problem::QueueOverBytes(signal), over_bytes, 0);
        if let Err(e) = result {
            // The JS writer and this decoder disagree: a bug. Both sides start their string
            // tables afresh so that the next chunk decodes cleanly.
            strings.reset();
            self.diagnostics.report(Problem::MalformedRecord(signal), 1, e.offset as u32);
            return -1;
        }
        queue.len() as i32
    }

    /// The next encoded request for `signal`, or `undefined` when there is nothing to send:
    /// up to a batch of spans or log records, or (metrics) a collection as of `now_ms`. The
    /// bytes are a copy JS owns; what they encode is freed (or, for cumulative metrics, kept
    /// as running totals) here.
    #[wasm_bindgen(js_name = takeRequest)]
    pub fn take_request(&mut self, signal: u8, now_ms: f64) -> Option<Vec<u8>> {
        self.last_batch_size = 0;
        // Traces and logs share one path: their requests have the same envelope (otlp_encode.rs).
        let batch = match Signal::from_u8(signal)? {
            Signal::Traces => &mut self.spans.queue,
            Signal::Logs => &mut self.logs.queue,
            Signal::Metrics => {
                let collection = self.metrics.collect(epoch_millis_to_nanos(now_ms));
                if collection.metrics.items.is_empty() {
                    return None;
                }
                self.last_batch_size = collection.data_points;
                return Some(encode_metrics(&self.resource, collection.metrics));
            }
        };
        if batch.is_empty() {
            return None;
        }
        let batch = batch.take_batch();
        self.last_batch_size = batch.items.len() as u32;
        Some(encode_items(&self.resource, batch))
    }

    /// How many items (spans, log records, data points) the last `takeRequest` encoded.
    #[wasm_bindgen(js_name = lastBatchSize)]
    pub fn last_batch_size(&self) -> u32 {
        self.last_batch_size
    }

    /// Adds a metric instrument (kind numbered as `InstrumentKind`). Its name, unit and
    /// boundaries are checked in JS only (js/metrics/instrument_rules.ts, with the warnings; the
    /// core's own copy of those checks was 302 B gzip of `.wasm`): none of them can harm the
    /// core. A histogram's boundaries come as JS chose them (the defaults are JS's; empty would
    /// be one bucket); other kinds' are ignored. Returns its id, -1 for an invalid kind or texts,
    /// -2 when there are too many instruments: the JS instrument then records nothing.
    #[wasm_bindgen(js_name = registerInstrument)]
    pub fn register_instrument(&mut self, kind: u8, texts: &[u8], lengths: &[f64], boundaries: Vec<f64>) -> i32 {
        let Some(kind) = InstrumentKind::from_u8(kind) else { return -1 };
        // Name, description, unit, scope name and scope version, back to back (one array
        // rather than five strings: less glue on both sides).
        let mut rest = texts;
        let mut text = |i: usize| -> Option<Vec<u8>> {
            let (part, after) = rest.split_at_checked(*lengths.get(i)? as usize)?;
            rest = after;
            Some(part.to_vec())
        };
        let (Some(name), Some(description), Some(unit), Some(scope_name), Some(scope_version)) = (text(0), text(1), text(2), text(3), text(4)) else {
            return -1;
        };
        let boundaries = if kind != InstrumentKind::Histogram { Vec::new() } else { boundaries };
        let spec = InstrumentSpec { kind, name, description, unit, scope: ScopeKey { name: scope_name, version: scope_version }, boundaries };
        self.metrics.add_instrument(spec).map_or(-2, |id| id as i32)
    }

    /// The series id of an attribute set (written as `attrs` by js/wire/record_writer.ts, with
    /// inline strings, sorted by key: js/metrics/canonical_set.ts) on `instrument`; -1 for an
    /// unknown instrument or malformed attributes.
    #[wasm_bindgen(js_name = registerSeries)]
    pub fn register_series(&mut self, instrument: u32, attributes: &[u8], now_ms: f64) -> i32 {
        let before = self.metrics.overflowed;
        let Ok(id) = self.metrics.register_series(instrument, attributes, epoch_millis_to_nanos(now_ms)) else {
            self.diagnostics.report(Problem::MalformedRecord(Signal::Metrics), 1, 0);
            return -1;
        };
        self.diagnostics.report(Problem::CardinalityOverflow, self.metrics.overflowed - before, instrument);
        id.map_or(-1, |id| id as i32)
    }

    /// Applies measurements recorded in JS: `(series id, value)` pairs, in order.
    #[wasm_bindgen(js_name = recordMeasurements)]
    pub fn record_measurements(&mut self, pairs: &[f64]) {
        let outcome = self.metrics.record(pairs);
        self.diagnostics.report(Problem::UnknownSeries, outcome.unknown_series, 0);
    }

    /// Counters for `telemetry.stats()`, in the order of `CORE_STATS` in js/export/core_stats.ts,
    /// after (with `problems`) the first occurrences of problem kinds since they were last taken,
    /// as `[code, signal, detail]` triples (codes in src/diagnostics.rs, messages in
    /// js/export/core_problems.ts). One export for both: a `takeProblems` of its own was 75 B gzip.
    pub fn stats(&mut self, problems: bool) -> Vec<f64> {
        let mut out = if problems { self.diagnostics.take_fresh() } else { Vec::new() };
        let d = &self.diagnostics;
        let dropped = |s| d.count(Problem::QueueFull(s)) + d.count(Problem::QueueOverBytes(s));
        let malformed: u64 = [Signal::Traces, Signal::Metrics, Signal::Logs].iter().map(|&s| d.count(Problem::MalformedRecord(s))).sum();
        let counts = [
            dropped(Signal::Traces),
            dropped(Signal::Logs),
            self.spans.queue.len() as u64,
            self.logs.queue.len() as u64,
            self.metrics.series_count() as u64,
            self.metrics.overflowed,
            malformed,
        ]
        .map(|v| v as f64);
        out.extend_from_slice(&counts);
        out
    }
}

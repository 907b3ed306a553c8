//! Metric aggregation: every measurement lands here, keyed by instrument and attribute set.
//!
//! JS registers an attribute set once per instrument (`register_series`) and from then on sends
//! only `(series id, value)` pairs, in batches. JS writes each set canonical (sorted by key, each
//! key once: js/metrics/canonical_set.ts), so `{a, b}` and `{b, a}` arrive as the same bytes and
//! are one series; the core identifies a series by those bytes and only transcodes them (sorting
//! here was 1.4 KB of `.wasm` for a path taken once per new set). Each instrument
//! holds at most `cardinality_limit` series; later attribute sets share one overflow series
//! marked `otel.metric.overflow = "true"` (a string: GreptimeDB drops bool attributes, see
//! `metric_encode::overflow_marker`), as the OpenTelemetry SDK does, so memory stays bounded.

use super::batch_queue::Batch;
use super::metric_encode::{attributes_field, overflow_marker, HistogramPoint, MetricWriter, TEMPORALITY_CUMULATIVE, TEMPORALITY_DELTA};
use super::metric_instruments::{bucket_index, InstrumentKind};
use super::set_index::SetIndex;
use crate::ingest::proto_writer::ProtoWriter;
use crate::ingest::record_reader::{DecodeError, Reader, ScopeKey};
use crate::ingest::string_table::StringTable;
#[allow(unused_imports)]
use crate::prelude::*;

/// Cumulative suits PromQL's `rate()` on GreptimeDB (it stores delta points as they come).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporality {
    Cumulative,
    Delta,
}

/// Instruments per SDK; beyond this, new instruments record nothing (with a warning).
pub const MAX_INSTRUMENTS: usize = 1000;
pub const OVERFLOW_ATTRIBUTE: &str = "otel.metric.overflow";
/// Overflowed attribute sets remembered (in their instrument's index, all instruments together)
/// so that one registered again (JS's series cache starts over now and then) finds the overflow
/// series without being counted again in `stats().metricSeriesOverflowed`. Past this many,
/// further sets are still counted, and one seen again may be counted again: memory stays bounded.
const MAX_OVERFLOWED_REMEMBERED: usize = 8_192;

#[derive(Debug)]
pub struct InstrumentSpec {
    pub kind: InstrumentKind,
    /// UTF-8 as JS wrote it (never read as `str` here).
    pub name: Vec<u8>,
    pub description: Vec<u8>,
    pub unit: Vec<u8>,
    pub scope: ScopeKey,
    /// Histograms only.
    pub boundaries: Vec<f64>,
}

#[derive(Debug)]
struct Instrument {
    spec: InstrumentSpec,
    series: Vec<Series>,
    /// Canonical attribute set (as encoded for the series' data points) → index in `series`.
    index: SetIndex,
    overflow: Option<u32>,
}

#[derive(Debug)]
struct Series {
    /// The global series id JS records with.
    id: u32,
    /// The canonical attribute set as its data points carry it (`metric_encode::point_attributes`).
    attributes: Vec<u8>,
    /// Start of the current aggregation window (cumulative: the series' first registration).
    start_ns: u64,
    /// Recorded since the last collection.
    updated: bool,
    /// Ever recorded: a series registered but never recorded is not exported.
    recorded: bool,
    state: State,
}

#[derive(Debug)]
enum State {
    Sum(f64),
    LastValue(f64),
    Histogram {
        counts: Vec<u64>,
        sum: f64,
        count: u64,
        min: f64,
        max: f64,
    },
    /// An observable sum: the callback reports the running total; `reported` is what the
    /// previous delta export covered.
    ObservedSum {
        total: f64,
        reported: f64,
    },
}

/// One collection: the content of each `Metric` message under its scope (scopes in the order
/// they first appear), and how many data points they hold.
#[derive(Debug)]
pub struct Collection {
    pub metrics: Batch,
    pub data_points: u32,
}

/// What recording did, for the core's counters and warnings.
#[derive(Debug, Default, PartialEq)]
pub struct RecordOutcome {
    pub recorded: u64,
    pub unknown_series: u64,
}

#[derive(Debug)]
pub struct MetricStore {
    instruments: Vec<Instrument>,
    /// Global series id → (instrument, series within it).
    series_ids: Vec<(u32, u32)>,
    temporality: Temporality,
    cardinality_limit: usize,
    last_collection_ns: u64,
    /// Distinct attribute sets folded into an overflow series, for stats().
    pub overflowed: u64,
    /// Overflowed sets kept in an instrument's `index` (at most `MAX_OVERFLOWED_REMEMBERED`).
    overflowed_remembered: usize,
}

impl MetricStore {
    pub fn new(temporality: Temporality, cardinality_limit: u32, start_ns: u64) -> Self {
        MetricStore {
            instruments: Vec::new(),
            series_ids: Vec::new(),
            temporality,
            cardinality_limit: cardinality_limit.max(2) as usize,
            last_collection_ns: start_ns,
            overflowed: 0,
            overflowed_remembered: 0,
        }
    }

    /// Adds an instrument; `None` when there are too many. JS registers each instrument identity
    /// (kind, name ignoring case, unit, scope: js/metrics/instrument_rules.ts `registerInstrument`)
    /// once and reuses its id; comparing them here was 0.16 KB gzip of `.wasm`.
    pub fn add_instrument(&mut self, spec: InstrumentSpec) -> Option<u32> {
        if self.instruments.len() >= MAX_INSTRUMENTS {
            return None;
        }
        self.instruments.push(Instrument { spec, series: Vec::new(), index: SetIndex::default(), overflow: None });
        Some(self.instruments.len() as u32 - 1)
    }

    /// The series id of `attributes` on `instrument` (an attribute set as js/wire/record_writer.ts
    /// writes it, inline strings, canonical), created if new (or the overflow series past the
    /// cardinality limit). `Ok(None)` for an unknown instrument, `Err` for a malformed set.
    pub fn register_series(&mut self, instrument: u32, attributes: &[u8], now_ns: u64) -> Result<Option<u32>, DecodeError> {
        let limit = self.cardinality_limit;
        let Some(inst) = self.instruments.get_mut(instrument as usize) else { return Ok(None) };
        // As its data points carry it: the repeated attributes field, ready to be copied.
        let mut w = ProtoWriter::default();
        Reader::new(attributes).attributes_into(&mut StringTable::default(), &mut w, attributes_field(inst.spec.kind))?;
        let attributes = w.buf;
        if let Some(local) = inst.index.get(&attributes) {
            return Ok(Some(inst.series[local as usize].id));
        }
        if inst.series.len() < limit - 1 {
            let id = push_series(inst, &mut self.series_ids, instrument, attributes.clone(), now_ns);
            inst.index.insert(attributes, inst.series.len() as u32 - 1);
            return Ok(Some(id));
        }
        self.overflowed += 1;
        let local = match inst.overflow {
            Some(local) => local,
            None => {
                let mut overflow = ProtoWriter::default();
                overflow.bytes_always(attributes_field(inst.spec.kind), &overflow_marker(OVERFLOW_ATTRIBUTE).0);
                push_series(inst, &mut self.series_ids, instrument, overflow.buf, now_ns);
                let local = inst.series.len() as u32 - 1;
                inst.overflow = Some(local);
                local
            }
        };
        // Remembered, a set registered again finds the overflow series above, uncounted.
        if self.overflowed_remembered < MAX_OVERFLOWED_REMEMBERED {
            inst.index.insert(attributes, local);
            self.overflowed_remembered += 1;
        }
        Ok(Some(inst.series[local as usize].id))
    }

    /// Applies `(series id, value)` pairs as JS recorded them, in order.
    pub fn record(&mut self, pairs: &[f64]) -> RecordOutcome {
        let mut outcome = RecordOutcome::default();
        for pair in pairs.chunks_exact(2) {
            let id = pair[0];
            let value = pair[1];
            let Some(&(instrument, local)) = (id >= 0.0).then(|| self.series_ids.get(id as usize)).flatten() else {
                outcome.unknown_series += 1;
                continue;
            };
            let inst = &mut self.instruments[instrument as usize];
            let series = &mut inst.series[local as usize];
            series.updated = true;
            series.recorded = true;
            match &mut series.state {
                State::Sum(sum) => *sum += value,
                State::LastValue(last) => *last = value,
                State::ObservedSum { total, .. } => *total = value,
                State::Histogram { counts, sum, count, min, max } => {
                    counts[bucket_index(&inst.spec.boundaries, value)] += 1;
                    *sum += value;
                    *count += 1;
                    *min = min.min(value);
                    *max = max.max(value);
                }
            }
            outcome.recorded += 1;
        }
        outcome
    }

    /// The name an instrument was created with (for warnings).
    pub fn instrument_name(&self, instrument: u32) -> Option<&[u8]> {
        self.instruments.get(instrument as usize).map(|inst| inst.spec.name.as_slice())
    }

    pub fn series_count(&self) -> usize {
        self.series_ids.len()
    }

    /// One collection: every instrument's data points as of `now_ns`, grouped by scope (in the
    /// order scopes first appear). Delta temporality resets what it reported.
    pub fn collect(&mut self, now_ns: u64) -> Collection {
        let delta = self.temporality == Temporality::Delta;
        let temporality = if delta { TEMPORALITY_DELTA } else { TEMPORALITY_CUMULATIVE };
        let window_start = self.last_collection_ns;
        let mut out = Collection { metrics: Batch::default(), data_points: 0 };
        for inst in &mut self.instruments {
            let kind = inst.spec.kind;
            let mut metric = MetricWriter::new(kind, &inst.spec.name, &inst.spec.description, &inst.spec.unit);
            for series in &mut inst.series {
                // Observables report only what their callbacks observed in this collection;
                // delta exports only what changed in the window; cumulative, all that ever did.
                let include = if delta || kind.is_observable() { series.updated } else { series.recorded };
                if !include {
                    continue;
                }
                let start_time_unix_nano = if delta { series.start_ns.max(window_start) } else { series.start_ns };
                let attributes = &series.attributes;
                match &mut series.state {
                    State::Sum(sum) => {
                        metric.number_point(attributes, start_time_unix_nano, now_ns, *sum);
                        if delta {
                            *sum = 0.0;
                        }
                    }
                    State::LastValue(last) => metric.number_point(attributes, 0, now_ns, *last),
                    State::ObservedSum { total, reported } => {
                        let value = if delta { *total - *reported } else { *total };
                        metric.number_point(attributes, start_time_unix_nano, now_ns, value);
                        *reported = *total;
                    }
                    State::Histogram { counts, sum, count, min, max } => {
                        let point = HistogramPoint {
                            bucket_counts: counts,
                            explicit_bounds: &inst.spec.boundaries,
                            count: *count,
                            sum: *sum,
                            min: *min,
                            max: *max,
                        };
                        metric.histogram_point(attributes, start_time_unix_nano, now_ns, &point);
                        if delta {
                            counts.iter_mut().for_each(|c| *c = 0);
                            (*sum, *count, *min, *max) = (0.0, 0, f64::INFINITY, f64::NEG_INFINITY);
                        }
                    }
                }
                series.updated = false;
            }
            let Some((metric, data_points)) = metric.finish(temporality) else { continue };
            let scopes = &mut out.metrics.scopes;
            let scope = match scopes.iter().position(|scope| *scope == inst.spec.scope) {
                Some(index) => index,
                None => {
                    scopes.push(inst.spec.scope.clone());
                    scopes.len() - 1
                }
            };
            out.metrics.push(scope as u32, &metric.0);
            out.data_points += data_points;
        }
        self.last_collection_ns = now_ns;
        out
    }
}

/// Adds a series to `inst` and gives it the next global id.
fn push_series(inst: &mut Instrument, series_ids: &mut Vec<(u32, u32)>, instrument: u32, attributes: Vec<u8>, now_ns: u64) -> u32 {
    let state = match inst.spec.kind {
        InstrumentKind::Counter | InstrumentKind::UpDownCounter => State::Sum(0.0),
        InstrumentKind::Gauge | InstrumentKind::ObservableGauge => State::LastValue(0.0),
        InstrumentKind::ObservableCounter | InstrumentKind::ObservableUpDownCounter => State::ObservedSum { total: 0.0, reported: 0.0 },
        InstrumentKind::Histogram => {
            State::Histogram { counts: vec![0; inst.spec.boundaries.len() + 1], sum: 0.0, count: 0, min: f64::INFINITY, max: f64::NEG_INFINITY }
        }
    };
    let id = series_ids.len() as u32;
    series_ids.push((instrument, inst.series.len() as u32));
    inst.series.push(Series { id, attributes, start_ns: now_ns, updated: false, recorded: false, state });
    id
}

#[cfg(test)]
mod tests;

//! Metric aggregation: every measurement lands here, keyed by instrument and attribute set.
//!
//! JS registers an attribute set once per instrument (`register_series`) and from then on sends
//! only `(series id, value)` pairs, in batches. Attribute sets are canonical (sorted by key, a
//! repeated key keeps its last value), so `{a, b}` and `{b, a}` are one series. Each instrument
//! holds at most `cardinality_limit` series; later attribute sets share one overflow series
//! marked `otel.metric.overflow = true`, as the OpenTelemetry SDK does, so memory stays bounded.

use super::metric_instruments::{bucket_index, InstrumentKind};
use crate::config::Temporality;
use crate::ingest::record_reader::ScopeKey;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::metrics::v1::{
    metric, number_data_point, AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum,
};
use prost::Message;
use std::collections::HashMap;

/// Instruments per SDK; beyond this, new instruments record nothing (with a warning).
pub const MAX_INSTRUMENTS: usize = 1000;
pub const OVERFLOW_ATTRIBUTE: &str = "otel.metric.overflow";

#[derive(Debug)]
pub struct InstrumentSpec {
    pub kind: InstrumentKind,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub scope: ScopeKey,
    /// Histograms only.
    pub boundaries: Vec<f64>,
}

#[derive(Debug)]
struct Instrument {
    spec: InstrumentSpec,
    series: Vec<Series>,
    /// Canonical encoded attribute set → index in `series`.
    index: HashMap<Vec<u8>, u32>,
    overflow: Option<u32>,
}

#[derive(Debug)]
struct Series {
    /// The global series id JS records with.
    id: u32,
    attributes: Vec<KeyValue>,
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
    Histogram { counts: Vec<u64>, sum: f64, count: u64, min: f64, max: f64 },
    /// An observable sum: the callback reports the running total; `reported` is what the
    /// previous delta export covered.
    ObservedSum { total: f64, reported: f64 },
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
    /// Attribute sets folded into an overflow series, for stats().
    pub overflowed: u64,
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
        }
    }

    /// Adds an instrument; `None` when there are too many. An instrument with the same name
    /// (case-insensitively, as the specification says), kind, unit and scope is returned again.
    pub fn add_instrument(&mut self, spec: InstrumentSpec) -> Option<u32> {
        if let Some(i) = self.instruments.iter().position(|inst| {
            let s = &inst.spec;
            s.kind == spec.kind && s.unit == spec.unit && s.scope == spec.scope && s.name.eq_ignore_ascii_case(&spec.name)
        }) {
            return Some(i as u32);
        }
        if self.instruments.len() >= MAX_INSTRUMENTS {
            return None;
        }
        self.instruments.push(Instrument { spec, series: Vec::new(), index: HashMap::new(), overflow: None });
        Some(self.instruments.len() as u32 - 1)
    }

    /// The series id of `attributes` on `instrument`, created if new (or the overflow series
    /// past the cardinality limit). `None` for an unknown instrument.
    pub fn register_series(&mut self, instrument: u32, attributes: Vec<KeyValue>, now_ns: u64) -> Option<u32> {
        let limit = self.cardinality_limit;
        let inst = self.instruments.get_mut(instrument as usize)?;
        let attributes = canonical(attributes);
        let key = encode_key(&attributes);
        if let Some(&local) = inst.index.get(&key) {
            return Some(inst.series[local as usize].id);
        }
        if inst.series.len() < limit - 1 {
            let id = push_series(inst, &mut self.series_ids, instrument, attributes, now_ns);
            inst.index.insert(key, inst.series.len() as u32 - 1);
            return Some(id);
        }
        self.overflowed += 1;
        if let Some(local) = inst.overflow {
            return Some(inst.series[local as usize].id);
        }
        let overflow = vec![KeyValue {
            key: OVERFLOW_ATTRIBUTE.to_owned(),
            value: Some(AnyValue { value: Some(any_value::Value::BoolValue(true)) }),
            ..Default::default()
        }];
        let id = push_series(inst, &mut self.series_ids, instrument, overflow, now_ns);
        inst.overflow = Some(inst.series.len() as u32 - 1);
        Some(id)
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

    pub fn series_count(&self) -> usize {
        self.series_ids.len()
    }

    /// One collection: every instrument's data points as of `now_ns`, grouped by scope (in the
    /// order scopes first appear). Delta temporality resets what it reported.
    pub fn collect(&mut self, now_ns: u64) -> Vec<(ScopeKey, Vec<Metric>)> {
        let delta = self.temporality == Temporality::Delta;
        let window_start = self.last_collection_ns;
        let mut out: Vec<(ScopeKey, Vec<Metric>)> = Vec::new();
        for inst in &mut self.instruments {
            let kind = inst.spec.kind;
            let temporality = if delta { AggregationTemporality::Delta } else { AggregationTemporality::Cumulative } as i32;
            let mut numbers = Vec::new();
            let mut histograms = Vec::new();
            for series in &mut inst.series {
                // Observables report only what their callbacks observed in this collection;
                // delta exports only what changed in the window; cumulative, all that ever did.
                let include = if delta || kind.is_observable() { series.updated } else { series.recorded };
                if !include {
                    continue;
                }
                let start_time_unix_nano = if delta { series.start_ns.max(window_start) } else { series.start_ns };
                let attributes = series.attributes.clone();
                match &mut series.state {
                    State::Sum(sum) => {
                        numbers.push(number_point(attributes, start_time_unix_nano, now_ns, *sum));
                        if delta {
                            *sum = 0.0;
                        }
                    }
                    State::LastValue(last) => numbers.push(number_point(attributes, 0, now_ns, *last)),
                    State::ObservedSum { total, reported } => {
                        let value = if delta { *total - *reported } else { *total };
                        numbers.push(number_point(attributes, start_time_unix_nano, now_ns, value));
                        *reported = *total;
                    }
                    State::Histogram { counts, sum, count, min, max } => {
                        histograms.push(HistogramDataPoint {
                            attributes,
                            start_time_unix_nano,
                            time_unix_nano: now_ns,
                            count: *count,
                            sum: Some(*sum),
                            bucket_counts: counts.clone(),
                            explicit_bounds: inst.spec.boundaries.clone(),
                            exemplars: Vec::new(),
                            flags: 0,
                            min: Some(*min),
                            max: Some(*max),
                        });
                        if delta {
                            counts.iter_mut().for_each(|c| *c = 0);
                            (*sum, *count, *min, *max) = (0.0, 0, f64::INFINITY, f64::NEG_INFINITY);
                        }
                    }
                }
                series.updated = false;
            }
            let data = match kind {
                InstrumentKind::Histogram if !histograms.is_empty() => {
                    metric::Data::Histogram(Histogram { data_points: histograms, aggregation_temporality: temporality })
                }
                InstrumentKind::Gauge | InstrumentKind::ObservableGauge if !numbers.is_empty() => {
                    metric::Data::Gauge(Gauge { data_points: numbers })
                }
                InstrumentKind::Counter
                | InstrumentKind::UpDownCounter
                | InstrumentKind::ObservableCounter
                | InstrumentKind::ObservableUpDownCounter
                    if !numbers.is_empty() =>
                {
                    metric::Data::Sum(Sum {
                        data_points: numbers,
                        aggregation_temporality: temporality,
                        is_monotonic: kind.is_monotonic(),
                    })
                }
                _ => continue,
            };
            let metric = Metric {
                name: inst.spec.name.clone(),
                description: inst.spec.description.clone(),
                unit: inst.spec.unit.clone(),
                metadata: Vec::new(),
                data: Some(data),
            };
            match out.iter_mut().find(|(scope, _)| *scope == inst.spec.scope) {
                Some((_, metrics)) => metrics.push(metric),
                None => out.push((inst.spec.scope.clone(), vec![metric])),
            }
        }
        self.last_collection_ns = now_ns;
        out
    }
}

/// Adds a series to `inst` and gives it the next global id.
fn push_series(inst: &mut Instrument, series_ids: &mut Vec<(u32, u32)>, instrument: u32, attributes: Vec<KeyValue>, now_ns: u64) -> u32 {
    let state = match inst.spec.kind {
        InstrumentKind::Counter | InstrumentKind::UpDownCounter => State::Sum(0.0),
        InstrumentKind::Gauge | InstrumentKind::ObservableGauge => State::LastValue(0.0),
        InstrumentKind::ObservableCounter | InstrumentKind::ObservableUpDownCounter => {
            State::ObservedSum { total: 0.0, reported: 0.0 }
        }
        InstrumentKind::Histogram => State::Histogram {
            counts: vec![0; inst.spec.boundaries.len() + 1],
            sum: 0.0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        },
    };
    let id = series_ids.len() as u32;
    series_ids.push((instrument, inst.series.len() as u32));
    inst.series.push(Series { id, attributes, start_ns: now_ns, updated: false, recorded: false, state });
    id
}

fn number_point(attributes: Vec<KeyValue>, start_time_unix_nano: u64, time_unix_nano: u64, value: f64) -> NumberDataPoint {
    NumberDataPoint {
        attributes,
        start_time_unix_nano,
        time_unix_nano,
        exemplars: Vec::new(),
        flags: 0,
        value: Some(number_data_point::Value::AsDouble(value)),
    }
}

/// Sorted by key; a repeated key keeps its last value.
fn canonical(mut attributes: Vec<KeyValue>) -> Vec<KeyValue> {
    attributes.reverse();
    attributes.sort_by(|a, b| a.key.cmp(&b.key)); // stable: the last-written duplicate comes first
    attributes.dedup_by(|later, first| later.key == first.key);
    attributes
}

fn encode_key(attributes: &[KeyValue]) -> Vec<u8> {
    let mut key = Vec::new();
    for kv in attributes {
        // Encoding into a Vec cannot fail.
        let _ = kv.encode_length_delimited(&mut key);
    }
    key
}

#[cfg(test)]
mod tests;

//! Writes a collection's metrics straight into OTLP `Metric` messages (metrics.proto), as the
//! aggregator walks its series: no intermediate message structs, and each series' attributes
//! are bytes encoded once, when the series was registered. Fields are written in field-number
//! order with proto3 defaults left out, as prost writes them; tests compare with prost.

use super::metric_instruments::InstrumentKind;
use crate::ingest::proto_writer::{Encoded, ProtoWriter};
#[allow(unused_imports)]
use crate::prelude::*;

// Metric fields: 1 name, 2 description, 3 unit, then its data: 5 gauge, 7 sum, 9 histogram.
const NAME: u32 = 1;
const DESCRIPTION: u32 = 2;
const UNIT: u32 = 3;
const GAUGE: u32 = 5;
const SUM: u32 = 7;
const HISTOGRAM: u32 = 9;
// Gauge, Sum and Histogram: 1 data points; Sum and Histogram: 2 aggregation temporality;
// Sum: 3 is_monotonic.
const DATA_POINTS: u32 = 1;
const AGGREGATION_TEMPORALITY: u32 = 2;
const IS_MONOTONIC: u32 = 3;

/// `AggregationTemporality` values.
pub const TEMPORALITY_DELTA: u64 = 1;
pub const TEMPORALITY_CUMULATIVE: u64 = 2;

/// The `attributes` field of a data point: 7 in NumberDataPoint, 9 in HistogramDataPoint.
pub fn attributes_field(kind: InstrumentKind) -> u32 {
    if kind == InstrumentKind::Histogram {
        9
    } else {
        7
    }
}

/// The content of a `KeyValue` holding the string `"true"` (KeyValue: 1 key, 2 value; AnyValue:
/// 1 string). The specification's marker is the bool `true`, but GreptimeDB keeps only string,
/// int and double attributes as tags (src/servers/src/otlp/metrics.rs, `write_attributes`): a
/// bool marker would vanish and the overflow series would overwrite the attribute-less one.
pub fn overflow_marker(key: &str) -> Encoded {
    let mut w = ProtoWriter::default();
    w.bytes(1, key.as_bytes());
    let value = w.begin(2);
    w.bytes_always(1, b"true");
    w.end(value);
    Encoded(w.buf)
}

/// A histogram data point's aggregate.
pub struct HistogramPoint<'a> {
    pub bucket_counts: &'a [u64],
    pub explicit_bounds: &'a [f64],
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

/// One `Metric` being written: its header and the opened data message, then one data point per
/// series, then (in [`Self::finish`]) the data message's trailing fields.
pub struct MetricWriter {
    w: ProtoWriter,
    kind: InstrumentKind,
    data: usize,
    points: u32,
}

impl MetricWriter {
    pub fn new(kind: InstrumentKind, name: &[u8], description: &[u8], unit: &[u8]) -> Self {
        let mut w = ProtoWriter::with_capacity(256);
        w.bytes(NAME, name);
        w.bytes(DESCRIPTION, description);
        w.bytes(UNIT, unit);
        let data = w.begin(match kind {
            InstrumentKind::Histogram => HISTOGRAM,
            InstrumentKind::Gauge | InstrumentKind::ObservableGauge => GAUGE,
            _ => SUM,
        });
        MetricWriter { w, kind, data, points: 0 }
    }

    /// A NumberDataPoint (2 start time, 3 time, 4 as_double, 7 attributes); a start time of
    /// 0 (gauges) is left out.
    pub fn number_point(&mut self, attributes: &[u8], start_time_unix_nano: u64, time_unix_nano: u64, value: f64) {
        let w = &mut self.w;
        let point = w.begin(DATA_POINTS);
        w.fixed64(2, start_time_unix_nano);
        w.fixed64(3, time_unix_nano);
        w.fixed64_always(4, value.to_bits());
        w.buf.extend_from_slice(attributes);
        w.end(point);
        self.points += 1;
    }

    /// A HistogramDataPoint (2 start time, 3 time, 4 count, 5 sum, 6 bucket counts, 7 explicit
    /// bounds, 9 attributes, 11 min, 12 max). Sum, min and max are proto3 `optional`: present
    /// whatever their value.
    pub fn histogram_point(&mut self, attributes: &[u8], start_time_unix_nano: u64, time_unix_nano: u64, p: &HistogramPoint<'_>) {
        let w = &mut self.w;
        let point = w.begin(DATA_POINTS);
        w.fixed64(2, start_time_unix_nano);
        w.fixed64(3, time_unix_nano);
        w.fixed64(4, p.count);
        w.fixed64_always(5, p.sum.to_bits());
        w.packed_fixed64(6, p.bucket_counts.iter().copied());
        w.packed_fixed64(7, p.explicit_bounds.iter().map(|b| b.to_bits()));
        w.buf.extend_from_slice(attributes);
        w.fixed64_always(11, p.min.to_bits());
        w.fixed64_always(12, p.max.to_bits());
        w.end(point);
        self.points += 1;
    }

    /// The content of the `Metric` message and its number of data points; `None` when no point
    /// was written (such a metric is not exported).
    pub fn finish(mut self, temporality: u64) -> Option<(Encoded, u32)> {
        if self.points == 0 {
            return None;
        }
        match self.kind {
            InstrumentKind::Gauge | InstrumentKind::ObservableGauge => {}
            InstrumentKind::Histogram => self.w.uint(AGGREGATION_TEMPORALITY, temporality),
            _ => {
                self.w.uint(AGGREGATION_TEMPORALITY, temporality);
                self.w.uint(IS_MONOTONIC, u64::from(self.kind.is_monotonic()));
            }
        }
        self.w.end(self.data);
        Some((Encoded(self.w.buf), self.points))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
    use opentelemetry_proto::tonic::metrics::v1::{
        metric::Data, number_data_point, AggregationTemporality, Gauge, Histogram, HistogramDataPoint, Metric, NumberDataPoint, Sum,
    };
    use prost::Message;

    fn kv(key: &str, value: &str) -> KeyValue {
        KeyValue { key: key.into(), value: Some(AnyValue { value: Some(any_value::Value::StringValue(value.into())) }), ..Default::default() }
    }

    /// A series' attributes as its data points carry them (the aggregator transcodes them so).
    fn point_attributes(kind: InstrumentKind, attributes: &[KeyValue]) -> Vec<u8> {
        let mut w = ProtoWriter::default();
        for kv in attributes {
            w.bytes_always(attributes_field(kind), &kv.encode_to_vec());
        }
        w.buf
    }

    fn number(attributes: Vec<KeyValue>, start: u64, time: u64, value: f64) -> NumberDataPoint {
        NumberDataPoint {
            attributes,
            start_time_unix_nano: start,
            time_unix_nano: time,
            value: Some(number_data_point::Value::AsDouble(value)),
            ..Default::default()
        }
    }

    fn metric(name: &str, description: &str, unit: &str, data: Data) -> Metric {
        Metric { name: name.into(), description: description.into(), unit: unit.into(), metadata: Vec::new(), data: Some(data) }
    }

    #[test]
    fn sums_and_gauges_are_prost_identical() {
        let long = "v".repeat(300); // lengths that need more than one byte
        let attrs = vec![kv("a", "1"), kv("long", &long)];
        for (kind, monotonic) in [(InstrumentKind::Counter, true), (InstrumentKind::UpDownCounter, false), (InstrumentKind::ObservableCounter, true)]
        {
            for temporality in [TEMPORALITY_DELTA, TEMPORALITY_CUMULATIVE] {
                let mut w = MetricWriter::new(kind, b"requests", b"", b"{request}");
                w.number_point(&point_attributes(kind, &attrs), 5, 9, 0.0);
                w.number_point(&point_attributes(kind, &[]), 0, 9, -1.5);
                let (encoded, points) = w.finish(temporality).unwrap();
                let expected = metric(
                    "requests",
                    "",
                    "{request}",
                    Data::Sum(Sum {
                        data_points: vec![number(attrs.clone(), 5, 9, 0.0), number(vec![], 0, 9, -1.5)],
                        aggregation_temporality: temporality as i32,
                        is_monotonic: monotonic,
                    }),
                );
                assert_eq!((encoded.0, points), (expected.encode_to_vec(), 2), "{kind:?}");
            }
        }
        for kind in [InstrumentKind::Gauge, InstrumentKind::ObservableGauge] {
            let mut w = MetricWriter::new(kind, b"heap", b"bytes in use", b"By");
            w.number_point(&point_attributes(kind, &attrs), 0, 7, 1e9);
            let (encoded, points) = w.finish(TEMPORALITY_CUMULATIVE).unwrap();
            let expected = metric("heap", "bytes in use", "By", Data::Gauge(Gauge { data_points: vec![number(attrs.clone(), 0, 7, 1e9)] }));
            assert_eq!((encoded.0, points), (expected.encode_to_vec(), 1));
        }
    }

    #[test]
    fn histograms_are_prost_identical() {
        let attrs = vec![kv("route", "/")];
        let kind = InstrumentKind::Histogram;
        let mut w = MetricWriter::new(kind, b"duration", b"d", b"ms");
        let full = HistogramPoint { bucket_counts: &[1, 0, 300], explicit_bounds: &[0.0, 5.0], count: 301, sum: 12.5, min: 0.0, max: 9.0 };
        w.histogram_point(&point_attributes(kind, &attrs), 3, 4, &full);
        // Nothing recorded in the window (delta): zeros and infinite min/max, written as they are.
        let empty = HistogramPoint { bucket_counts: &[0], explicit_bounds: &[], count: 0, sum: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY };
        w.histogram_point(&point_attributes(kind, &[]), 0, 4, &empty);
        let (encoded, points) = w.finish(TEMPORALITY_DELTA).unwrap();
        let expected = metric(
            "duration",
            "d",
            "ms",
            Data::Histogram(Histogram {
                data_points: vec![
                    HistogramDataPoint {
                        attributes: attrs,
                        start_time_unix_nano: 3,
                        time_unix_nano: 4,
                        count: 301,
                        sum: Some(12.5),
                        bucket_counts: vec![1, 0, 300],
                        explicit_bounds: vec![0.0, 5.0],
                        exemplars: Vec::new(),
                        flags: 0,
                        min: Some(0.0),
                        max: Some(9.0),
                    },
                    HistogramDataPoint {
                        time_unix_nano: 4,
                        sum: Some(0.0),
                        bucket_counts: vec![0],
                        min: Some(f64::INFINITY),
                        max: Some(f64::NEG_INFINITY),
                        ..Default::default()
                    },
                ],
                aggregation_temporality: AggregationTemporality::Delta as i32,
            }),
        );
        assert_eq!((encoded.0, points), (expected.encode_to_vec(), 2));
    }

    #[test]
    fn a_metric_without_points_is_not_written() {
        assert!(MetricWriter::new(InstrumentKind::Counter, b"c", b"", b"").finish(TEMPORALITY_CUMULATIVE).is_none());
    }

    #[test]
    fn the_overflow_marker_is_the_string_true() {
        let expected = KeyValue {
            key: "otel.metric.overflow".into(),
            value: Some(AnyValue { value: Some(any_value::Value::StringValue("true".into())) }),
            ..Default::default()
        };
        assert_eq!(overflow_marker("otel.metric.overflow").0, expected.encode_to_vec());
    }
}

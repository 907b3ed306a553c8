//! Instrument kinds and bucketing. The rules an instrument's name, unit and boundaries follow,
//! and the default boundaries, are JS's (js/metrics/instrument_rules.ts).

#[allow(unused_imports)]
use crate::prelude::*;
/// The instrument kinds of `@opentelemetry/api`, numbered as js/metrics/meter.ts sends them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstrumentKind {
    Counter = 0,
    UpDownCounter = 1,
    Histogram = 2,
    Gauge = 3,
    ObservableCounter = 4,
    ObservableUpDownCounter = 5,
    ObservableGauge = 6,
}

impl InstrumentKind {
    pub fn from_u8(v: u8) -> Option<Self> {
        use InstrumentKind::*;
        [Counter, UpDownCounter, Histogram, Gauge, ObservableCounter, ObservableUpDownCounter, ObservableGauge].get(v as usize).copied()
    }

    pub fn is_observable(self) -> bool {
        matches!(self, Self::ObservableCounter | Self::ObservableUpDownCounter | Self::ObservableGauge)
    }

    /// A sum that only grows: GreptimeDB names its table `<name>_total`.
    pub fn is_monotonic(self) -> bool {
        matches!(self, Self::Counter | Self::ObservableCounter)
    }
}

/// The bucket a value falls in: bucket `i` holds `(b[i-1], b[i]]`; the last holds `(b[n-1], +inf)`.
pub fn bucket_index(boundaries: &[f64], value: f64) -> usize {
    boundaries.partition_point(|&b| b < value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_edges_are_upper_inclusive() {
        let b = [0.0, 5.0, 10.0];
        assert_eq!(bucket_index(&b, -1.0), 0);
        assert_eq!(bucket_index(&b, 0.0), 0);
        assert_eq!(bucket_index(&b, 0.1), 1);
        assert_eq!(bucket_index(&b, 5.0), 1);
        assert_eq!(bucket_index(&b, 5.000001), 2);
        assert_eq!(bucket_index(&b, 10.0), 2);
        assert_eq!(bucket_index(&b, 11.0), 3);
        assert_eq!(bucket_index(&[], 3.0), 0);
    }

    #[test]
    fn kinds() {
        assert_eq!(InstrumentKind::from_u8(6), Some(InstrumentKind::ObservableGauge));
        assert_eq!(InstrumentKind::from_u8(7), None);
    }
}

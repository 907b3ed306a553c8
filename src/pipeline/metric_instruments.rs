//! Instrument kinds and the rules an instrument's name, unit and bucket boundaries must follow
//! (OpenTelemetry metrics API specification).

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

/// OpenTelemetry's default explicit bucket boundaries.
pub const DEFAULT_BOUNDARIES: [f64; 15] = [0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0, 10000.0];

/// `^[A-Za-z][A-Za-z0-9_./-]{0,254}$`, the instrument name syntax of the specification. JS checks
/// it first with a warning (js/metrics/instrument_rules.ts); here it only guards the core.
pub fn check_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/'))
}

/// Units are ASCII, at most 63 characters (checked in JS first, as names are).
pub fn check_unit(unit: &str) -> bool {
    unit.len() <= 63 && unit.is_ascii()
}

/// Boundaries must be finite and strictly increasing; otherwise the defaults are used.
pub fn check_boundaries(boundaries: &[f64]) -> bool {
    boundaries.iter().all(|b| b.is_finite()) && boundaries.windows(2).all(|w| w[0] < w[1])
}

/// The bucket a value falls in: bucket `i` holds `(b[i-1], b[i]]`; the last holds `(b[n-1], +inf)`.
pub fn bucket_index(boundaries: &[f64], value: f64) -> usize {
    boundaries.partition_point(|&b| b < value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_specification() {
        for ok in ["a", "agent.tool_calls", "http.client.request.duration", "a/b-c_d", &"x".repeat(255)] {
            assert!(check_name(ok), "{ok}");
        }
        for bad in ["", "1abc", "_x", "has space", "ünicode", "a:b", &"x".repeat(256)] {
            assert!(!check_name(bad), "{bad}");
        }
    }

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
    fn boundaries_and_units() {
        assert!(check_boundaries(&DEFAULT_BOUNDARIES));
        assert!(check_boundaries(&[]));
        assert!(!check_boundaries(&[1.0, 1.0]));
        assert!(!check_boundaries(&[2.0, 1.0]));
        assert!(!check_boundaries(&[f64::NAN]));
        assert!(check_unit("ms"));
        assert!(check_unit("{call}"));
        assert!(!check_unit("µs"));
        assert_eq!(InstrumentKind::from_u8(6), Some(InstrumentKind::ObservableGauge));
        assert_eq!(InstrumentKind::from_u8(7), None);
    }
}

//! Counted warnings: every problem the core sees is counted by kind, and the first occurrence
//! of each kind is written to the console once. Telemetry must never spam or throw.

use crate::export::greptime_contract::Signal;
use std::collections::BTreeMap;

/// What went wrong. Counted per kind (and signal); the first of each is written to the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// An item arrived while its queue held `maxQueueSize` items; it was dropped.
    QueueFull(Signal),
    /// An item would have taken its queue past its byte bound (2 KiB per `maxQueueSize` slot); it was dropped.
    QueueOverBytes(Signal),
    /// A record chunk from JS could not be decoded (a bug: reported, the chunk's rest dropped).
    MalformedRecord(Signal),
    /// GreptimeDB accepted a request but rejected some of its items (partial success).
    PartiallyRejected(Signal),
    /// GreptimeDB (or a proxy) answered with an error status.
    ExportFailed(Signal),
    /// The transport could not reach the endpoint at all.
    NetworkError,
    /// An attribute set past an instrument's cardinality limit went to the overflow series.
    CardinalityOverflow,
    /// A measurement named a series the core does not know (a bug if ever counted).
    UnknownSeries,
}

#[derive(Default, Debug)]
pub struct Diagnostics {
    counts: BTreeMap<Problem, u64>,
}

impl Diagnostics {
    /// Counts `n` occurrences; writes `message` to the console only the first time this kind is seen.
    pub fn report(&mut self, problem: Problem, n: u64, message: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        let count = self.counts.entry(problem).or_insert(0);
        if *count == 0 {
            console_warn(&message());
        }
        *count += n;
    }

    pub fn count(&self, problem: Problem) -> u64 {
        self.counts.get(&problem).copied().unwrap_or(0)
    }
}

/// Prefix on every console line, so users can filter them.
pub const LOG_PREFIX: &str = "[greptime-web-telemetry]";

#[cfg(target_arch = "wasm32")]
pub fn console_warn(message: &str) {
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console, js_name = warn)]
        fn warn(s: &str);
    }
    warn(&format!("{LOG_PREFIX} {message}"));
}

#[cfg(not(target_arch = "wasm32"))]
pub fn console_warn(message: &str) {
    eprintln!("{LOG_PREFIX} {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_occurrence() {
        let mut d = Diagnostics::default();
        let mut built = 0;
        for _ in 0..3 {
            d.report(Problem::QueueFull(Signal::Logs), 2, || {
                built += 1;
                "queue full".into()
            });
        }
        assert_eq!(d.count(Problem::QueueFull(Signal::Logs)), 6);
        assert_eq!(d.count(Problem::QueueFull(Signal::Traces)), 0, "counted per signal");
        assert_eq!(built, 1, "the message is built (and printed) only once per kind");
    }
}

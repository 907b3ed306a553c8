//! Counted problems: every problem the core sees is counted by kind, and the first occurrence of
//! each kind is queued for JS, which writes its one console warning (the messages live in JS
//! only: js/export/core_problems.ts). Telemetry must never spam or throw.

use crate::export::signal::Signal;
#[allow(unused_imports)]
use crate::prelude::*;

/// What went wrong, numbered as js/export/core_problems.ts knows them. Counted per kind and
/// signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// An item arrived while its queue held `maxQueueSize` items; it was dropped.
    QueueFull(Signal),
    /// An item would have taken its queue past its byte bound (2 KiB per `maxQueueSize` slot); it was dropped.
    QueueOverBytes(Signal),
    /// A record chunk from JS could not be decoded (a bug: reported, the chunk's rest dropped).
    MalformedRecord(Signal),
    /// An attribute set past an instrument's cardinality limit went to the overflow series.
    CardinalityOverflow,
    /// A measurement named a series the core does not know (a bug if ever counted).
    UnknownSeries,
}

impl Problem {
    /// `[code, signal]` as JS reads them.
    fn code(self) -> [u32; 2] {
        match self {
            Problem::QueueFull(s) => [0, s as u32],
            Problem::QueueOverBytes(s) => [1, s as u32],
            Problem::MalformedRecord(s) => [2, s as u32],
            Problem::CardinalityOverflow => [3, 0],
            Problem::UnknownSeries => [4, 0],
        }
    }
}

/// Kinds × signals: few enough for a flat array of counters.
const SLOTS: usize = 5 * 3;

#[derive(Debug)]
pub struct Diagnostics {
    counts: [u64; SLOTS],
    /// First occurrences not yet taken by JS: `[code, signal, detail]` triples, as f64 like every
    /// number array that crosses the boundary (one kind of array glue on both sides).
    fresh: Vec<f64>,
}

impl Default for Diagnostics {
    fn default() -> Self {
        Diagnostics { counts: [0; SLOTS], fresh: Vec::new() }
    }
}

impl Diagnostics {
    /// Counts `n` occurrences; the first of a kind is queued for JS's warning with `detail`
    /// (the instrument for a cardinality overflow, the byte offset of a malformed record).
    pub fn report(&mut self, problem: Problem, n: u64, detail: u32) {
        if n == 0 {
            return;
        }
        let [code, signal] = problem.code();
        let count = &mut self.counts[(code * 3 + signal) as usize];
        if *count == 0 {
            self.fresh.extend_from_slice(&[code, signal, detail].map(f64::from));
        }
        *count += n;
    }

    pub fn count(&self, problem: Problem) -> u64 {
        let [code, signal] = problem.code();
        self.counts[(code * 3 + signal) as usize]
    }

    /// The queued first occurrences, oldest first; the queue is then empty.
    pub fn take_fresh(&mut self) -> Vec<f64> {
        core::mem::take(&mut self.fresh)
    }

    pub fn has_fresh(&self) -> bool {
        !self.fresh.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_occurrence_and_queues_the_first_of_each_kind() {
        let mut d = Diagnostics::default();
        for _ in 0..3 {
            d.report(Problem::QueueFull(Signal::Logs), 2, 0);
        }
        d.report(Problem::CardinalityOverflow, 1, 7);
        d.report(Problem::QueueFull(Signal::Traces), 0, 0);
        assert_eq!(d.count(Problem::QueueFull(Signal::Logs)), 6);
        assert_eq!(d.count(Problem::QueueFull(Signal::Traces)), 0, "counted per signal");
        assert_eq!(d.take_fresh(), [0.0, 2.0, 0.0, 3.0, 0.0, 7.0], "one entry per kind, with its detail");
        assert!(!d.has_fresh());
        d.report(Problem::QueueFull(Signal::Logs), 1, 0);
        assert!(!d.has_fresh(), "a kind is reported once");
    }
}

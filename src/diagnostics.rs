//! Counted warnings: every problem the core sees is counted by kind, and the first occurrence
//! of each kind is written to the console once. Telemetry must never spam or throw.

use std::collections::BTreeMap;

/// What went wrong, as a stable key (reported by `stats()` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Problem {
    /// A span arrived while the queue held `maxQueueSize` spans; it was dropped.
    QueueFull,
    /// A span record from JS could not be decoded (a bug: reported, the chunk's rest dropped).
    MalformedRecord,
    /// GreptimeDB accepted a request but rejected some spans (partial success).
    PartiallyRejected,
    /// GreptimeDB (or a proxy) answered with an error status.
    ExportFailed,
    /// The transport could not reach the endpoint at all.
    NetworkError,
}

impl Problem {
    pub fn key(self) -> &'static str {
        match self {
            Problem::QueueFull => "queue_full",
            Problem::MalformedRecord => "malformed_record",
            Problem::PartiallyRejected => "partially_rejected",
            Problem::ExportFailed => "export_failed",
            Problem::NetworkError => "network_error",
        }
    }
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

    pub fn counts(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().map(|(p, n)| (p.key(), *n))
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
            d.report(Problem::QueueFull, 2, || {
                built += 1;
                "queue full".into()
            });
        }
        assert_eq!(d.count(Problem::QueueFull), 6);
        assert_eq!(built, 1, "the message is built (and printed) only once per kind");
        assert_eq!(d.counts().collect::<Vec<_>>(), vec![("queue_full", 6)]);
    }
}

//! The bounded queue with OpenTelemetry's batch processor semantics (BatchSpanProcessor,
//! BatchLogRecordProcessor): items wait here until a batch is taken for export; an item that
//! arrives while the queue is full is dropped and counted, so memory is bounded by
//! `maxQueueSize` whatever the app does. One queue per signal (spans, log records).
//!
//! Timing (the scheduled delay, export timeout, page-hide flush) is driven from JS, which
//! compares the queue length with the batch size after each ingest.

use crate::config::BatchConfig;
use crate::ingest::record_reader::ScopeKey;
use std::collections::VecDeque;

#[derive(Debug)]
pub struct BatchQueue<T> {
    /// Items with the index of their scope in `scopes`.
    items: VecDeque<(u32, T)>,
    /// Distinct instrumentation scopes seen (tracers, loggers), so an item stores a number, not two strings.
    scopes: Vec<ScopeKey>,
    max_queue_size: usize,
    max_export_batch_size: usize,
}

/// Beyond this many distinct tracers, new ones share the last slot's scope: a guard against
/// an app that names tracers dynamically.
const MAX_SCOPES: usize = 256;

/// One export's worth of items, with the scopes they refer to.
#[derive(Debug)]
pub struct Batch<T> {
    pub items: Vec<(u32, T)>,
    pub scopes: Vec<ScopeKey>,
}

impl<T> BatchQueue<T> {
    pub fn new(batch: &BatchConfig) -> Self {
        BatchQueue {
            items: VecDeque::new(),
            scopes: Vec::new(),
            max_queue_size: batch.max_queue_size as usize,
            max_export_batch_size: batch.max_export_batch_size as usize,
        }
    }

    /// Queues an item; returns false (and drops it) when the queue is full.
    pub fn push(&mut self, scope: ScopeKey, item: T) -> bool {
        if self.items.len() >= self.max_queue_size {
            return false;
        }
        let scope = match self.scopes.iter().position(|s| *s == scope) {
            Some(i) => i,
            None if self.scopes.len() < MAX_SCOPES => {
                self.scopes.push(scope);
                self.scopes.len() - 1
            }
            None => MAX_SCOPES - 1,
        };
        self.items.push_back((scope as u32, item));
        true
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A full batch is waiting: export now rather than at the next scheduled tick.
    pub fn wants_export(&self) -> bool {
        self.items.len() >= self.max_export_batch_size
    }

    /// Removes up to `maxExportBatchSize` items, oldest first.
    pub fn take_batch(&mut self) -> Batch<T> {
        let n = self.items.len().min(self.max_export_batch_size);
        let items: Vec<_> = self.items.drain(..n).collect();
        let batch = Batch { items, scopes: self.scopes.clone() };
        if self.items.is_empty() {
            // Nothing refers to old scopes any more; start afresh so the list cannot grow forever.
            self.scopes.clear();
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(q: &mut BatchQueue<String>, name: &str, scope: &str) -> bool {
        q.push(ScopeKey { name: scope.into(), version: String::new() }, name.into())
    }

    fn queue(max_queue_size: u32, max_export_batch_size: u32) -> BatchQueue<String> {
        BatchQueue::new(&BatchConfig { max_queue_size, max_export_batch_size, ..Default::default() })
    }

    #[test]
    fn defaults_are_opentelemetry_batch_span_processor_defaults() {
        let d = BatchConfig::default();
        assert_eq!((d.max_queue_size, d.max_export_batch_size, d.scheduled_delay_millis, d.export_timeout_millis), (2048, 512, 5000, 30000));
    }

    #[test]
    fn drops_beyond_the_queue_limit() {
        let mut q = queue(3, 2);
        let accepted: Vec<bool> = (0..5).map(|i| push(&mut q, &i.to_string(), "s")).collect();
        assert_eq!(accepted, [true, true, true, false, false]);
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn batches_are_bounded_and_in_order() {
        let mut q = queue(10, 4);
        for i in 0..6 {
            push(&mut q, &i.to_string(), if i % 2 == 0 { "a" } else { "b" });
        }
        assert!(q.wants_export());
        let b1 = q.take_batch();
        assert_eq!(b1.items.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(), ["0", "1", "2", "3"]);
        assert_eq!(b1.scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(b1.items.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert!(!q.wants_export());
        let b2 = q.take_batch();
        assert_eq!(b2.items.len(), 2);
        assert!(q.is_empty());
        assert!(q.take_batch().items.is_empty());
    }

    #[test]
    fn scope_list_is_bounded() {
        let mut q = queue(10_000, 10_000);
        for i in 0..(MAX_SCOPES + 50) {
            push(&mut q, "x", &format!("tracer-{i}"));
        }
        let batch = q.take_batch();
        assert_eq!(batch.scopes.len(), MAX_SCOPES);
        assert_eq!(batch.items.last().unwrap().0 as usize, MAX_SCOPES - 1);
    }
}

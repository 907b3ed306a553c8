//! The bounded span queue with OpenTelemetry BatchSpanProcessor semantics: spans wait here
//! until a batch is taken for export; a span that arrives while the queue is full is dropped
//! and counted, so memory is bounded by `maxQueueSize` whatever the app does.
//!
//! Timing (the scheduled delay, export timeout, page-hide flush) is driven from JS, which
//! asks [`SpanQueue::wants_export`] after each ingest.

use crate::config::BatchConfig;
use crate::ingest::span_records::{DecodedSpan, ScopeKey};
use opentelemetry_proto::tonic::trace::v1::Span;
use std::collections::VecDeque;

#[derive(Debug)]
pub struct SpanQueue {
    /// Spans with the index of their scope in `scopes`.
    spans: VecDeque<(u32, Span)>,
    /// Distinct instrumentation scopes seen (tracers), so a span stores a number, not two strings.
    scopes: Vec<ScopeKey>,
    max_queue_size: usize,
    max_export_batch_size: usize,
}

/// Beyond this many distinct tracers, new ones share the last slot's scope: a guard against
/// an app that names tracers dynamically.
const MAX_SCOPES: usize = 256;

/// One export's worth of spans, with the scopes they refer to.
#[derive(Debug, Default)]
pub struct SpanBatch {
    pub spans: Vec<(u32, Span)>,
    pub scopes: Vec<ScopeKey>,
}

impl SpanQueue {
    pub fn new(batch: &BatchConfig) -> Self {
        SpanQueue {
            spans: VecDeque::new(),
            scopes: Vec::new(),
            max_queue_size: batch.max_queue_size as usize,
            max_export_batch_size: batch.max_export_batch_size as usize,
        }
    }

    /// Queues a span; returns false (and drops it) when the queue is full.
    pub fn push(&mut self, span: DecodedSpan) -> bool {
        if self.spans.len() >= self.max_queue_size {
            return false;
        }
        let scope = match self.scopes.iter().position(|s| *s == span.scope) {
            Some(i) => i,
            None if self.scopes.len() < MAX_SCOPES => {
                self.scopes.push(span.scope);
                self.scopes.len() - 1
            }
            None => MAX_SCOPES - 1,
        };
        self.spans.push_back((scope as u32, span.span));
        true
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// A full batch is waiting: export now rather than at the next scheduled tick.
    pub fn wants_export(&self) -> bool {
        self.spans.len() >= self.max_export_batch_size
    }

    /// Removes up to `maxExportBatchSize` spans, oldest first.
    pub fn take_batch(&mut self) -> SpanBatch {
        let n = self.spans.len().min(self.max_export_batch_size);
        let spans: Vec<_> = self.spans.drain(..n).collect();
        let batch = SpanBatch { spans, scopes: self.scopes.clone() };
        if self.spans.is_empty() {
            // Nothing refers to old scopes any more; start afresh so the list cannot grow forever.
            self.scopes.clear();
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(name: &str, scope: &str) -> DecodedSpan {
        DecodedSpan {
            scope: ScopeKey { name: scope.into(), version: String::new() },
            span: Span { name: name.into(), ..Default::default() },
        }
    }

    fn queue(max_queue_size: u32, max_export_batch_size: u32) -> SpanQueue {
        SpanQueue::new(&BatchConfig { max_queue_size, max_export_batch_size, ..Default::default() })
    }

    #[test]
    fn defaults_are_opentelemetry_batch_span_processor_defaults() {
        let d = BatchConfig::default();
        assert_eq!((d.max_queue_size, d.max_export_batch_size, d.scheduled_delay_millis, d.export_timeout_millis), (2048, 512, 5000, 30000));
    }

    #[test]
    fn drops_beyond_the_queue_limit() {
        let mut q = queue(3, 2);
        let accepted: Vec<bool> = (0..5).map(|i| q.push(span(&i.to_string(), "s"))).collect();
        assert_eq!(accepted, [true, true, true, false, false]);
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn batches_are_bounded_and_in_order() {
        let mut q = queue(10, 4);
        for i in 0..6 {
            q.push(span(&i.to_string(), if i % 2 == 0 { "a" } else { "b" }));
        }
        assert!(q.wants_export());
        let b1 = q.take_batch();
        assert_eq!(b1.spans.iter().map(|(_, s)| s.name.as_str()).collect::<Vec<_>>(), ["0", "1", "2", "3"]);
        assert_eq!(b1.scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(b1.spans.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [0, 1, 0, 1]);
        assert!(!q.wants_export());
        let b2 = q.take_batch();
        assert_eq!(b2.spans.len(), 2);
        assert!(q.is_empty());
        assert!(q.take_batch().spans.is_empty());
    }

    #[test]
    fn scope_list_is_bounded() {
        let mut q = queue(10_000, 10_000);
        for i in 0..(MAX_SCOPES + 50) {
            q.push(span("x", &format!("tracer-{i}")));
        }
        let batch = q.take_batch();
        assert_eq!(batch.scopes.len(), MAX_SCOPES);
        assert_eq!(batch.spans.last().unwrap().0 as usize, MAX_SCOPES - 1);
    }
}

//! Between ingest and export: the bounded queue that batches spans.

pub mod span_queue;

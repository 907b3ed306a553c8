//! Between ingest and export: the bounded queues that batch spans and log records.

pub mod batch_queue;

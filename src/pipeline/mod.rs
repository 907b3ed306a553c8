//! Between ingest and export: the bounded queues that batch spans and log records, and the
//! aggregation of metric measurements.

pub mod batch_queue;
pub mod metric_aggregator;
pub mod metric_encode;
pub mod metric_instruments;
pub mod set_index;

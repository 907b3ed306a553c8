//! Decoding what the JS layer hands over: record chunks with interned strings.

pub mod log_records;
pub mod proto_writer;
pub mod record_reader;
pub mod span_records;
pub mod string_table;

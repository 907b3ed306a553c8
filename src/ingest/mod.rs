//! Reading what the JS layer hands over (record chunks with interned strings): spans and log
//! records are transcoded straight to OTLP protobuf bytes (`proto_writer`).

pub mod log_records;
pub mod proto_writer;
pub mod record_reader;
pub mod span_records;
pub mod string_table;

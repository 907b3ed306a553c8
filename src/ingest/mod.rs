//! Decoding what the JS layer hands over: span records with interned strings.

pub mod span_records;
pub mod string_table;

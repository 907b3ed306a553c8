//! Reading what the JS layer hands over (record chunks with interned strings): spans and log
//! records are transcoded straight to OTLP protobuf bytes (`proto_writer`). The core
//! (greptime-web-telemetry) re-exports this crate as its `ingest` module.
//!
//! A crate of its own because it is the hot path: every span and log record passes through it.
//! It was built at `opt-level = 3` while the rest was built for size; since ingest became
//! allocation-free that measured no faster than `"z"` (warm ingest 0.54 µs per span at 3, 0.35
//! at z, same session) for 735 B more gzipped `.wasm`, so it is built at `"z"` like the rest.
//!
//! `no_std` (with `alloc`): the core links no `std` in its release `.wasm`, so no formatting
//! machinery comes with it (see the core's `lean_runtime`).

#![cfg_attr(not(test), no_std)]
extern crate alloc;

pub mod log_records;
pub mod proto_writer;
pub mod record_reader;
pub mod span_records;
pub mod string_table;

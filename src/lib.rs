//! greptime-web-telemetry core: the part of the browser SDK that runs in WebAssembly.
//!
//! Data flows one way, and the module tree follows it:
//!
//! ```text
//! JS API (js/) ──span / log records──▶ ingest::{span,log}_records ──▶ pipeline::batch_queue ──┐
//!   (binary chunks, interned strings,    (straight to protobuf bytes)    (bounded, batched)      │
//!    one crossing per chunk)                                                                      ▼
//!              ──(series, value) pairs──▶ pipeline::metric_aggregator ──────────────────▶ export::otlp_encode
//!                (one crossing per 1024)   (sums, histograms, gauges)                      (protobuf requests)
//!                                                                                                 │
//! JS transport (fetch, GreptimeDB's URLs, headers and answers: js/export/) ◀── encoded requests ┘
//! ```
//!
//! Ownership across the boundary:
//! - A span or log record lives in a plain JS object until it ends (no crossing per
//!   attribute), and waits in a JS list until a batch has ended; then JS writes the batch into a
//!   record chunk (its own `Uint8Array`), which it owns until it calls `TelemetryCore::ingest`
//!   (in `wasm_api`), which copies it into WASM memory and decodes it.
//! - From then on Rust owns the item, inside a bounded [`pipeline::batch_queue::BatchQueue`].
//!   It is freed when its batch is encoded: the encoded bytes are returned to JS as a fresh
//!   `Uint8Array` (a copy JS owns and the GC frees), and nothing in WASM memory refers to it.
//! - Metric measurements are `(series, value)` pairs in a JS `Float64Array`, copied in bulk;
//!   the aggregated state (bounded by the cardinality limit) lives in Rust until shutdown.
//! - The only long-lived WASM object is the one `TelemetryCore` the JS layer creates per
//!   `initTelemetry`; `shutdown()` calls its `free()`.
//!
//! Only hot paths are here: transcoding, queues, aggregation and encoding, tested natively.
//! I/O and timers (fetch, setTimeout, page-hide), configuration validation (js/config/), the
//! GreptimeDB contract (URLs, headers, what a response means) and every message are JS: cold
//! code costs a fraction of the bytes there, and no text is formatted in WebAssembly.

// The release .wasm links no std (src/lean_runtime.rs). Debug builds and tests keep std: test
// harnesses (wasm-pack test) link it, and its panic handler would clash with ours.
#![cfg_attr(all(target_arch = "wasm32", not(debug_assertions), not(test)), no_std)]
extern crate alloc;

/// What the std prelude gives, from `alloc`: the crate is `no_std` in its release `.wasm`.
pub(crate) mod prelude {
    pub use alloc::string::ToString;
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod diagnostics;
pub mod export;
/// The hot path, a crate of its own (crates/ingest) so that it alone is built for speed.
pub use greptime_web_telemetry_ingest as ingest;
pub mod pipeline;
pub mod resource;

#[cfg(all(target_arch = "wasm32", not(debug_assertions), not(test)))]
mod lean_runtime;
#[cfg(target_arch = "wasm32")]
pub mod wasm_api;

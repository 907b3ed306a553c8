//! From queued spans to what goes on the wire: protobuf encoding and splitting. GreptimeDB's
//! HTTP contract (URLs, headers, what an answer means) is cold code and lives in JS
//! (js/export/greptime_contract.ts, js/export/response.ts).

pub mod otlp_encode;
pub mod otlp_split;
pub mod proto_fields;
pub mod signal;

//! From queued spans to what goes on the wire: protobuf encoding. GreptimeDB's HTTP contract
//! (URLs, headers, what an answer means) and splitting a request in two (a 413, page hide) are
//! cold code and live in JS (js/export/greptime_contract.ts, response.ts, split_request.ts).

pub mod otlp_encode;
pub mod signal;

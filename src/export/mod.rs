//! From queued spans to what goes on the wire: protobuf encoding and GreptimeDB's HTTP contract.

pub mod greptime_contract;
pub mod otlp_encode;
pub mod otlp_split;
pub mod proto_fields;
pub mod response_decode;

//! Log records as js/wire/record_writer.ts writes them (shared parts: `record_reader`).
//!
//! ```text
//! op LOG (3):
//!   time f64, observed_time f64 (milliseconds since the epoch; 0 = not set)
//!   severity_number u8 (0-24), severity_text str
//!   has_body u8, body value (when has_body is 1; may be an array or a map)
//!   attrs
//!   trace_id[16] span_id[8] (all zero: not inside a span), trace_flags u8
//!   scope_name str, scope_version str, event_name str
//! op RESET_STRINGS (2)
//! ```

use super::proto_writer::ProtoWriter;
use super::record_reader::{transcode_chunk, DecodeError, Reader, ScopeRef, Transcoded};
use super::string_table::StringTable;

pub const OP_LOG: u8 = 3;

/// Decodes one chunk of log records into OTLP `LogRecord` messages (see [`transcode_chunk`]).
pub fn decode_chunk(bytes: &[u8], strings: &mut StringTable, sink: impl FnMut(Transcoded<'_>)) -> Result<(), DecodeError> {
    transcode_chunk(bytes, strings, OP_LOG, read_log, sink)
}

// LogRecord field numbers in logs.proto.
const TIME: u32 = 1;
const SEVERITY_NUMBER: u32 = 2;
const SEVERITY_TEXT: u32 = 3;
const BODY: u32 = 5;
const ATTRIBUTES: u32 = 6;
const DROPPED_ATTRIBUTES: u32 = 7;
const FLAGS: u32 = 8;
const TRACE_ID: u32 = 9;
const SPAN_ID: u32 = 10;
const OBSERVED_TIME: u32 = 11;
const EVENT_NAME: u32 = 12;

fn read_log<'a>(r: &mut Reader<'a>, strings: &mut StringTable, w: &mut ProtoWriter) -> Result<ScopeRef<'a>, DecodeError> {
    w.fixed64(TIME, r.time()?);
    w.fixed64(OBSERVED_TIME, r.time()?);
    let severity_number = r.u8()?;
    if severity_number > 24 {
        return Err(r.error("severity number out of range"));
    }
    w.uint(SEVERITY_NUMBER, u64::from(severity_number));
    r.str_into(strings, w, SEVERITY_TEXT, false)?;
    match r.u8()? {
        0 => {}
        1 => {
            let body = w.begin(BODY);
            r.value_into(strings, w, 0)?;
            w.end(body);
        }
        _ => return Err(r.error("bad body flag")),
    }
    let dropped = r.attributes_into(strings, w, ATTRIBUTES)?;
    w.uint(DROPPED_ATTRIBUTES, u64::from(dropped));
    let trace_id = r.raw_id(16)?;
    let span_id = r.raw_id(8)?;
    let trace_flags = r.u8()?;
    // Correlated only when both ids are there; the flags mean nothing otherwise.
    if trace_id.iter().any(|&b| b != 0) && span_id.iter().any(|&b| b != 0) {
        w.bytes_always(TRACE_ID, trace_id);
        w.bytes_always(SPAN_ID, span_id);
        w.fixed32(FLAGS, u32::from(trace_flags));
    }
    let scope = r.scope(strings)?;
    r.str_into(strings, w, EVENT_NAME, false)?;
    Ok(scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record_reader::ScopeKey;
    use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, KeyValue, KeyValueList};
    use opentelemetry_proto::tonic::logs::v1::LogRecord;
    use prost::Message;

    /// A transcoded record read back with prost's decoder (not ours), checked to be exactly as
    /// long as prost's own encoding of it (no default field written, minimal lengths).
    struct Decoded {
        scope: ScopeKey,
        record: LogRecord,
    }

    fn decode(bytes: &[u8]) -> Vec<Decoded> {
        let mut logs = Vec::new();
        decode_chunk(bytes, &mut StringTable::default(), |l| {
            let record = LogRecord::decode(l.message).expect("a valid OTLP LogRecord");
            assert_eq!(record.encoded_len(), l.message.len(), "transcoded record is not minimal");
            logs.push(Decoded { scope: ScopeKey { name: l.scope.name.into(), version: l.scope.version.into() }, record });
        })
        .unwrap();
        logs
    }

    fn inline(out: &mut Vec<u8>, s: &str) {
        // Short strings only: one varint byte.
        out.push(((s.len() as u8) << 2) | 1);
        out.extend_from_slice(s.as_bytes());
    }

    fn log(body: Option<&[u8]>, ids: ([u8; 16], [u8; 8])) -> Vec<u8> {
        let mut b = vec![OP_LOG];
        b.extend_from_slice(&1_700_000_000_000.5f64.to_le_bytes());
        b.extend_from_slice(&1_700_000_000_001f64.to_le_bytes());
        b.push(17);
        inline(&mut b, "ERROR");
        match body {
            Some(v) => {
                b.push(1);
                b.extend_from_slice(v);
            }
            None => b.push(0),
        }
        b.push(1);
        inline(&mut b, "k");
        b.push(0);
        inline(&mut b, "v");
        b.push(0); // dropped
        b.extend_from_slice(&ids.0);
        b.extend_from_slice(&ids.1);
        b.push(1);
        inline(&mut b, "app");
        inline(&mut b, "1.0");
        inline(&mut b, "");
        b
    }

    #[test]
    fn decodes_a_log_with_a_map_body_inside_a_span() {
        // body: { msg: "boom", n: [1, null] }
        let mut body = vec![7, 2];
        inline(&mut body, "msg");
        body.push(0);
        inline(&mut body, "boom");
        inline(&mut body, "n");
        body.extend_from_slice(&[5, 2, 3]);
        body.extend_from_slice(&1f64.to_le_bytes());
        body.push(6);
        let bytes = log(Some(&body), ([0xaa; 16], [0xbb; 8]));
        let logs = decode(&bytes);
        let Decoded { scope, record } = &logs[0];
        assert_eq!(scope, &ScopeKey { name: "app".into(), version: "1.0".into() });
        assert_eq!(record.time_unix_nano, 1_700_000_000_000_500_000);
        assert_eq!(record.observed_time_unix_nano, 1_700_000_000_001_000_000);
        assert_eq!((record.severity_number, record.severity_text.as_str()), (17, "ERROR"));
        assert_eq!((record.trace_id.len(), record.span_id.len(), record.flags), (16, 8, 1));
        let Some(Value::KvlistValue(KeyValueList { values })) = record.body.as_ref().and_then(|b| b.value.clone()) else {
            panic!("map body expected: {:?}", record.body)
        };
        assert_eq!(values[0].key, "msg");
        assert_eq!(values[0].value.as_ref().unwrap().value, Some(Value::StringValue("boom".into())));
        let Some(Value::ArrayValue(array)) = values[1].value.as_ref().unwrap().value.clone() else { panic!() };
        assert_eq!(array.values.len(), 2);
        assert_eq!(array.values[1].value, None);
        assert_eq!(
            record.attributes,
            vec![KeyValue { key: "k".into(), value: Some(AnyValue { value: Some(Value::StringValue("v".into())) }), ..Default::default() }]
        );
    }

    #[test]
    fn a_log_outside_a_span_has_no_ids_or_flags() {
        let bytes = log(None, ([0; 16], [0; 8]));
        let logs = decode(&bytes);
        let r = &logs[0].record;
        assert!(r.trace_id.is_empty() && r.span_id.is_empty());
        assert_eq!((r.flags, r.body.is_none()), (0, true));
    }

    #[test]
    fn nesting_is_bounded_and_truncation_fails_cleanly() {
        // Five nested arrays: deeper than MAX_VALUE_DEPTH.
        let body = [5, 1, 5, 1, 5, 1, 5, 1, 5, 0];
        let err = decode_chunk(&log(Some(&body), ([0; 16], [0; 8])), &mut StringTable::default(), |_| {}).unwrap_err();
        assert_eq!(err.reason, "unknown value tag");
        let full = log(None, ([1; 16], [2; 8]));
        for cut in 1..full.len() {
            assert!(decode_chunk(&full[..cut], &mut StringTable::default(), |_| {}).is_err());
        }
    }
}

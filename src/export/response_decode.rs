//! The two protobuf answers GreptimeDB gives, read by hand: partial success in a 2xx
//! `Export*ServiceResponse`, and the `google.rpc.Status` it sends when it rejects every span.
//! Both need only a count and a message, and both messages have them in the same two fields.

use super::proto_fields::{fields, varint, LEN, VARINT};

/// `Export{Trace,Metrics,Logs}ServiceResponse.partial_success` (field 1): the rejected count
/// (rejected_spans / rejected_data_points / rejected_log_records, 1, int64) and error_message
/// (2). `None` when absent or when the body is not a well-formed response.
pub fn partial_success(body: &[u8]) -> Option<(i64, String)> {
    let mut partial = None;
    for (field, value) in fields(body)? {
        if field.number == 1 {
            if field.wire_type != LEN {
                return None;
            }
            // A message field that occurs twice is merged, as protobuf decoders do.
            let mut merged = partial.unwrap_or_default();
            count_and_message(value, &mut merged)?;
            partial = Some(merged);
        }
    }
    partial
}

/// `google.rpc.Status.message` (field 2; 1 is the int32 code); `None` when the body is not a
/// well-formed Status. An empty body is a Status with an empty message.
pub fn rpc_status_message(body: &[u8]) -> Option<String> {
    let mut status = (0, String::new());
    count_and_message(body, &mut status)?;
    Some(status.1)
}

/// Reads a message whose field 1 is an integer varint and field 2 a string into `into`, later
/// occurrences replacing earlier ones; other fields are skipped. `None` when malformed.
fn count_and_message(bytes: &[u8], into: &mut (i64, String)) -> Option<()> {
    for (field, value) in fields(bytes)? {
        match (field.number, field.wire_type) {
            (1, VARINT) => into.0 = varint(value)?.0 as i64,
            (2, LEN) => into.1 = std::str::from_utf8(value).ok()?.to_owned(),
            (1 | 2, _) => return None,
            _ => {}
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::proto_writer::ProtoWriter;
    use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsPartialSuccess, ExportLogsServiceResponse};
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceResponse;
    use opentelemetry_proto::tonic::collector::trace::v1::{ExportTracePartialSuccess, ExportTraceServiceResponse};
    use prost::Message;

    /// The two fields of `google.rpc.Status` GreptimeDB fills, for prost to decode.
    #[derive(Clone, PartialEq, Message)]
    struct RpcStatus {
        #[prost(int32, tag = "1")]
        code: i32,
        #[prost(string, tag = "2")]
        message: String,
    }

    /// What prost's decoders make of `body`: partial success for each signal, and the Status message.
    fn prost_reads(body: &[u8]) -> ([Option<(i64, String)>; 3], Option<String>) {
        let traces = ExportTraceServiceResponse::decode(body).ok().map(|r| r.partial_success.map(|p| (p.rejected_spans, p.error_message)));
        let metrics = ExportMetricsServiceResponse::decode(body).ok().map(|r| r.partial_success.map(|p| (p.rejected_data_points, p.error_message)));
        let logs = ExportLogsServiceResponse::decode(body).ok().map(|r| r.partial_success.map(|p| (p.rejected_log_records, p.error_message)));
        ([traces.flatten(), metrics.flatten(), logs.flatten()], RpcStatus::decode(body).ok().map(|s| s.message))
    }

    fn assert_reads_as_prost(body: &[u8]) {
        let (partial, status) = prost_reads(body);
        let ours = partial_success(body);
        assert!(partial.iter().all(|p| *p == ours), "{body:x?}: prost {partial:?}, ours {ours:?}");
        assert_eq!(rpc_status_message(body), status, "{body:x?}");
    }

    #[test]
    fn partial_success_and_status_as_greptimedb_sends_them() {
        let traces = ExportTraceServiceResponse {
            partial_success: Some(ExportTracePartialSuccess { rejected_spans: 2, error_message: "Accepted 1 spans, rejected 2 spans".into() }),
        };
        assert_eq!(partial_success(&traces.encode_to_vec()), Some((2, "Accepted 1 spans, rejected 2 spans".into())));
        let logs =
            ExportLogsServiceResponse { partial_success: Some(ExportLogsPartialSuccess { rejected_log_records: -1, error_message: String::new() }) };
        assert_eq!(partial_success(&logs.encode_to_vec()), Some((-1, String::new())));
        assert_eq!(partial_success(&[]), None, "an empty response: no partial success");
        assert_eq!(rpc_status_message(&RpcStatus { code: 3, message: "rejected".into() }.encode_to_vec()), Some("rejected".into()));
        for body in [traces.encode_to_vec(), logs.encode_to_vec(), b"{\"error\":\"x\"}".to_vec(), b"busy".to_vec(), Vec::new()] {
            assert_reads_as_prost(&body);
        }
    }

    /// Messages built from random fields (known and unknown numbers, right and wrong wire types,
    /// repeats, invalid UTF-8, over-long varints, truncation) read exactly as prost reads them.
    #[test]
    fn random_messages_read_as_prost_reads_them() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        fn message(next: &mut impl FnMut(u64) -> u64, depth: u32) -> Vec<u8> {
            let mut w = ProtoWriter::default();
            for _ in 0..next(4) {
                let field = [1, 1, 2, 2, 3, 15][next(6) as usize];
                match next(6) {
                    0 => w.uint_always(field, [0, 1, 300, u64::MAX, 1 << 40][next(5) as usize]),
                    1 => w.fixed64_always(field, next(1 << 20)),
                    2 => {
                        // A 32-bit field (wire type 5).
                        w.varint(u64::from(field << 3 | 5));
                        w.buf.extend_from_slice(&[1, 2, 3, 4]);
                    }
                    3 if depth < 2 => {
                        let inner = message(next, depth + 1);
                        w.bytes_always(field, &inner);
                    }
                    4 => w.buf.extend_from_slice(&[(field << 3) as u8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
                    _ => w.bytes_always(field, [&b""[..], b"ok", "é".as_bytes(), &[0xc3], &[0xff, 0x61]][next(5) as usize]),
                }
            }
            w.buf
        }
        for _ in 0..20_000 {
            let mut body = message(&mut next, 0);
            if next(4) == 0 {
                let cut = next(body.len() as u64 + 1) as usize;
                body.truncate(cut);
            }
            assert_reads_as_prost(&body);
        }
    }
}

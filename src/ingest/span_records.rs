//! Span records as js/wire/record_writer.ts writes them (shared parts: `record_reader`).
//!
//! ```text
//! op SPAN (1):
//!   trace_id[16] span_id[8] parent_span_id[8] (all zero: a root span)
//!   trace_flags u8, kind u8 (OTLP SpanKind value)
//!   name str, scope_name str, scope_version str, trace_state str
//!   start f64, end f64 (milliseconds since the Unix epoch)
//!   status_code u8, status_message str
//!   attrs
//!   varint n_events, n × (name str, time f64, attrs), dropped_events varint
//!   varint n_links,  n × (trace_id[16] span_id[8] trace_state str, attrs), dropped_links varint
//! op RESET_STRINGS (2): forget every interned string (JS does this when its table is full)
//! ```

use super::record_reader::{decode_ops, DecodeError, Reader, ScopeKey};
use super::string_table::StringTable;
use opentelemetry_proto::tonic::trace::v1::{span, Span, Status};

pub const OP_SPAN: u8 = 1;

/// OTLP `Span.flags` bit saying whether the parent's remoteness is known (bit 8).
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE: u32 = 0x100;

#[derive(Debug, PartialEq)]
pub struct DecodedSpan {
    pub scope: ScopeKey,
    pub span: Span,
}

/// Decodes one chunk, handing each span to `sink` as soon as it is complete. On malformed
/// input the spans before the fault have been delivered and the error says where it stopped.
pub fn decode_chunk(bytes: &[u8], strings: &mut StringTable, mut sink: impl FnMut(DecodedSpan)) -> Result<(), DecodeError> {
    decode_ops(bytes, strings, |op, r, strings| match op {
        OP_SPAN => {
            sink(read_span(r, strings)?);
            Ok(())
        }
        _ => Err(r.error("unknown operation")),
    })
}

fn read_span(r: &mut Reader<'_>, strings: &mut StringTable) -> Result<DecodedSpan, DecodeError> {
    let trace_id = r.id::<16>()?;
    let span_id = r.id::<8>()?;
    let parent_span_id = r.id::<8>()?;
    if trace_id.is_empty() || span_id.is_empty() {
        return Err(r.error("span without trace or span id"));
    }
    let trace_flags = r.u8()?;
    let kind = r.u8()?;
    if kind > span::SpanKind::Consumer as u8 {
        return Err(r.error("unknown span kind"));
    }
    let name = r.str(strings)?;
    let scope = r.scope(strings)?;
    let trace_state = r.str(strings)?;
    let start = r.time()?;
    // GreptimeDB stores end - start as an unsigned duration: never let end precede start.
    let end = r.time()?.max(start);
    let status_code = r.u8()?;
    if status_code > 2 {
        return Err(r.error("unknown status code"));
    }
    let status_message = r.str(strings)?;
    let (attributes, dropped_attributes_count) = r.attributes(strings)?;

    let n_events = r.varint()?;
    let mut events = Vec::with_capacity(n_events.min(1024) as usize);
    for _ in 0..n_events {
        let name = r.str(strings)?;
        let time_unix_nano = r.time()?;
        let (attributes, dropped_attributes_count) = r.attributes(strings)?;
        events.push(span::Event { name, time_unix_nano, attributes, dropped_attributes_count });
    }
    let dropped_events_count = r.varint()?;

    let n_links = r.varint()?;
    let mut links = Vec::with_capacity(n_links.min(1024) as usize);
    for _ in 0..n_links {
        let trace_id = r.id::<16>()?;
        let span_id = r.id::<8>()?;
        let trace_state = r.str(strings)?;
        let (attributes, dropped_attributes_count) = r.attributes(strings)?;
        links.push(span::Link {
            trace_id,
            span_id,
            trace_state,
            attributes,
            dropped_attributes_count,
            flags: SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE,
        });
    }
    let dropped_links_count = r.varint()?;

    // Always present, as OpenTelemetry SDKs send it: GreptimeDB then stores
    // `STATUS_CODE_UNSET` rather than an empty string for spans nobody set a status on.
    let status = Some(Status { code: i32::from(status_code), message: status_message });
    Ok(DecodedSpan {
        scope,
        span: Span {
            trace_id,
            span_id,
            trace_state,
            parent_span_id,
            flags: u32::from(trace_flags) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE,
            name,
            kind: i32::from(kind),
            start_time_unix_nano: start,
            end_time_unix_nano: end,
            attributes,
            dropped_attributes_count,
            events,
            dropped_events_count,
            links,
            dropped_links_count,
            status,
        },
    })
}

#[cfg(test)]
mod tests;

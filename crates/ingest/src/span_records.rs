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

use super::proto_writer::ProtoWriter;
use super::record_reader::{transcode_chunk, DecodeError, Reader, ScopeRef, Transcoded};
use super::string_table::StringTable;

pub const OP_SPAN: u8 = 1;

/// The last `Span.SpanKind` value (SPAN_KIND_CONSUMER).
const SPAN_KIND_CONSUMER: u8 = 5;

/// OTLP `Span.flags` bit saying whether the parent's remoteness is known (bit 8).
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE: u32 = 0x100;

/// Decodes one chunk of span records into OTLP `Span` messages (see [`transcode_chunk`]).
pub fn decode_chunk(bytes: &[u8], strings: &mut StringTable, sink: impl FnMut(Transcoded<'_>)) -> Result<(), DecodeError> {
    transcode_chunk(bytes, strings, OP_SPAN, read_span, sink)
}

// Span field numbers in trace.proto.
const TRACE_ID: u32 = 1;
const SPAN_ID: u32 = 2;
const TRACE_STATE: u32 = 3;
const PARENT_SPAN_ID: u32 = 4;
const NAME: u32 = 5;
const KIND: u32 = 6;
const START: u32 = 7;
const END: u32 = 8;
const ATTRIBUTES: u32 = 9;
const DROPPED_ATTRIBUTES: u32 = 10;
const EVENTS: u32 = 11;
const DROPPED_EVENTS: u32 = 12;
const LINKS: u32 = 13;
const DROPPED_LINKS: u32 = 14;
const STATUS: u32 = 15;
const FLAGS: u32 = 16;

/// Fields are written in the record's order, which is not always field-number order; protobuf
/// decoders accept any order.
fn read_span<'a>(r: &mut Reader<'a>, strings: &mut StringTable, w: &mut ProtoWriter) -> Result<ScopeRef<'a>, DecodeError> {
    let has_trace_id = r.id_into(w, TRACE_ID, 16)?;
    let has_span_id = r.id_into(w, SPAN_ID, 8)?;
    if !has_trace_id || !has_span_id {
        return Err(r.error("span without trace or span id"));
    }
    r.id_into(w, PARENT_SPAN_ID, 8)?;
    let trace_flags = r.u8()?;
    w.fixed32(FLAGS, u32::from(trace_flags) | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE);
    let kind = r.u8()?;
    if kind > SPAN_KIND_CONSUMER {
        return Err(r.error("unknown span kind"));
    }
    w.uint(KIND, u64::from(kind));
    r.str_into(strings, w, NAME, false)?;
    let scope = r.scope(strings)?;
    r.str_into(strings, w, TRACE_STATE, false)?;
    let start = r.time()?;
    // GreptimeDB stores end - start as an unsigned duration: never let end precede start.
    let end = r.time()?.max(start);
    w.fixed64(START, start);
    w.fixed64(END, end);
    let status_code = r.u8()?;
    if status_code > 2 {
        return Err(r.error("unknown status code"));
    }
    // Always present, as OpenTelemetry SDKs send it: GreptimeDB then stores
    // `STATUS_CODE_UNSET` rather than an empty string for spans nobody set a status on.
    // (Status: 2 message, 3 code.)
    let status = w.begin(STATUS);
    r.str_into(strings, w, 2, false)?;
    w.uint(3, u64::from(status_code));
    w.end(status);
    let dropped = r.attributes_into(strings, w, ATTRIBUTES)?;
    w.uint(DROPPED_ATTRIBUTES, u64::from(dropped));

    // Event: 1 time, 2 name, 3 attributes, 4 dropped attributes.
    for _ in 0..r.varint()? {
        let event = w.begin(EVENTS);
        r.str_into(strings, w, 2, false)?;
        w.fixed64(1, r.time()?);
        let dropped = r.attributes_into(strings, w, 3)?;
        w.uint(4, u64::from(dropped));
        w.end(event);
    }
    w.uint(DROPPED_EVENTS, u64::from(r.varint()?));

    // Link: 1 trace id, 2 span id, 3 trace state, 4 attributes, 5 dropped attributes, 6 flags.
    for _ in 0..r.varint()? {
        let link = w.begin(LINKS);
        r.id_into(w, 1, 16)?;
        r.id_into(w, 2, 8)?;
        r.str_into(strings, w, 3, false)?;
        let dropped = r.attributes_into(strings, w, 4)?;
        w.uint(5, u64::from(dropped));
        w.fixed32(6, SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE);
        w.end(link);
    }
    w.uint(DROPPED_LINKS, u64::from(r.varint()?));
    Ok(scope)
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

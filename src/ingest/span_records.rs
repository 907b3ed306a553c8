//! The binary span record format written by js/wire/record_writer.ts, and its decoder.
//!
//! A chunk is a sequence of operations (all integers little-endian, `varint` = unsigned LEB128):
//!
//! ```text
//! op SPAN (1):
//!   trace_id[16] span_id[8] parent_span_id[8] (all zero: a root span)
//!   trace_flags u8, kind u8 (OTLP SpanKind value)
//!   name str, scope_name str, scope_version str, trace_state str
//!   start f64, end f64 (milliseconds since the Unix epoch)
//!   status_code u8, status_message str
//!   attrs, dropped_attributes varint
//!   varint n_events, n × (name str, time f64, attrs, dropped_attributes varint), dropped_events varint
//!   varint n_links,  n × (trace_id[16] span_id[8] trace_state str, attrs, dropped_attributes varint), dropped_links varint
//! op RESET_STRINGS (2): forget every interned string (JS does this when its table is full)
//! attrs := varint n, n × (key str, value)
//! value := tag u8: 0 string (str) | 1 false | 2 true | 3 int (f64 holding a safe integer) | 4 double (f64)
//!                  | 5 array (varint n, n × value) | 6 empty (a null array element)
//! str   := varint v, by its two low bits:
//!          0: the interned string number v >> 2
//!          1: inline UTF-8 of v >> 2 bytes
//!          2: inline UTF-8 of v >> 2 bytes, interned as the next number
//! ```
//!
//! Integers travel as f64 because a JS number is one; JS only tags a number as int when it is a
//! safe integer, so the cast back is exact.

use super::string_table::StringTable;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{span, Span, Status};
use std::fmt;

pub const OP_SPAN: u8 = 1;
pub const OP_RESET_STRINGS: u8 = 2;

const STR_INTERNED: u32 = 0;
const STR_INLINE: u32 = 1;
const STR_DEFINE: u32 = 2;

const TAG_STRING: u8 = 0;
const TAG_FALSE: u8 = 1;
const TAG_TRUE: u8 = 2;
const TAG_INT: u8 = 3;
const TAG_DOUBLE: u8 = 4;
const TAG_ARRAY: u8 = 5;
const TAG_EMPTY: u8 = 6;

/// OTLP `Span.flags` bit saying whether the parent's remoteness is known (bit 8).
const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE: u32 = 0x100;

/// Where a decoded span belongs: its instrumentation scope (tracer name and version).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeKey {
    pub name: String,
    pub version: String,
}

#[derive(Debug, PartialEq)]
pub struct DecodedSpan {
    pub scope: ScopeKey,
    pub span: Span,
}

#[derive(Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed span record at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes one chunk, handing each span to `sink` as soon as it is complete. On malformed
/// input the spans before the fault have been delivered and the error says where it stopped.
pub fn decode_chunk(bytes: &[u8], strings: &mut StringTable, mut sink: impl FnMut(DecodedSpan)) -> Result<(), DecodeError> {
    let mut r = Reader { bytes, pos: 0 };
    while r.pos < bytes.len() {
        match r.u8()? {
            OP_RESET_STRINGS => strings.reset(),
            OP_SPAN => sink(r.span(strings)?),
            _ => return Err(r.error("unknown operation")),
        }
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, reason: &'static str) -> DecodeError {
        DecodeError { offset: self.pos, reason }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| self.error("truncated"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn f64(&mut self) -> Result<f64, DecodeError> {
        Ok(f64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }

    fn varint(&mut self) -> Result<u32, DecodeError> {
        let mut value: u32 = 0;
        for shift in (0..35).step_by(7) {
            let byte = self.u8()?;
            value |= u32::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("varint too long"))
    }

    fn str(&mut self, strings: &mut StringTable) -> Result<String, DecodeError> {
        let v = self.varint()?;
        let n = v >> 2;
        match v & 3 {
            STR_INTERNED => strings.get(n).map(str::to_owned).ok_or_else(|| self.error("unknown string number")),
            tag @ (STR_INLINE | STR_DEFINE) => {
                let s = std::str::from_utf8(self.take(n as usize)?).map_err(|_| self.error("invalid UTF-8"))?.to_owned();
                if tag == STR_DEFINE {
                    strings.define(s.clone()).map_err(|reason| self.error(reason))?;
                }
                Ok(s)
            }
            _ => Err(self.error("unknown string form")),
        }
    }

    fn id<const N: usize>(&mut self) -> Result<Vec<u8>, DecodeError> {
        let raw = self.take(N)?;
        // An all-zero id means "none" (a root span's parent); OTLP wants it empty.
        Ok(if raw.iter().all(|&b| b == 0) { Vec::new() } else { raw.to_vec() })
    }

    /// `None` only for an empty array element.
    fn value(&mut self, strings: &mut StringTable, depth: u8) -> Result<Option<any_value::Value>, DecodeError> {
        Ok(Some(match self.u8()? {
            TAG_STRING => any_value::Value::StringValue(self.str(strings)?),
            TAG_FALSE => any_value::Value::BoolValue(false),
            TAG_TRUE => any_value::Value::BoolValue(true),
            TAG_INT => any_value::Value::IntValue(self.f64()? as i64),
            TAG_DOUBLE => any_value::Value::DoubleValue(self.f64()?),
            TAG_EMPTY if depth > 0 => return Ok(None),
            TAG_ARRAY if depth == 0 => {
                let n = self.varint()?;
                let mut values = Vec::with_capacity(n.min(1024) as usize);
                for _ in 0..n {
                    values.push(AnyValue { value: self.value(strings, depth + 1)? });
                }
                any_value::Value::ArrayValue(ArrayValue { values })
            }
            _ => return Err(self.error("unknown value tag")),
        }))
    }

    fn attributes(&mut self, strings: &mut StringTable) -> Result<(Vec<KeyValue>, u32), DecodeError> {
        let n = self.varint()?;
        let mut attributes = Vec::with_capacity(n.min(1024) as usize);
        for _ in 0..n {
            let key = self.str(strings)?;
            let value = self.value(strings, 0)?;
            attributes.push(KeyValue { key, value: Some(AnyValue { value }), ..Default::default() });
        }
        Ok((attributes, self.varint()?))
    }

    fn span(&mut self, strings: &mut StringTable) -> Result<DecodedSpan, DecodeError> {
        let trace_id = self.id::<16>()?;
        let span_id = self.id::<8>()?;
        let parent_span_id = self.id::<8>()?;
        if trace_id.is_empty() || span_id.is_empty() {
            return Err(self.error("span without trace or span id"));
        }
        let trace_flags = self.u8()?;
        let kind = self.u8()?;
        if kind > span::SpanKind::Consumer as u8 {
            return Err(self.error("unknown span kind"));
        }
        let name = self.str(strings)?;
        let scope = ScopeKey { name: self.str(strings)?, version: self.str(strings)? };
        let trace_state = self.str(strings)?;
        let start = epoch_millis_to_nanos(self.f64()?);
        // GreptimeDB stores end - start as an unsigned duration: never let end precede start.
        let end = epoch_millis_to_nanos(self.f64()?).max(start);
        let status_code = self.u8()?;
        if status_code > 2 {
            return Err(self.error("unknown status code"));
        }
        let status_message = self.str(strings)?;
        let (attributes, dropped_attributes_count) = self.attributes(strings)?;

        let n_events = self.varint()?;
        let mut events = Vec::with_capacity(n_events.min(1024) as usize);
        for _ in 0..n_events {
            let name = self.str(strings)?;
            let time_unix_nano = epoch_millis_to_nanos(self.f64()?);
            let (attributes, dropped_attributes_count) = self.attributes(strings)?;
            events.push(span::Event { name, time_unix_nano, attributes, dropped_attributes_count });
        }
        let dropped_events_count = self.varint()?;

        let n_links = self.varint()?;
        let mut links = Vec::with_capacity(n_links.min(1024) as usize);
        for _ in 0..n_links {
            let trace_id = self.id::<16>()?;
            let span_id = self.id::<8>()?;
            let trace_state = self.str(strings)?;
            let (attributes, dropped_attributes_count) = self.attributes(strings)?;
            links.push(span::Link {
                trace_id,
                span_id,
                trace_state,
                attributes,
                dropped_attributes_count,
                flags: SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE,
            });
        }
        let dropped_links_count = self.varint()?;

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
}

/// Milliseconds since the epoch (as JS clocks give them, with sub-millisecond fractions) to
/// OTLP nanoseconds. Negative or non-finite times become 0, which OTLP reads as "unknown".
pub fn epoch_millis_to_nanos(ms: f64) -> u64 {
    // u64 nanoseconds run out in the year 2554; clamp rather than overflow.
    const MAX_MS: f64 = (u64::MAX / 1_000_000 - 1) as f64;
    if ms.is_finite() && ms > 0.0 {
        let ms = ms.min(MAX_MS);
        // Split so the fraction keeps its precision: ms alone is ~1.7e12, and ms * 1e6 as one
        // f64 product would round to 256 ns steps.
        let whole = ms.trunc();
        (whole as u64) * 1_000_000 + ((ms - whole) * 1e6).round() as u64
    } else {
        0
    }
}

#[cfg(test)]
mod tests;

//! Reading the protobuf wire format without generated decoders: a message as its fields with
//! raw values. Enough for splitting requests (`otlp_split`); linking prost's decoders for that
//! cost far more. (GreptimeDB's answers are read in JS: js/export/response.ts.)

#[allow(unused_imports)]
use crate::prelude::*;
pub const VARINT: u8 = 0;
const I64: u8 = 1;
pub const LEN: u8 = 2;
const I32: u8 = 5;

#[derive(Clone, Copy)]
pub struct Field {
    pub number: u32,
    pub wire_type: u8,
}

impl Field {
    /// Writes the field back: the tag, then the value (with its length for LEN fields).
    pub fn write(self, out: &mut Vec<u8>, value: &[u8]) {
        put_varint(out, (u64::from(self.number) << 3) | u64::from(self.wire_type));
        if self.wire_type == LEN {
            put_varint(out, value.len() as u64);
        }
        out.extend_from_slice(value);
    }
}

/// The fields of one message with their raw values (for VARINT, I64 and I32 the value bytes as
/// they were); `None` when the bytes are not a well-formed message (checked as prost's decoder
/// checks them, except that groups, a proto2 relic, are not skipped but refused).
pub fn fields(mut bytes: &[u8]) -> Option<impl Iterator<Item = (Field, &[u8])>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (tag, rest) = varint(bytes)?;
        let tag = u32::try_from(tag).ok()?;
        let field = Field { number: tag >> 3, wire_type: (tag & 7) as u8 };
        if field.number == 0 {
            return None;
        }
        let len = match field.wire_type {
            VARINT => rest.len() - varint(rest)?.1.len(),
            I64 => 8,
            I32 => 4,
            LEN => {
                let (len, after) = varint(rest)?;
                let len = usize::try_from(len).ok()?;
                let start = rest.len() - after.len();
                let value = after.get(..len)?;
                out.push((field, value));
                bytes = &rest[start + len..];
                continue;
            }
            _ => return None,
        };
        out.push((field, rest.get(..len)?));
        bytes = &rest[len..];
    }
    Some(out.into_iter())
}

/// A varint and the bytes after it; `None` when truncated or over 64 bits.
pub fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate().take(10) {
        if i == 9 && *b > 1 {
            return None;
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

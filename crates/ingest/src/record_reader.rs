//! The parts of the record format shared by every signal (js/wire/record_writer.ts writes them):
//! integers, strings with interning, ids, attribute values. (Over 400 lines: the decoder of one
//! format, kept with its bounds checks in one place.)
//!
//! ```text
//! varint := unsigned LEB128 (u32)          f64 := 8 bytes little-endian
//! str    := varint v, by its two low bits:
//!           0: the interned string number v >> 2
//!           1: inline UTF-8 of v >> 2 bytes
//!           2: inline UTF-8 of v >> 2 bytes, interned as the next number
//! attrs  := varint n, n × (key str, value), then varint dropped_count
//! value  := tag u8: 0 string (str) | 1 false | 2 true | 3 int (f64 holding a safe integer)
//!                 | 4 double (f64) | 5 array (varint n, n × value) | 6 empty (a null entry)
//!                 | 7 map (varint n, n × (key str, value))
//! ```
//!
//! Integers travel as f64 because a JS number is one; JS only tags a number as int when it is a
//! safe integer, so the cast back is exact. Arrays and maps nest at most `MAX_VALUE_DEPTH` deep.

use super::proto_writer::ProtoWriter;
use super::string_table::StringTable;
use alloc::vec::Vec;
use core::fmt;

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
const TAG_MAP: u8 = 7;

/// JS cuts deeper structures (log bodies, log attributes) before writing them.
pub const MAX_VALUE_DEPTH: u8 = 4;

/// Where a decoded item belongs: its instrumentation scope (tracer or logger name and version),
/// as the UTF-8 bytes JS wrote (see string_table.rs: never read as `str`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScopeKey {
    pub name: Vec<u8>,
    pub version: Vec<u8>,
}

/// A string read from a chunk, before it is looked up.
#[derive(Clone, Copy, Debug)]
pub enum StrRef<'a> {
    /// A number in the intern table (checked to exist when read).
    Interned(u32),
    /// Inline in the chunk (UTF-8 as JS wrote it).
    Chunk(&'a [u8]),
}

impl<'a> StrRef<'a> {
    /// What identifies the string without reading it, if anything: its intern number, or
    /// `u32::MAX` for the empty string (JS never interns it).
    fn number(self) -> Option<u32> {
        match self {
            StrRef::Interned(n) => Some(n),
            StrRef::Chunk([]) => Some(u32::MAX),
            StrRef::Chunk(_) => None,
        }
    }

    pub fn resolve<'t>(self, strings: &'t StringTable) -> &'t [u8]
    where
        'a: 't,
    {
        match self {
            // Checked when read; the table cannot shrink before the record is complete.
            StrRef::Interned(n) => strings.get(n).unwrap_or(&[]),
            StrRef::Chunk(s) => s,
        }
    }
}

/// An item's instrumentation scope as read, resolved with [`ScopeRef::resolve`].
#[derive(Clone, Copy, Debug)]
pub struct ScopeRef<'a> {
    pub name: StrRef<'a>,
    pub version: StrRef<'a>,
}

impl<'a> ScopeRef<'a> {
    pub fn resolve<'t>(self, strings: &'t StringTable) -> Scope<'t>
    where
        'a: 't,
    {
        let token = match (self.name.number(), self.version.number()) {
            (Some(name), Some(version)) => Some(ScopeToken { generation: strings.generation(), name, version }),
            _ => None,
        };
        Scope { name: self.name.resolve(strings), version: self.version.resolve(strings), token }
    }
}

/// An item's instrumentation scope (tracer or logger name and version).
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    pub name: &'a [u8],
    pub version: &'a [u8],
    /// Set when both strings were interned (or empty): items with equal tokens have the same scope, which
    /// the queue then recognises without comparing strings (one tracer's spans, in the usual case).
    pub token: Option<ScopeToken>,
}

/// Interned string numbers and the intern table's generation they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopeToken {
    generation: u64,
    name: u32,
    version: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed record at byte {}: {}", self.offset, self.reason)
    }
}

pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The reason is for tests and debugging: JS is told only the offset (a malformed chunk is a
    /// bug, reported with one message written in JS), so release builds leave the text out of
    /// the `.wasm`.
    pub fn error(&self, reason: &'static str) -> DecodeError {
        DecodeError { offset: self.pos, reason: if cfg!(debug_assertions) { reason } else { "" } }
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| self.error("truncated"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    #[inline(always)]
    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    pub fn f64(&mut self) -> Result<f64, DecodeError> {
        let b = self.take(8)?;
        Ok(f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }

    /// Most varints in a record are one byte (string numbers, counts, short lengths).
    #[inline(always)]
    pub fn varint(&mut self) -> Result<u32, DecodeError> {
        let first = self.u8()?;
        if first < 0x80 {
            return Ok(u32::from(first));
        }
        self.varint_rest(first)
    }

    #[inline(never)]
    fn varint_rest(&mut self, first: u8) -> Result<u32, DecodeError> {
        let mut value = u32::from(first & 0x7f);
        for shift in [7, 14, 21, 28] {
            let byte = self.u8()?;
            // Bits beyond 32 are dropped: JS never writes them.
            value |= u32::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("varint too long"))
    }

    /// Transcodes a string straight into protobuf field `field` of `w`, without allocating
    /// (except when the record defines it for the intern table). Empty strings are left out
    /// unless `always` (a oneof member).
    pub fn str_into(&mut self, strings: &mut StringTable, w: &mut ProtoWriter, field: u32, always: bool) -> Result<(), DecodeError> {
        let v = self.varint()?;
        let n = v >> 2;
        let write = |w: &mut ProtoWriter, s: &[u8]| if always { w.bytes_always(field, s) } else { w.bytes(field, s) };
        match v & 3 {
            STR_INTERNED => {
                let s = strings.get(n).ok_or_else(|| self.error("unknown string number"))?;
                write(w, s);
            }
            form @ (STR_INLINE | STR_DEFINE) => {
                let s = self.take(n as usize)?;
                write(w, s);
                if form == STR_DEFINE {
                    strings.define(s.to_vec()).map_err(|reason| self.error(reason))?;
                }
            }
            _ => return Err(self.error("unknown string form")),
        }
        Ok(())
    }

    /// An id of `len` bytes (16 a trace id, 8 a span id) as protobuf field `field`, left out
    /// when all zero ("none"). The length is an argument, not a const generic: one function in
    /// the `.wasm` instead of one per length.
    pub fn id_into(&mut self, w: &mut ProtoWriter, field: u32, len: usize) -> Result<bool, DecodeError> {
        let raw = self.raw_id(len)?;
        let present = raw.iter().any(|&b| b != 0);
        if present {
            w.bytes_always(field, raw);
        }
        Ok(present)
    }

    /// An id of `len` bytes as written (all zero: none).
    pub fn raw_id(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        self.take(len)
    }

    /// Transcodes a value as the content of an `AnyValue` message (field numbers from
    /// common.proto: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist). An empty entry
    /// writes nothing: an `AnyValue` with no value.
    pub fn value_into(&mut self, strings: &mut StringTable, w: &mut ProtoWriter, depth: u8) -> Result<(), DecodeError> {
        match self.u8()? {
            TAG_STRING => self.str_into(strings, w, 1, true)?,
            TAG_FALSE => w.uint_always(2, 0),
            TAG_TRUE => w.uint_always(2, 1),
            // int64 as a varint: negative values take ten bytes, as in every protobuf encoder.
            TAG_INT => w.uint_always(3, self.f64()? as i64 as u64),
            TAG_DOUBLE => w.fixed64_always(4, self.f64()?.to_bits()),
            TAG_EMPTY if depth > 0 => {}
            TAG_ARRAY if depth < MAX_VALUE_DEPTH => {
                let array = w.begin(5);
                for _ in 0..self.varint()? {
                    let element = w.begin(1);
                    self.value_into(strings, w, depth + 1)?;
                    w.end(element);
                }
                w.end(array);
            }
            TAG_MAP if depth < MAX_VALUE_DEPTH => {
                let map = w.begin(6);
                for _ in 0..self.varint()? {
                    let kv = w.begin(1);
                    self.str_into(strings, w, 1, false)?;
                    let value = w.begin(2);
                    self.value_into(strings, w, depth + 1)?;
                    w.end(value);
                    w.end(kv);
                }
                w.end(map);
            }
            _ => return Err(self.error("unknown value tag")),
        }
        Ok(())
    }

    /// Transcodes attributes as repeated `KeyValue` field `field`; returns the dropped count.
    pub fn attributes_into(&mut self, strings: &mut StringTable, w: &mut ProtoWriter, field: u32) -> Result<u32, DecodeError> {
        for _ in 0..self.varint()? {
            let kv = w.begin(field);
            self.str_into(strings, w, 1, false)?;
            let value = w.begin(2);
            self.value_into(strings, w, 0)?;
            w.end(value);
            w.end(kv);
        }
        self.varint()
    }

    /// A string without copying it: where it is (the chunk, or the intern table once a later
    /// read no longer needs the table mutably). Defines it when the record says so.
    pub fn str_ref(&mut self, strings: &mut StringTable) -> Result<StrRef<'a>, DecodeError> {
        let v = self.varint()?;
        let n = v >> 2;
        match v & 3 {
            STR_INTERNED if (n as usize) < strings.len() => Ok(StrRef::Interned(n)),
            STR_INTERNED => Err(self.error("unknown string number")),
            form @ (STR_INLINE | STR_DEFINE) => {
                let s = self.take(n as usize)?;
                if form == STR_DEFINE {
                    strings.define(s.to_vec()).map_err(|reason| self.error(reason))?;
                }
                Ok(StrRef::Chunk(s))
            }
            _ => Err(self.error("unknown string form")),
        }
    }

    /// The instrumentation scope's name and version, not copied: most items name a scope the
    /// queue already holds, and comparing borrowed strings saves an allocation per item.
    pub fn scope(&mut self, strings: &mut StringTable) -> Result<ScopeRef<'a>, DecodeError> {
        Ok(ScopeRef { name: self.str_ref(strings)?, version: self.str_ref(strings)? })
    }

    /// A time in milliseconds since the epoch, as OTLP nanoseconds.
    pub fn time(&mut self) -> Result<u64, DecodeError> {
        Ok(epoch_millis_to_nanos(self.f64()?))
    }
}

/// One transcoded item (a span, a log record) as the sink sees it, borrowed: the sink copies
/// what it keeps.
#[derive(Debug)]
pub struct Transcoded<'a> {
    pub scope: Scope<'a>,
    /// The content of the item's OTLP message (`Span`, `LogRecord`).
    pub message: &'a [u8],
}

/// Reads one item's record after its op code, writing its OTLP message into the writer.
pub type ReadItem = for<'r> fn(&mut Reader<'r>, &mut StringTable, &mut ProtoWriter) -> Result<ScopeRef<'r>, DecodeError>;

/// Decodes a chunk of one signal's records (op `item_op`, read by `read`; the reset op is
/// handled here), handing each item to `sink` as soon as it is complete. On malformed input the
/// items before the fault have been delivered and the error says where it stopped. One scratch
/// buffer serves the whole chunk, so an item costs no allocation here.
pub fn transcode_chunk(
    bytes: &[u8],
    strings: &mut StringTable,
    item_op: u8,
    read: ReadItem,
    mut sink: impl FnMut(Transcoded<'_>),
) -> Result<(), DecodeError> {
    let mut w = ProtoWriter::with_capacity(512);
    let mut r = Reader::new(bytes);
    while !r.at_end() {
        match r.u8()? {
            OP_RESET_STRINGS => strings.reset(),
            op if op == item_op => {
                w.buf.clear();
                let scope = read(&mut r, strings, &mut w)?;
                sink(Transcoded { scope: scope.resolve(strings), message: &w.buf });
            }
            _ => return Err(r.error("unknown operation")),
        }
    }
    Ok(())
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
        // (Casts truncate positive numbers; `f64::trunc`/`round` are std-only before Rust 1.90.)
        let whole = ms as u64;
        let fraction = (ms - whole as f64) * 1e6;
        let nanos = fraction as u64;
        whole * 1_000_000 + nanos + u64::from(fraction - nanos as f64 >= 0.5)
    } else {
        0
    }
}

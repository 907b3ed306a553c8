//! A minimal protobuf writer for transcoding span and log records straight into OTLP wire bytes
//! (and for the other messages the core sends: the resource, metrics).
//!
//! Written by hand rather than building prost structs and encoding them: that path allocated a
//! `String` per attribute key and value and walked every span twice (decode into structs, then
//! encode), which the benchmark measured at about 4 µs per span in WASM. Writing bytes as the
//! record is read is one pass, into a scratch buffer reused for a whole chunk. Field numbers and defaults follow
//! proto3 as prost applies them (defaults left out, oneof members always written), and tests
//! check the output against prost's decoder.

use alloc::vec::Vec;
const WIRE_VARINT: u32 = 0;
const WIRE_FIXED64: u32 = 1;
const WIRE_LEN: u32 = 2;
const WIRE_FIXED32: u32 = 5;

/// The content of one OTLP message (the resource, a metric, a series' attribute), encoded once
/// and embedded in requests as it is.
#[derive(Debug, PartialEq, Eq)]
pub struct Encoded(pub Vec<u8>);

#[derive(Default, Debug)]
pub struct ProtoWriter {
    pub buf: Vec<u8>,
}

// Each write makes room for its largest case once and then stores bytes without further
// capacity checks: under `opt-level = "z"` nothing else gets inlined, and a `Vec::push` call per
// byte was the largest item in the transcoder's profile.
impl ProtoWriter {
    pub fn with_capacity(n: usize) -> Self {
        Self { buf: Vec::with_capacity(n) }
    }

    /// Ensures `n` more bytes fit without reallocating: the unchecked stores below rely on it.
    #[inline(always)]
    fn room(&mut self, n: usize) {
        if self.buf.capacity() - self.buf.len() < n {
            self.grow(n);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) {
        self.buf.reserve(n);
    }

    #[inline(always)]
    fn put(&mut self, byte: u8) {
        debug_assert!(self.buf.len() < self.buf.capacity());
        let len = self.buf.len();
        // SAFETY: every caller made room (`room`) for all it stores, so `len` is within capacity.
        unsafe {
            self.buf.as_mut_ptr().add(len).write(byte);
            self.buf.set_len(len + 1);
        }
    }

    #[inline(always)]
    fn put_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.put((v as u8) | 0x80);
            v >>= 7;
        }
        self.put(v as u8);
    }

    #[inline(always)]
    fn put_slice(&mut self, bytes: &[u8]) {
        debug_assert!(self.buf.capacity() - self.buf.len() >= bytes.len());
        let len = self.buf.len();
        // SAFETY: room was made for `bytes` (see `put`); `bytes` cannot be part of `self.buf`,
        // which is borrowed mutably here.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.buf.as_mut_ptr().add(len), bytes.len());
            self.buf.set_len(len + bytes.len());
        }
    }

    /// A key: the field number and wire type (five bytes at most).
    #[inline(always)]
    fn put_key(&mut self, field: u32, wire: u32) {
        self.put_varint(u64::from((field << 3) | wire));
    }

    pub fn varint(&mut self, v: u64) {
        self.room(10);
        self.put_varint(v);
    }

    /// A varint field, left out when zero (proto3 default).
    #[inline(always)]
    pub fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.uint_always(field, v);
        }
    }

    /// A varint field written even when zero or false (a oneof member).
    pub fn uint_always(&mut self, field: u32, v: u64) {
        self.room(15);
        self.put_key(field, WIRE_VARINT);
        self.put_varint(v);
    }

    pub fn fixed64(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.fixed64_always(field, v);
        }
    }

    pub fn fixed64_always(&mut self, field: u32, v: u64) {
        self.room(13);
        self.put_key(field, WIRE_FIXED64);
        self.put_slice(&v.to_le_bytes());
    }

    pub fn fixed32(&mut self, field: u32, v: u32) {
        if v != 0 {
            self.room(9);
            self.put_key(field, WIRE_FIXED32);
            self.put_slice(&v.to_le_bytes());
        }
    }

    /// A packed repeated fixed64 or double field (bit patterns), left out when empty.
    pub fn packed_fixed64(&mut self, field: u32, values: impl ExactSizeIterator<Item = u64>) {
        if values.len() == 0 {
            return;
        }
        self.room(15 + 8 * values.len());
        self.put_key(field, WIRE_LEN);
        self.put_varint(8 * values.len() as u64);
        for v in values {
            self.put_slice(&v.to_le_bytes());
        }
    }

    /// A bytes or string field, left out when empty (proto3 default).
    #[inline(always)]
    pub fn bytes(&mut self, field: u32, b: &[u8]) {
        if !b.is_empty() {
            self.bytes_always(field, b);
        }
    }

    /// A bytes or string field written even when empty (a oneof member, a present message).
    pub fn bytes_always(&mut self, field: u32, b: &[u8]) {
        self.room(15 + b.len());
        self.put_key(field, WIRE_LEN);
        self.put_varint(b.len() as u64);
        self.put_slice(b);
    }

    /// The key and length of a message of `len` bytes whose content the caller writes next.
    pub fn message_header(&mut self, field: u32, len: usize) {
        self.room(15);
        self.put_key(field, WIRE_LEN);
        self.put_varint(len as u64);
    }

    /// Opens an embedded message; returns where its content starts, for [`Self::end`].
    /// One byte is reserved for the length, which fits for most attributes and events.
    pub fn begin(&mut self, field: u32) -> usize {
        self.room(6);
        self.put_key(field, WIRE_LEN);
        self.put(0);
        self.buf.len()
    }

    /// Closes the message opened at `start`, writing its length (moving the content when the
    /// length needs more than the one reserved byte).
    pub fn end(&mut self, start: usize) {
        let len = self.buf.len() - start;
        if len < 0x80 {
            self.buf[start - 1] = len as u8;
            return;
        }
        let mut prefix = [0u8; 10];
        let mut n = 0;
        let mut v = len;
        while v >= 0x80 {
            prefix[n] = (v as u8) | 0x80;
            v >>= 7;
            n += 1;
        }
        prefix[n] = v as u8;
        let extra = n; // bytes beyond the one reserved
        self.buf.resize(self.buf.len() + extra, 0);
        self.buf.copy_within(start..start + len, start + extra);
        self.buf[start - 1..start + extra].copy_from_slice(&prefix[..=n]);
    }
}

/// How many bytes a length-delimited field of `len` bytes takes, key included (field numbers
/// below 16 have a one-byte key).
pub fn framed_len(field: u32, len: usize) -> usize {
    debug_assert!(field < 16);
    let mut n = 2;
    let mut v = len >> 7;
    while v > 0 {
        n += 1;
        v >>= 7;
    }
    n + len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lengths_of_any_size_are_minimal_varints() {
        for len in [0usize, 1, 127, 128, 300, 16_383, 16_384, 70_000] {
            let mut w = ProtoWriter::default();
            let start = w.begin(1);
            w.buf.extend(std::iter::repeat_n(7u8, len));
            w.end(start);
            let mut expected = ProtoWriter::default();
            expected.bytes_always(1, &vec![7u8; len]);
            assert_eq!(w.buf, expected.buf, "length {len}");
        }
    }

    #[test]
    fn framed_len_counts_key_length_and_content() {
        for len in [0usize, 127, 128, 16_383, 16_384, 2_097_152] {
            let mut w = ProtoWriter::default();
            w.message_header(15, len);
            assert_eq!(framed_len(15, len), w.buf.len() + len, "length {len}");
        }
    }

    #[test]
    fn defaults_are_left_out_except_where_asked() {
        let mut w = ProtoWriter::default();
        w.uint(1, 0);
        w.fixed64(2, 0);
        w.fixed32(3, 0);
        w.bytes(4, b"");
        w.packed_fixed64(5, std::iter::empty());
        assert!(w.buf.is_empty());
        w.uint_always(2, 0);
        w.bytes_always(1, b"");
        assert_eq!(w.buf, [0x10, 0x00, 0x0a, 0x00]);
    }
}

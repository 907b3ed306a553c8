//! A minimal protobuf writer for transcoding span and log records straight into OTLP wire bytes
//! (and for the other messages the core sends: the resource, metrics).
//!
//! Written by hand rather than building prost structs and encoding them: that path allocated a
//! `String` per attribute key and value and walked every span twice (decode into structs, then
//! encode), which the benchmark measured at about 4 µs per span in WASM. Writing bytes as the
//! record is read is one pass with one allocation per item. Field numbers and defaults follow
//! proto3 as prost applies them (defaults left out, oneof members always written), and tests
//! check the output against prost's decoder.

const WIRE_VARINT: u32 = 0;
const WIRE_FIXED64: u32 = 1;
const WIRE_LEN: u32 = 2;
const WIRE_FIXED32: u32 = 5;

/// The content of one OTLP message (a span, a log record), transcoded as it arrived, ready to
/// be embedded in a request: the queues hold these compact bytes rather than message structs.
#[derive(Debug, PartialEq, Eq)]
pub struct Encoded(pub Vec<u8>);

#[derive(Default, Debug)]
pub struct ProtoWriter {
    pub buf: Vec<u8>,
}

impl ProtoWriter {
    pub fn with_capacity(n: usize) -> Self {
        Self { buf: Vec::with_capacity(n) }
    }

    pub fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn key(&mut self, field: u32, wire: u32) {
        self.varint(u64::from((field << 3) | wire));
    }

    /// A varint field, left out when zero (proto3 default).
    pub fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.key(field, WIRE_VARINT);
            self.varint(v);
        }
    }

    /// A varint field written even when zero or false (a oneof member).
    pub fn uint_always(&mut self, field: u32, v: u64) {
        self.key(field, WIRE_VARINT);
        self.varint(v);
    }

    pub fn fixed64(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.fixed64_always(field, v);
        }
    }

    pub fn fixed64_always(&mut self, field: u32, v: u64) {
        self.key(field, WIRE_FIXED64);
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn fixed32(&mut self, field: u32, v: u32) {
        if v != 0 {
            self.key(field, WIRE_FIXED32);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A packed repeated fixed64 or double field (bit patterns), left out when empty.
    pub fn packed_fixed64(&mut self, field: u32, values: impl ExactSizeIterator<Item = u64>) {
        if values.len() == 0 {
            return;
        }
        self.key(field, WIRE_LEN);
        self.varint(8 * values.len() as u64);
        for v in values {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// A bytes or string field, left out when empty (proto3 default).
    pub fn bytes(&mut self, field: u32, b: &[u8]) {
        if !b.is_empty() {
            self.bytes_always(field, b);
        }
    }

    /// A bytes or string field written even when empty (a oneof member, a present message).
    pub fn bytes_always(&mut self, field: u32, b: &[u8]) {
        self.key(field, WIRE_LEN);
        self.varint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    /// Opens an embedded message; returns where its content starts, for [`Self::end`].
    /// One byte is reserved for the length, which fits for most attributes and events.
    pub fn begin(&mut self, field: u32) -> usize {
        self.key(field, WIRE_LEN);
        self.buf.push(0);
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
        let mut prefix = ProtoWriter::with_capacity(10);
        prefix.varint(len as u64);
        let extra = prefix.buf.len() - 1;
        self.buf.resize(self.buf.len() + extra, 0);
        self.buf.copy_within(start..start + len, start + extra);
        self.buf[start - 1..start - 1 + prefix.buf.len()].copy_from_slice(&prefix.buf);
    }
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

//! A deterministic fuzz of both record decoders. The corpus has every construct the JS writer
//! produces (attributes of every value type, events, links, defined, interned and inline
//! strings, a string-table reset, log bodies that are maps and arrays), so a mutation can land in
//! any of them. A mutated chunk must decode into valid, minimal OTLP or fail cleanly: never
//! panic, hang, or write a message prost cannot read. One exception, by design: strings are
//! copied as the bytes JS wrote (string_table.rs; JS's TextEncoder only writes valid UTF-8), so a
//! mutation that breaks a string's UTF-8 gives a message prost refuses for exactly that reason.

use super::tests::{decode, Writer};
use super::{decode_chunk, OP_SPAN};
use crate::log_records::{self, OP_LOG};
use crate::record_reader::OP_RESET_STRINGS;
use crate::string_table::StringTable;
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;

/// Attributes of every value type; `first` defines the keys, later calls refer to them.
fn attributes(w: &mut Writer, first: bool) {
    w.varint(8);
    if first { w.define("http.method") } else { w.interned(2) }.u8(0).define("GET");
    w.inline("ok").u8(2);
    w.inline("retry").u8(1);
    w.inline("count").u8(3).f64(-42.0);
    w.inline("ratio").u8(4).f64(0.5);
    w.inline("tags").u8(5).varint(3).u8(0).inline("a").u8(6).u8(0).interned(0);
    w.inline("flags").u8(5).varint(2).u8(2).u8(1);
    w.inline("long").u8(0).inline(&"é".repeat(70)); // a two-byte length varint
    w.varint(2); // dropped
}

/// Three spans: one defining strings, one referring to them, then a reset and a redefinition.
fn span_corpus() -> Vec<u8> {
    let mut w = Writer::default();
    for (i, first) in [(1u8, true), (2, false)] {
        w.u8(OP_SPAN).bytes(&[0xab; 16]).bytes(&[i; 8]).bytes(&[if first { 0 } else { 1 }; 8]).u8(1).u8(3);
        if first {
            w.define("checkout").define("shop-ui")
        } else {
            w.interned(0).interned(1)
        };
        w.inline("1.0.0").inline("vendor=x").f64(1_700_000_000_000.25).f64(1_700_000_000_012.5);
        w.u8(2).inline("boom");
        attributes(&mut w, first);
        w.varint(2); // events
        w.define("exception").f64(1_700_000_000_010.0).varint(1).inline("exception.type").u8(0).inline("Error").varint(1);
        w.interned(4).f64(1_700_000_000_011.0).varint(0).varint(0);
        w.varint(3); // dropped events
        w.varint(2); // links
        w.bytes(&[0xcd; 16]).bytes(&[0x03; 8]).inline("k=v").varint(1).inline("link.kind").u8(3).f64(7.0).varint(0);
        w.bytes(&[0xef; 16]).bytes(&[0x04; 8]).inline("").varint(0).varint(1);
        w.varint(1); // dropped links
    }
    w.u8(OP_RESET_STRINGS);
    w.plain_span("after reset", 3);
    w.u8(OP_SPAN).bytes(&[0x11; 16]).bytes(&[4; 8]).bytes(&[0; 8]).u8(0).u8(1);
    w.define("redefined").define("scope").inline("").inline("").f64(1.0).f64(2.0).u8(1).inline("");
    w.varint(1).interned(0).u8(0).interned(1).varint(0);
    w.varint(0).varint(0).varint(0).varint(0);
    w.out
}

/// Two log records (a map body with an array inside, every attribute type), a reset, a third.
fn log_corpus() -> Vec<u8> {
    let mut w = Writer::default();
    for first in [true, false] {
        w.u8(OP_LOG).f64(1_700_000_000_000.5).f64(1_700_000_000_001.0).u8(17);
        if first {
            w.define("ERROR")
        } else {
            w.interned(0)
        };
        w.u8(1).u8(7).varint(2);
        if first { w.define("msg") } else { w.interned(1) }.u8(0).inline("boom");
        w.inline("n").u8(5).varint(3).u8(3).f64(1.0).u8(6).u8(7).varint(1).inline("deep").u8(2);
        attributes(&mut w, first);
        w.bytes(&[0xaa; 16]).bytes(&[0xbb; 8]).u8(1);
        w.inline("app").inline("1.0").inline(if first { "" } else { "browser.click" });
    }
    w.u8(OP_RESET_STRINGS);
    w.u8(OP_LOG).f64(0.0).f64(5.0).u8(9).inline("INFO").u8(1).u8(0).inline("plain").varint(0).varint(0);
    w.bytes(&[0; 16]).bytes(&[0; 8]).u8(0).inline("").inline("").inline("");
    w.out
}

/// A transcoded message is valid and minimal OTLP, or (from a chunk whose mutation broke a
/// string's UTF-8) refused by prost for that alone.
fn check<M: Message + Default>(message: &[u8]) {
    match M::decode(message) {
        Ok(m) => assert_eq!(m.encoded_len(), message.len(), "transcoded message is not minimal"),
        Err(e) => assert!(e.to_string().contains("not UTF-8"), "not valid OTLP: {e}"),
    }
}

fn decode_logs(bytes: &[u8]) -> (usize, bool) {
    let mut n = 0;
    let ok = log_records::decode_chunk(bytes, &mut StringTable::default(), |l| {
        check::<LogRecord>(l.message);
        n += 1;
    })
    .is_ok();
    (n, ok)
}

fn decode_spans(bytes: &[u8]) -> bool {
    decode_chunk(bytes, &mut StringTable::default(), |s| check::<Span>(s.message)).is_ok()
}

/// xorshift64: the same mutations on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// One to four bytes replaced; one time in eight also cut short.
    fn mutate(&mut self, base: &[u8]) -> Vec<u8> {
        let mut bytes = base.to_vec();
        for _ in 0..1 + self.next() % 4 {
            let i = (self.next() as usize) % bytes.len();
            bytes[i] = self.next() as u8;
        }
        if self.next() % 8 == 0 {
            bytes.truncate((self.next() as usize) % bytes.len());
        }
        bytes
    }
}

#[test]
fn the_corpus_has_every_construct() {
    let (spans, result) = decode(&span_corpus(), &mut StringTable::default());
    result.unwrap();
    assert_eq!(spans.len(), 4);
    for d in &spans[..2] {
        assert_eq!((d.span.name.as_str(), d.span.attributes.len(), d.span.events.len(), d.span.links.len()), ("checkout", 8, 2, 2));
        assert_eq!(d.span.events[1].name, "exception");
    }
    assert_eq!((spans[3].span.name.as_str(), spans[3].span.attributes[0].key.as_str()), ("redefined", "redefined"));
    assert_eq!(decode_logs(&log_corpus()), (3, true));
}

#[test]
fn fuzzed_chunks_decode_to_valid_otlp_or_fail_cleanly() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for (corpus, is_log) in [(span_corpus(), false), (log_corpus(), true)] {
        let mut decoded = 0;
        for _ in 0..20_000 {
            let bytes = rng.mutate(&corpus);
            let ok = if is_log { decode_logs(&bytes).1 } else { decode_spans(&bytes) };
            decoded += usize::from(ok);
        }
        // Some mutations (a changed value or string byte) still decode: the fuzz reaches the
        // end of the chunk, not only its first bytes.
        assert!(decoded > 500, "only {decoded} of 20000 mutated chunks decoded (logs: {is_log})");
    }
}

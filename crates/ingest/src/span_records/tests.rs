use super::*;
use crate::record_reader::{epoch_millis_to_nanos, ScopeKey, OP_RESET_STRINGS};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{span, Span, Status};
use prost::Message;

/// A Rust mirror of js/wire/record_writer.ts, enough to produce every construct.
#[derive(Default)]
pub(super) struct Writer {
    pub(super) out: Vec<u8>,
}

impl Writer {
    pub(super) fn varint(&mut self, mut v: u32) -> &mut Self {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(byte);
                return self;
            }
            self.out.push(byte | 0x80);
        }
    }
    /// A string that becomes the next interned number.
    pub(super) fn define(&mut self, s: &str) -> &mut Self {
        self.varint(((s.len() as u32) << 2) | 2);
        self.out.extend_from_slice(s.as_bytes());
        self
    }
    pub(super) fn inline(&mut self, s: &str) -> &mut Self {
        self.varint(((s.len() as u32) << 2) | 1);
        self.out.extend_from_slice(s.as_bytes());
        self
    }
    pub(super) fn interned(&mut self, id: u32) -> &mut Self {
        self.varint(id << 2)
    }
    pub(super) fn f64(&mut self, v: f64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(super) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.out.extend_from_slice(b);
        self
    }
    pub(super) fn u8(&mut self, b: u8) -> &mut Self {
        self.out.push(b);
        self
    }
    /// A minimal span: no attributes, events or links.
    pub(super) fn plain_span(&mut self, name: &str, span_id: u8) -> &mut Self {
        self.u8(OP_SPAN).bytes(&[7; 16]).bytes(&[span_id; 8]).bytes(&[0; 8]).u8(1).u8(1);
        self.inline(name).inline("scope").inline("").inline("");
        self.f64(1000.0).f64(1001.0).u8(0).inline("");
        self.varint(0).varint(0).varint(0).varint(0).varint(0).varint(0)
    }
}

/// A transcoded span read back with prost's decoder (not ours).
#[derive(Debug)]
pub(super) struct Decoded {
    pub(super) scope: ScopeKey,
    pub(super) span: Span,
}

pub(super) fn decode(bytes: &[u8], strings: &mut StringTable) -> (Vec<Decoded>, Result<(), DecodeError>) {
    let mut spans = Vec::new();
    let result = decode_chunk(bytes, strings, |s| {
        let span = Span::decode(s.message).expect("the transcoded span is a valid OTLP Span");
        // Same size as prost's own encoding of what it decoded: no default-valued field is
        // written, no length prefix is longer than needed, nothing is written twice.
        assert_eq!(span.encoded_len(), s.message.len(), "transcoded span is not minimal");
        spans.push(Decoded { scope: ScopeKey { name: s.scope.name.into(), version: s.scope.version.into() }, span });
    });
    (spans, result)
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() }
}

#[test]
fn decodes_a_full_span() {
    let mut w = Writer::default();
    w.u8(OP_SPAN).bytes(&[0xab; 16]).bytes(&[0x01; 8]).bytes(&[0x02; 8]).u8(1).u8(3);
    w.define("checkout").define("shop-ui").inline("1.0.0").inline("vendor=x");
    w.f64(1_700_000_000_000.25).f64(1_700_000_000_012.5);
    w.u8(2).inline("boom");
    // attributes: every value type
    w.varint(7);
    w.define("http.method").u8(0).inline("GET");
    w.inline("ok").u8(2);
    w.inline("retry").u8(1);
    w.inline("count").u8(3).f64(-42.0);
    w.inline("ratio").u8(4).f64(0.5);
    w.inline("tags").u8(5).varint(3).u8(0).inline("a").u8(6).u8(0).interned(2);
    w.inline("empty").u8(5).varint(0);
    w.varint(3); // dropped attributes
                 // one event with one attribute
    w.varint(1).inline("exception").f64(1_700_000_000_010.0).varint(1).inline("exception.type").u8(0).inline("Error").varint(0);
    w.varint(4); // dropped events
                 // one link
    w.varint(1).bytes(&[0xcd; 16]).bytes(&[0x03; 8]).inline("").varint(1).inline("link.kind").u8(0).inline("follows").varint(0);
    w.varint(0);

    let mut strings = StringTable::default();
    let (spans, result) = decode(&w.out, &mut strings);
    result.unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!(
        (strings.get(0), strings.get(1), strings.get(2), strings.len()),
        (Some(&b"checkout"[..]), Some(&b"shop-ui"[..]), Some(&b"http.method"[..]), 3)
    );
    let Decoded { scope, span } = &spans[0];
    assert_eq!(scope, &ScopeKey { name: "shop-ui".into(), version: "1.0.0".into() });
    assert_eq!(span.trace_id, vec![0xab; 16]);
    assert_eq!(span.span_id, vec![0x01; 8]);
    assert_eq!(span.parent_span_id, vec![0x02; 8]);
    assert_eq!(span.flags, 0x101);
    assert_eq!(span.kind, span::SpanKind::Client as i32);
    assert_eq!(span.name, "checkout");
    assert_eq!(span.trace_state, "vendor=x");
    assert_eq!(span.start_time_unix_nano, 1_700_000_000_000_250_000);
    assert_eq!(span.end_time_unix_nano, 1_700_000_000_012_500_000);
    assert_eq!(span.status, Some(Status { code: 2, message: "boom".into() }));
    assert_eq!(
        span.attributes,
        vec![
            kv("http.method", any_value::Value::StringValue("GET".into())),
            kv("ok", any_value::Value::BoolValue(true)),
            kv("retry", any_value::Value::BoolValue(false)),
            kv("count", any_value::Value::IntValue(-42)),
            kv("ratio", any_value::Value::DoubleValue(0.5)),
            kv(
                "tags",
                any_value::Value::ArrayValue(ArrayValue {
                    values: vec![
                        AnyValue { value: Some(any_value::Value::StringValue("a".into())) },
                        AnyValue { value: None },
                        AnyValue { value: Some(any_value::Value::StringValue("http.method".into())) },
                    ]
                })
            ),
            kv("empty", any_value::Value::ArrayValue(ArrayValue { values: vec![] })),
        ]
    );
    assert_eq!(span.dropped_attributes_count, 3);
    assert_eq!(span.events.len(), 1);
    assert_eq!(span.events[0].name, "exception");
    assert_eq!(span.events[0].time_unix_nano, 1_700_000_000_010_000_000);
    assert_eq!(span.events[0].attributes, vec![kv("exception.type", any_value::Value::StringValue("Error".into()))]);
    assert_eq!(span.dropped_events_count, 4);
    assert_eq!(span.links.len(), 1);
    assert_eq!(span.links[0].trace_id, vec![0xcd; 16]);
    assert_eq!(span.links[0].span_id, vec![0x03; 8]);
    assert_eq!(span.links[0].attributes, vec![kv("link.kind", any_value::Value::StringValue("follows".into()))]);
    assert_eq!(span.dropped_links_count, 0);
}

#[test]
fn root_span_has_empty_parent_and_an_unset_status() {
    let mut w = Writer::default();
    w.plain_span("root", 9);
    let (spans, result) = decode(&w.out, &mut StringTable::default());
    result.unwrap();
    assert!(spans[0].span.parent_span_id.is_empty());
    assert_eq!(spans[0].span.status, Some(Status { code: 0, message: String::new() }));
    assert_eq!(spans[0].span.kind, span::SpanKind::Internal as i32);
}

#[test]
fn large_values_and_events_get_multi_byte_lengths() {
    // Lengths past 127 bytes move the already written content (proto_writer::end); 20,000
    // bytes needs a three-byte length, nested inside an event inside the span.
    let big = "x".repeat(20_000);
    let mut w = Writer::default();
    w.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(0);
    w.inline("big").inline("s").inline("").inline("").f64(1.0).f64(2.0).u8(0).inline("");
    w.varint(2).inline("a").u8(0).inline(&big).inline("b").u8(3).f64(7.0).varint(0);
    w.varint(1).inline("e").f64(1.5).varint(1).inline("detail").u8(0).inline(&big).varint(0);
    w.varint(0).varint(0).varint(0);
    let (spans, result) = decode(&w.out, &mut StringTable::default());
    result.unwrap();
    let span = &spans[0].span;
    assert_eq!(span.attributes, vec![kv("a", any_value::Value::StringValue(big.clone())), kv("b", any_value::Value::IntValue(7))]);
    assert_eq!(span.events[0].attributes, vec![kv("detail", any_value::Value::StringValue(big))]);
    assert_eq!(span.events[0].time_unix_nano, 1_500_000);
}

#[test]
fn interned_strings_persist_across_chunks_until_reset() {
    let mut strings = StringTable::default();
    let mut first = Writer::default();
    first.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(1);
    first.define("render").inline("s").inline("").inline("").f64(1.0).f64(2.0).u8(0).inline("");
    first.varint(0).varint(0).varint(0).varint(0).varint(0).varint(0);
    decode(&first.out, &mut strings).1.unwrap();

    let mut second = Writer::default();
    second.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(1);
    second.interned(0).inline("s").inline("").inline("").f64(1.0).f64(2.0).u8(0).inline("");
    second.varint(0).varint(0).varint(0).varint(0).varint(0).varint(0);
    let (spans, result) = decode(&second.out, &mut strings);
    result.unwrap();
    assert_eq!(spans[0].span.name, "render");

    let mut reset = Writer::default();
    reset.u8(OP_RESET_STRINGS);
    decode(&reset.out, &mut strings).1.unwrap();
    let (spans, result) = decode(&second.out, &mut strings);
    assert!(spans.is_empty());
    assert_eq!(result.unwrap_err().reason, "unknown string number");
}

#[test]
fn malformed_input_stops_with_an_error_and_keeps_earlier_spans() {
    let mut w = Writer::default();
    w.plain_span("good", 1);
    let good_len = w.out.len();
    w.plain_span("cut", 2);
    // Every truncation of the second span fails cleanly, never panics, and keeps the first.
    for cut in good_len + 1..w.out.len() {
        let (spans, result) = decode(&w.out[..cut], &mut StringTable::default());
        assert_eq!(spans.len(), 1, "cut at {cut}");
        assert!(result.is_err(), "cut at {cut}");
    }
    assert_eq!(decode(&[9], &mut StringTable::default()).1.unwrap_err().reason, "unknown operation");
    let mut unknown = Writer::default();
    unknown.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(1).interned(5);
    assert_eq!(decode(&unknown.out, &mut StringTable::default()).1.unwrap_err().reason, "unknown string number");
    // Kinds run up to OTLP's last one, consumer; past it a span is malformed.
    for (kind, reason) in [(span::SpanKind::Consumer as u8, "unknown string number"), (SPAN_KIND_CONSUMER + 1, "unknown span kind")] {
        let mut record = Writer::default();
        record.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(kind).interned(5);
        assert_eq!(decode(&record.out, &mut StringTable::default()).1.unwrap_err().reason, reason, "kind {kind}");
    }
}

#[test]
fn end_before_start_is_clamped_and_bad_times_are_zero() {
    let mut w = Writer::default();
    w.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(1);
    w.inline("x").inline("s").inline("").inline("").f64(5000.0).f64(4000.0).u8(0).inline("");
    w.varint(0).varint(0).varint(0).varint(0).varint(0).varint(0);
    let (spans, _) = decode(&w.out, &mut StringTable::default());
    assert_eq!(spans[0].span.start_time_unix_nano, 5_000_000_000);
    assert_eq!(spans[0].span.end_time_unix_nano, 5_000_000_000);
    assert_eq!(epoch_millis_to_nanos(f64::NAN), 0);
    assert_eq!(epoch_millis_to_nanos(-1.0), 0);
    assert_eq!(epoch_millis_to_nanos(1_764_000_000_123.5), 1_764_000_000_123_500_000);
    // An epoch time in ms as an f64 is exact to about a quarter of a microsecond.
    assert!(epoch_millis_to_nanos(1_764_000_000_123.456).abs_diff(1_764_000_000_123_456_000) < 250);
    assert_eq!(epoch_millis_to_nanos(f64::MAX), (u64::MAX / 1_000_000 - 1) * 1_000_000);
}

#[test]
fn string_table_is_bounded() {
    let mut w = Writer::default();
    w.u8(OP_SPAN).bytes(&[1; 16]).bytes(&[2; 8]).bytes(&[0; 8]).u8(1).u8(1);
    w.inline("x").inline("s").inline("").inline("").f64(1.0).f64(2.0).u8(0).inline("");
    let n = crate::string_table::MAX_INTERNED_STRINGS as u32 + 1;
    w.varint(n);
    for i in 0..n {
        w.define(&format!("k{i}")).u8(1);
    }
    let mut strings = StringTable::default();
    let (spans, result) = decode(&w.out, &mut strings);
    assert!(spans.is_empty());
    assert_eq!(result.unwrap_err().reason, "string table overflow");
    assert_eq!(strings.len(), crate::string_table::MAX_INTERNED_STRINGS);
}

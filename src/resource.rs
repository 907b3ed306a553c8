//! The OTLP Resource that describes this page. Which attributes it holds (the app's service,
//! this SDK, the browser facts, the app's own `resourceAttributes`) is decided in JS
//! (js/config/resource.ts), which writes them as one attribute set (js/wire/record_writer.ts
//! `encodeAttributes`); here that set is transcoded once into the Resource message, whose bytes
//! every request embeds.

use crate::ingest::proto_writer::{Encoded, ProtoWriter};
use crate::ingest::record_reader::Reader;
use crate::ingest::string_table::StringTable;
#[allow(unused_imports)]
use crate::prelude::*;

/// The content of an OTLP `Resource` message (resource.proto: 1 attributes, 2
/// dropped_attributes_count) from an attribute set with inline strings; `None` when malformed.
pub fn resource_from_attributes(attributes: &[u8]) -> Option<Encoded> {
    let mut w = ProtoWriter::with_capacity(attributes.len() + 64);
    let mut reader = Reader::new(attributes);
    let dropped = reader.attributes_into(&mut StringTable::default(), &mut w, 1).ok()?;
    w.uint(2, u64::from(dropped));
    reader.at_end().then_some(Encoded(w.buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::common::v1::{any_value::Value, AnyValue, ArrayValue, KeyValue};
    use opentelemetry_proto::tonic::resource::v1::Resource;
    use prost::Message;

    /// An attribute set as record_writer.ts writes it with inline strings: count, then per
    /// attribute an inline key and a tagged value, then the dropped count.
    fn set(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = vec![entries.len() as u8];
        for (key, value) in entries {
            b.push(((key.len() as u8) << 2) | 1);
            b.extend_from_slice(key.as_bytes());
            b.extend_from_slice(value);
        }
        b.push(0);
        b
    }

    fn string(s: &str) -> Vec<u8> {
        let mut v = vec![0, ((s.len() as u8) << 2) | 1];
        v.extend_from_slice(s.as_bytes());
        v
    }

    #[test]
    fn attributes_of_every_kind_are_written_as_prost_would() {
        let int = [&[3u8][..], &(-3.0f64).to_le_bytes()].concat();
        let double = [&[4u8][..], &2.5f64.to_le_bytes()].concat();
        let list = [&[5u8, 2][..], &string("a"), &string("")].concat();
        let bytes = set(&[("service.name", &string("shop")), ("int", &int), ("double", &double), ("no", &[1]), ("list", &list), ("none", &[5, 0])]);
        let encoded = resource_from_attributes(&bytes).expect("well formed");
        let resource = Resource::decode(encoded.0.as_slice()).expect("a valid OTLP Resource");
        assert_eq!(resource.encode_to_vec(), encoded.0, "not prost's encoding");
        let kv = |key: &str, value: Value| KeyValue { key: key.into(), value: Some(AnyValue { value: Some(value) }), ..Default::default() };
        let s = |v: &str| Value::StringValue(v.into());
        let array = |values: Vec<Value>| Value::ArrayValue(ArrayValue { values: values.into_iter().map(|v| AnyValue { value: Some(v) }).collect() });
        assert_eq!(
            resource.attributes,
            [
                kv("service.name", s("shop")),
                kv("int", Value::IntValue(-3)),
                kv("double", Value::DoubleValue(2.5)),
                kv("no", Value::BoolValue(false)),
                kv("list", array(vec![s("a"), s("")])),
                kv("none", array(vec![])),
            ]
        );
    }

    #[test]
    fn malformed_sets_are_refused() {
        assert!(resource_from_attributes(&[]).is_none());
        assert!(resource_from_attributes(&[1, 5]).is_none());
        let mut trailing = set(&[("k", &string("v"))]);
        trailing.push(9);
        assert!(resource_from_attributes(&trailing).is_none());
    }
}

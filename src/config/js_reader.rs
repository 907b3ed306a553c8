//! Reads the app's configuration object into a [`RawValue`] tree.
//!
//! Written with js-sys rather than serde-wasm-bindgen: that crate costs about 22 KB gzipped
//! in the .wasm (measured in ../shared/toolchain.md), and it fails the whole object on a
//! function value and recurses without limit on a cyclic one. Here both become a
//! `RawValue::Unsupported` that validation reports by key.

use super::raw_value::RawValue;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Deeper than this is not configuration; it also stops cycles.
const MAX_DEPTH: usize = 6;
/// Arrays and objects longer than this are cut (a resource attribute array, a header map).
const MAX_ENTRIES: u32 = 1024;

pub fn read(value: &JsValue) -> RawValue {
    read_at(value, 0)
}

fn read_at(value: &JsValue, depth: usize) -> RawValue {
    if value.is_undefined() || value.is_null() {
        return RawValue::Missing;
    }
    if let Some(b) = value.as_bool() {
        return RawValue::Bool(b);
    }
    if let Some(n) = value.as_f64() {
        return RawValue::Number(n);
    }
    if let Some(s) = value.as_string() {
        return RawValue::String(s);
    }
    if value.is_function() {
        return RawValue::Unsupported("function");
    }
    if value.is_symbol() {
        return RawValue::Unsupported("symbol");
    }
    if value.is_bigint() {
        return RawValue::Unsupported("bigint");
    }
    if !value.is_object() {
        return RawValue::Unsupported("unknown");
    }
    if depth >= MAX_DEPTH {
        return RawValue::Unsupported("object nested too deeply (or cyclic)");
    }
    if value.is_instance_of::<js_sys::RegExp>() {
        // Valid where patterns are expected (propagateTraceHeaderCorsUrls); JS applies them.
        return RawValue::Unsupported("regexp");
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        let len = array.length().min(MAX_ENTRIES);
        return RawValue::Array((0..len).map(|i| read_at(&array.get(i), depth + 1)).collect());
    }
    let object: &Object = value.unchecked_ref();
    let keys = Object::keys(object);
    let len = keys.length().min(MAX_ENTRIES);
    let mut entries = Vec::with_capacity(len as usize);
    for i in 0..len {
        let key = keys.get(i);
        // A getter that throws must not break init: treat it as an unreadable value.
        let v = Reflect::get(object, &key).map_or(RawValue::Unsupported("throwing getter"), |v| read_at(&v, depth + 1));
        entries.push((key.as_string().unwrap_or_default(), v));
    }
    RawValue::Object(entries)
}

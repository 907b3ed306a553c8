//! A configuration value as the app wrote it, before validation. Read from a JS object by
//! `js_reader` (in the browser) or built directly in native tests.

#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// `undefined` or `null`: treated as "not set".
    Missing,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<RawValue>),
    /// A plain object's own enumerable string keys, in insertion order.
    Object(Vec<(String, RawValue)>),
    /// Anything else (function, symbol, bigint, an object nested too deeply or cyclic):
    /// named by its JS type so the warning can say what was found.
    Unsupported(&'static str),
}

impl RawValue {
    /// The JS-facing name of this value's type, for messages like "expected a string, got number".
    pub fn type_name(&self) -> &'static str {
        match self {
            RawValue::Missing => "undefined",
            RawValue::Bool(_) => "boolean",
            RawValue::Number(_) => "number",
            RawValue::String(_) => "string",
            RawValue::Array(_) => "array",
            RawValue::Object(_) => "object",
            RawValue::Unsupported(t) => t,
        }
    }

    /// Shorthand for tests and for building objects in Rust.
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, RawValue)>) -> RawValue {
        RawValue::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn str(s: &str) -> RawValue {
        RawValue::String(s.to_owned())
    }
}

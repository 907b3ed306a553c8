//! Attribute values the configuration accepts (`resourceAttributes`), validated from what the
//! app wrote. A plain enum rather than OTLP's generated `AnyValue`, so that no protobuf
//! library is linked into the .wasm for it; `resource` writes it as an `AnyValue`.

use super::RawValue;

#[derive(Clone, Debug, PartialEq)]
pub enum AttributeValue {
    String(String),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Elements all of one kind.
    Array(Vec<AttributeValue>),
}

/// An OTLP attribute value from a configuration value: strings, booleans, numbers (whole
/// numbers as ints) and homogeneous arrays of those.
pub fn attribute_value(raw: &RawValue) -> Option<AttributeValue> {
    Some(match raw {
        RawValue::String(s) => AttributeValue::String(s.clone()),
        RawValue::Bool(b) => AttributeValue::Bool(*b),
        RawValue::Number(n) if !n.is_finite() => return None,
        RawValue::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 => AttributeValue::Int(*n as i64),
        RawValue::Number(n) => AttributeValue::Double(*n),
        RawValue::Array(items) => {
            let values: Vec<AttributeValue> = items.iter().map(attribute_value).collect::<Option<_>>()?;
            if values.windows(2).any(|w| std::mem::discriminant(&w[0]) != std::mem::discriminant(&w[1])) {
                return None;
            }
            AttributeValue::Array(values)
        }
        _ => return None,
    })
}

//! Grafana template variables, replaced before a query is parsed. The replacements are what
//! Grafana itself sends for a 1-hour range with a 30 s interval:
//!
//! | in the query | replaced by |
//! |---|---|
//! | `$__rate_interval`, `$__interval`, `$__range` | `1m`, `30s`, `1h` |
//! | `$__interval_ms`, `$__range_s`, `$__range_ms` | `30000`, `3600`, `3600000` |
//! | `$__timeFilter(col)` (MySQL data source) | `col BETWEEN FROM_UNIXTIME(1700000000) AND FROM_UNIXTIME(1700003600)` |
//! | `$__timeFrom()`, `$__timeTo()` | `FROM_UNIXTIME(1700000000)`, `FROM_UNIXTIME(1700003600)` |
//! | `$__unixEpochFrom()`, `$__unixEpochTo()` | `1700000000`, `1700003600` |
//! | `$name`, `${name}`, `${name:format}`, `[[name]]` of a dashboard variable | the variable's sample value |
//!
//! Any other `$__macro`, and a variable the dashboard does not define, is an error: a
//! misspelt variable fails like a misspelt query.

use std::collections::HashMap;

const FROM: &str = "1700000000";
const TO: &str = "1700003600";

/// `text` with every template variable replaced; `variables` maps a dashboard variable's name
/// to its sample value.
pub fn substitute(text: &str, variables: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['$', '[']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(inner) = rest.strip_prefix("[[") {
            let end = inner.find("]]").ok_or_else(|| format!("unterminated [[ in: {text}"))?;
            out.push_str(variable(&inner[..end], variables)?);
            rest = &inner[end + 2..];
        } else if rest.starts_with('[') {
            out.push('[');
            rest = &rest[1..];
        } else if let Some(inner) = rest.strip_prefix("${") {
            let end = inner.find('}').ok_or_else(|| format!("unterminated ${{ in: {text}"))?;
            let name = inner[..end].split(':').next().unwrap_or_default();
            out.push_str(&expand(name, "", variables)?.0);
            rest = &inner[end + 1..];
        } else {
            let name_len = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len() - 1);
            if name_len == 0 {
                // Not a variable (a regex anchor such as `=~"^/api$"`): Grafana leaves it too.
                out.push('$');
                rest = &rest[1..];
                continue;
            }
            let (expanded, consumed) = expand(&rest[1..=name_len], &rest[1 + name_len..], variables)?;
            out.push_str(&expanded);
            rest = &rest[1 + name_len + consumed..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The expansion of `$name` and how many bytes of `after` (a macro's arguments) it used.
fn expand(name: &str, after: &str, variables: &HashMap<String, String>) -> Result<(String, usize), String> {
    let simple = match name {
        "__rate_interval" => Some("1m"),
        "__interval" => Some("30s"),
        "__range" => Some("1h"),
        "__interval_ms" => Some("30000"),
        "__range_s" => Some("3600"),
        "__range_ms" => Some("3600000"),
        _ => None,
    };
    if let Some(value) = simple {
        return Ok((value.to_owned(), 0));
    }
    if !name.starts_with("__") {
        return Ok((variable(name, variables)?.to_owned(), 0));
    }
    let (args, consumed) = macro_args(after).ok_or_else(|| format!("`${name}` needs its (arguments)"))?;
    let value = match (name, args.trim()) {
        ("__timeFilter", col) if !col.is_empty() => format!("{col} BETWEEN FROM_UNIXTIME({FROM}) AND FROM_UNIXTIME({TO})"),
        ("__timeFrom", "") => format!("FROM_UNIXTIME({FROM})"),
        ("__timeTo", "") => format!("FROM_UNIXTIME({TO})"),
        ("__unixEpochFrom", "") => FROM.to_owned(),
        ("__unixEpochTo", "") => TO.to_owned(),
        _ => return Err(format!("unknown or misused Grafana macro `${name}({args})`")),
    };
    Ok((value, consumed))
}

fn variable<'a>(name: &str, variables: &'a HashMap<String, String>) -> Result<&'a str, String> {
    variables.get(name).map(String::as_str).ok_or_else(|| format!("`${name}` is not a variable of the dashboard"))
}

/// `(…)` at the start of `text`: its inside and the bytes used, parentheses balanced.
fn macro_args(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix('(')?;
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some((&inner[..i], i + 2)),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> HashMap<String, String> {
        HashMap::from([("route".to_owned(), ".*".to_owned()), ("service".to_owned(), "web".to_owned())])
    }

    #[test]
    fn replaces_what_grafana_replaces() {
        let v = vars();
        assert_eq!(substitute("rate(x{route=~\"$route\"}[$__rate_interval])", &v).unwrap(), "rate(x{route=~\".*\"}[1m])");
        assert_eq!(
            substitute("a{job=\"${service}\", b=\"${service:regex}\", c=\"[[service]]\"}[5m]", &v).unwrap(),
            "a{job=\"web\", b=\"web\", c=\"web\"}[5m]"
        );
        assert_eq!(
            substitute("WHERE $__timeFilter(`timestamp`) AND x < $__unixEpochTo()", &v).unwrap(),
            "WHERE `timestamp` BETWEEN FROM_UNIXTIME(1700000000) AND FROM_UNIXTIME(1700003600) AND x < 1700003600"
        );
        assert_eq!(substitute("no variables [1m]", &v).unwrap(), "no variables [1m]");
        assert_eq!(substitute("x{route=~\"^/api$\"}", &v).unwrap(), "x{route=~\"^/api$\"}");
    }

    #[test]
    fn misspelt_variables_and_macros_fail() {
        let v = vars();
        assert!(substitute("x{route=~\"$rout\"}", &v).unwrap_err().contains("`$rout` is not a variable"));
        assert!(substitute("rate(x[$__rate_intervl])", &v).unwrap_err().contains("$__rate_intervl"));
        assert!(substitute("WHERE $__timeFiltr(ts)", &v).unwrap_err().contains("$__timeFiltr"));
        assert!(substitute("WHERE $__timeFilter()", &v).is_err());
        assert!(substitute("WHERE $__timeFilter(ts", &v).is_err());
    }
}

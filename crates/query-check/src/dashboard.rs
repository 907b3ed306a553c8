//! Queries in a Grafana dashboard JSON: every panel target (rows' panels included) and every
//! query variable, with its data source deciding the language: `prometheus` → PromQL (`expr`),
//! `mysql` → SQL over GreptimeDB's MySQL protocol (`rawSql`), `jaeger` → a trace view (no query
//! language: counted). A target of any other data source is an error, so that a new kind of
//! panel is checked on purpose or not at all.

use crate::grafana_vars::substitute;
use crate::{Language, Query};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Dashboard {
    /// Queries with their template variables already replaced.
    pub queries: Vec<Query>,
    /// Targets of Jaeger data sources (trace search and trace views).
    pub trace_targets: usize,
    /// Titles of the panels, for the test's coverage checks.
    pub panel_titles: Vec<String>,
}

pub fn read(file: &str, json: &str) -> Result<Dashboard, String> {
    let root: Value = serde_json::from_str(json).map_err(|e| format!("{file}: not JSON: {e}"))?;
    let variables = variables(&root);
    let mut out = Dashboard::default();
    let mut errors = Vec::new();
    for var in root.pointer("/templating/list").and_then(Value::as_array).into_iter().flatten() {
        if var.get("type").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let name = var.get("name").and_then(Value::as_str).unwrap_or("?");
        let origin = format!("{file}: variable {name}");
        let query = var.get("query").map(|q| q.get("query").unwrap_or(q)).and_then(Value::as_str).unwrap_or_default();
        match datasource_type(var.get("datasource")) {
            Some("prometheus") => match label_values_expr(query) {
                Ok(Some(expr)) => push(&mut out, &mut errors, origin, Language::PromQl, &expr, &variables),
                Ok(None) => {}
                Err(e) => errors.push(format!("{origin}: {e}")),
            },
            Some("mysql") => push(&mut out, &mut errors, origin, Language::SqlMySql, query, &variables),
            other => errors.push(format!("{origin}: query variable of data source {other:?}: not checked")),
        }
    }
    walk_panels(file, root.get("panels"), &variables, &mut out, &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("\n"))
    }
}

fn walk_panels(file: &str, panels: Option<&Value>, vars: &HashMap<String, String>, out: &mut Dashboard, errors: &mut Vec<String>) {
    for panel in panels.and_then(Value::as_array).into_iter().flatten() {
        let title = panel.get("title").and_then(Value::as_str).unwrap_or("(untitled)").to_owned();
        walk_panels(file, panel.get("panels"), vars, out, errors);
        if panel.get("type").and_then(Value::as_str) == Some("row") {
            continue;
        }
        out.panel_titles.push(title.clone());
        let targets = panel.get("targets").and_then(Value::as_array);
        if targets.is_none_or(|t| t.is_empty()) && panel.get("type").and_then(Value::as_str) != Some("text") {
            errors.push(format!("{file}: panel \"{title}\" has no query"));
        }
        for (i, target) in targets.into_iter().flatten().enumerate() {
            let origin = format!("{file}: panel \"{title}\" target {i}");
            let datasource = target.get("datasource").filter(|d| !d.is_null()).or(panel.get("datasource"));
            let field = |name: &str| target.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
            match datasource_type(datasource) {
                Some("prometheus") => push(out, errors, origin, Language::PromQl, &field("expr"), vars),
                Some("mysql") => push(out, errors, origin, Language::SqlMySql, &field("rawSql"), vars),
                Some("jaeger") => out.trace_targets += 1,
                other => errors.push(format!("{origin}: data source type {other:?} is not checked")),
            }
        }
    }
}

fn push(out: &mut Dashboard, errors: &mut Vec<String>, origin: String, language: Language, text: &str, vars: &HashMap<String, String>) {
    if text.trim().is_empty() {
        errors.push(format!("{origin}: empty query"));
        return;
    }
    match substitute(text, vars) {
        Ok(text) => out.queries.push(Query { origin, language, text }),
        Err(e) => errors.push(format!("{origin}: {e}")),
    }
}

fn datasource_type(datasource: Option<&Value>) -> Option<&str> {
    datasource?.get("type")?.as_str()
}

/// Every name a query may reference (`templating.list`, and the `__inputs` an import fills
/// in), with a sample value: the current value unless it is "All", else the first option.
fn variables(root: &Value) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for input in root.get("__inputs").and_then(Value::as_array).into_iter().flatten() {
        if let Some(name) = input.get("name").and_then(Value::as_str) {
            map.insert(name.to_owned(), format!("sample_{name}"));
        }
    }
    for var in root.pointer("/templating/list").and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = var.get("name").and_then(Value::as_str) else { continue };
        let first_option = var.pointer("/options/0/value").and_then(Value::as_str);
        let current = match var.pointer("/current/value") {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(Value::Array(values)) => values.first().and_then(Value::as_str),
            _ => None,
        };
        let sample = current.filter(|v| *v != "$__all" && !v.is_empty()).or(first_option).map(str::to_owned);
        map.insert(name.to_owned(), sample.unwrap_or_else(|| format!("sample_{name}")));
    }
    map
}

/// Grafana's Prometheus variable functions: `label_values(expr, label)` and `query_result(expr)`
/// hold PromQL; `label_values(label)` and `label_names()` hold none.
fn label_values_expr(query: &str) -> Result<Option<String>, String> {
    let q = query.trim();
    if let Some(inner) = q.strip_prefix("query_result(").and_then(|s| s.strip_suffix(')')) {
        return Ok(Some(inner.to_owned()));
    }
    if let Some(inner) = q.strip_prefix("label_values(").and_then(|s| s.strip_suffix(')')) {
        return Ok(inner.rsplit_once(',').map(|(expr, _label)| expr.trim().to_owned()));
    }
    if q.starts_with("label_names(") {
        return Ok(None);
    }
    Err(format!("unknown Prometheus variable query `{q}`"))
}

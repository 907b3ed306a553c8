//! The project's queries, parsed as GreptimeDB parses them (see the crate's documentation):
//! the README's `sql` and `promql` blocks and every query of the Grafana dashboard.

use greptime_web_telemetry_query_check::{check, dashboard, markdown, statements, Language, Query};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every failure, not just the first, so one run lists every broken query.
fn check_all(queries: &[Query]) {
    let failures: Vec<String> = queries.iter().filter_map(|q| check(q).err().map(|e| format!("{}:\n  {e}\n  query: {}", q.origin, q.text))).collect();
    assert!(failures.is_empty(), "{} of {} queries do not parse:\n{}", failures.len(), queries.len(), failures.join("\n\n"));
}

fn count(queries: &[Query], language: Language) -> usize {
    queries.iter().filter(|q| q.language == language).count()
}

#[test]
fn readme_queries_parse() {
    let mut queries = markdown::queries("README.md", &read("README.md"));
    let statements: usize =
        queries.iter().filter(|q| q.language == Language::SqlHttp).map(|q| statements::split(&q.text).map_or(0, |s| s.len())).sum();
    let readme = (statements, count(&queries, Language::PromQl));
    queries.extend(markdown::queries("examples/grafana/README.md", &read("examples/grafana/README.md")));
    check_all(&queries);
    // Not vacuous: the read-back sections' statements and PromQL expressions are found.
    assert!(readme.0 >= 20 && readme.1 >= 4, "README.md: {} SQL statements, {} PromQL expressions found", readme.0, readme.1);
}

#[test]
fn dashboard_queries_parse() {
    let file = "examples/grafana/greptime-web-telemetry.json";
    let board = dashboard::read(file, &read(file)).unwrap_or_else(|e| panic!("{e}"));
    check_all(&board.queries);
    let (promql, sql) = (count(&board.queries, Language::PromQl), count(&board.queries, Language::SqlMySql));
    assert!(promql >= 10 && sql >= 5 && board.trace_targets >= 1, "{promql} PromQL, {sql} SQL, {} trace targets", board.trace_targets);
    for title in ["LCP p75 by route", "INP p75 by route", "Tool calls per second", "Sessions with errors", "Slowest page loads", "Traces"] {
        assert!(board.panel_titles.iter().any(|t| t == title), "no panel \"{title}\" in {:?}", board.panel_titles);
    }
}

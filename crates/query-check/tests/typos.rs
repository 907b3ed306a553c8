//! A typo must fail: broken queries of each kind, and a dashboard and a README with one.

use greptime_web_telemetry_query_check::{check, dashboard, markdown, Language, Query};

fn query(language: Language, text: &str) -> Query {
    Query { origin: "test".into(), language, text: text.into() }
}

#[test]
fn broken_promql_fails() {
    assert!(check(&query(Language::PromQl, "histogram_quantile(0.75, sum by (le) (rate(x_bucket[5m])))")).is_ok());
    for broken in [
        "histogram_quantile(0.75, sum by (le) (rate(x_bucket[5m]))",
        "histogram_quantile(0.75, sum by (le) (rate(x_bucket[5mm])))",
        "sum by (le (rate(x_bucket[5m]))",
        "rate(x_bucket{le=\"1\"[5m])",
        "histogram_quantile(0.75, sum by (le) (rate(x_bucket[5m])) +)",
    ] {
        assert!(check(&query(Language::PromQl, broken)).is_err(), "{broken}");
    }
}

#[test]
fn broken_sql_fails() {
    assert!(
        check(&query(Language::SqlHttp, "SELECT \"span_attributes.url.full\" FROM opentelemetry_traces WHERE span_name = 'documentLoad';")).is_ok()
    );
    for broken in [
        "SELEC span_name FROM opentelemetry_traces",
        "SELECT span_name FORM opentelemetry_traces",
        "SELECT span_name FROM opentelemetry_traces WHERE",
        "SELECT span_name FROM opentelemetry_traces ORDER duration_nano",
        "SELECT json_get_string(log_attributes, '[\"session.id\"]' FROM opentelemetry_logs",
        "SELECT 1; SELECT FROM",
        "TQL EVAL (now() - '1h'::interval, now(), '1m') sum(rate(x[5m])",
        "TQL EVAL (now() -, now(), '1m') up",
    ] {
        assert!(check(&query(Language::SqlHttp, broken)).is_err(), "{broken}");
    }
}

#[test]
fn mysql_double_quotes_are_flagged() {
    assert!(check(&query(Language::SqlMySql, "SELECT `span_attributes.url.full` FROM opentelemetry_traces")).is_ok());
    let err = check(&query(Language::SqlMySql, "SELECT \"span_attributes.url.full\" FROM opentelemetry_traces")).unwrap_err();
    assert!(err.contains("backticks"), "{err}");
}

const BOARD: &str = r#"{
  "templating": {"list": [{"name": "route", "type": "custom", "current": {"value": "$__all"}, "options": [{"value": "/"}]}]},
  "panels": [
    {"type": "row", "title": "r", "panels": [
      {"type": "timeseries", "title": "LCP", "datasource": {"type": "prometheus", "uid": "p"},
       "targets": [{"expr": "histogram_quantile(0.75, sum by (le) (rate(lcp_bucket{route=~\"$route\"}[$__rate_interval])))"}]}
    ]},
    {"type": "table", "title": "loads", "datasource": {"type": "mysql", "uid": "m"},
     "targets": [{"rawSql": "SELECT span_name FROM opentelemetry_traces WHERE $__timeFilter(`timestamp`)"}]}
  ]
}"#;

fn board_errors(json: &str) -> Vec<String> {
    match dashboard::read("board.json", json) {
        Err(e) => vec![e],
        Ok(board) => board.queries.iter().filter_map(|q| check(q).err()).collect(),
    }
}

#[test]
fn a_dashboard_with_a_typo_fails() {
    assert_eq!(board_errors(BOARD), Vec::<String>::new());
    for (from, to) in [
        ("[$__rate_interval])))", "[$__rate_interval]))"),
        ("$__rate_interval", "$__rate_intervall"),
        ("$route", "$rout"),
        ("WHERE $__timeFilter", "WERE $__timeFilter"),
        ("$__timeFilter(`timestamp`)", "$__timeFilter(\"timestamp\")"),
        ("\"type\": \"mysql\"", "\"type\": \"postgres\""),
    ] {
        let broken = BOARD.replacen(from, to, 1);
        assert_ne!(broken, BOARD);
        assert!(!board_errors(&broken).is_empty(), "{from} -> {to} was not caught");
    }
}

#[test]
fn a_readme_with_a_typo_fails() {
    let good = "```sql\nSELECT span_name FROM opentelemetry_traces;\n```\n```promql\nsum(rate(x_total[5m]))\n```\n";
    let failing = |md: &str| markdown::queries("R.md", md).iter().filter(|q| check(q).is_err()).count();
    assert_eq!(failing(good), 0);
    assert_eq!(failing(&good.replace("FROM", "FRM")), 1);
    assert_eq!(failing(&good.replace("[5m]", "[5m")), 1);
}

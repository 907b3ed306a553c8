//! Every SQL and PromQL query the project ships (README code blocks, the Grafana dashboard) is
//! parsed with the parsers GreptimeDB itself builds on, so a typo fails `cargo test`:
//!
//! - PromQL: the `promql-parser` crate (GreptimeDB's PromQL front end).
//! - SQL: `sqlparser` with the dialect GreptimeDB picks per channel
//!   (`session::context::dialect_for_channel`): `GenericDialect` for the HTTP API (`/v1/sql`,
//!   the README's queries), `MySqlDialect` for the MySQL protocol (Grafana's MySQL data source).
//! - `TQL EVAL|EVALUATE|EXPLAIN|ANALYZE (start, end, step) <PromQL>`, GreptimeDB's own statement:
//!   the parameters as SQL expressions, the rest as PromQL.
//!
//! Grafana template variables are replaced before parsing (see [`grafana_vars`]).

pub mod dashboard;
pub mod grafana_vars;
pub mod markdown;
pub mod statements;

use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The language of one query, and for SQL the channel it is sent through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    PromQl,
    /// GreptimeDB's HTTP SQL API (`/v1/sql`): `GenericDialect`; may contain TQL statements.
    SqlHttp,
    /// GreptimeDB's MySQL protocol (port 4002, Grafana's MySQL data source): `MySqlDialect`.
    SqlMySql,
}

/// One query found in a file, with where it was found for the failure message.
#[derive(Clone, Debug)]
pub struct Query {
    pub origin: String,
    pub language: Language,
    pub text: String,
}

/// Parses `query` (after its Grafana variables were replaced); the error says what failed.
pub fn check(query: &Query) -> Result<(), String> {
    match query.language {
        Language::PromQl => check_promql(&query.text),
        Language::SqlHttp => check_sql(&query.text, &GenericDialect {}),
        Language::SqlMySql => {
            check_mysql_quotes(&query.text)?;
            check_sql(&query.text, &MySqlDialect {})
        }
    }
}

pub fn check_promql(text: &str) -> Result<(), String> {
    promql_parser::parser::parse(text).map(|_| ()).map_err(|e| format!("PromQL: {e}"))
}

/// One or more `;`-separated statements; TQL statements are checked as GreptimeDB parses them.
pub fn check_sql(text: &str, dialect: &dyn Dialect) -> Result<(), String> {
    let parts = statements::split(text)?;
    if parts.is_empty() {
        return Err("no statement".into());
    }
    for statement in parts {
        match statements::tql(&statement)? {
            Some(tql) => {
                for param in &tql.params {
                    Parser::new(dialect).try_with_sql(param).and_then(|mut p| p.parse_expr()).map_err(|e| format!("TQL parameter `{param}`: {e}"))?;
                }
                check_promql(&tql.promql).map_err(|e| format!("TQL: {e}"))?;
            }
            None => {
                let parsed = Parser::parse_sql(dialect, &statement).map_err(|e| format!("SQL: {e}\n  in: {statement}"))?;
                if parsed.len() != 1 {
                    return Err(format!("expected one statement, parsed {}: {statement}", parsed.len()));
                }
            }
        }
    }
    Ok(())
}

/// Over MySQL, `"x"` is a string, not a column: `WHERE "timestamp" > …` would parse and then
/// compare a constant. Dashboard SQL quotes identifiers with backticks.
fn check_mysql_quotes(text: &str) -> Result<(), String> {
    let tokens = Tokenizer::new(&MySqlDialect {}, text).tokenize().map_err(|e| format!("SQL: {e}"))?;
    match tokens.iter().find(|t| matches!(t, Token::DoubleQuotedString(_))) {
        Some(t) => Err(format!("MySQL reads {t} as a string, not a column: quote identifiers with backticks")),
        None => Ok(()),
    }
}

//! Splitting a block of SQL into statements (comments dropped, `;` inside quotes kept), and
//! GreptimeDB's `TQL` statement, which `sqlparser` does not know.

/// The statements of `text`, trimmed, without comments; empty statements are skipped.
pub fn split(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                current.push(c);
                loop {
                    match chars.next() {
                        Some(q) if q == c => {
                            current.push(q);
                            // A doubled quote is an escaped quote inside the same literal.
                            if chars.peek() == Some(&c) {
                                current.push(chars.next().unwrap());
                            } else {
                                break;
                            }
                        }
                        Some(other) => current.push(other),
                        None => return Err(format!("unterminated {c}…{c} in: {current}")),
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                loop {
                    match chars.next() {
                        Some('/') if prev == '*' => break,
                        Some(n) => prev = n,
                        None => return Err("unterminated /* comment".into()),
                    }
                }
                current.push(' ');
            }
            ';' => {
                push_statement(&mut out, &mut current);
            }
            other => current.push(other),
        }
    }
    push_statement(&mut out, &mut current);
    Ok(out)
}

fn push_statement(out: &mut Vec<String>, current: &mut String) {
    let statement = current.trim();
    if !statement.is_empty() {
        out.push(statement.to_owned());
    }
    current.clear();
}

/// `TQL <verb> [(start, end, step[, lookback])] <PromQL>`.
#[derive(Debug, PartialEq)]
pub struct Tql {
    pub params: Vec<String>,
    pub promql: String,
}

/// `Ok(None)` when `statement` is not TQL; an error when it is TQL but malformed.
pub fn tql(statement: &str) -> Result<Option<Tql>, String> {
    let mut words = statement.splitn(2, char::is_whitespace);
    if !words.next().unwrap_or_default().eq_ignore_ascii_case("TQL") {
        return Ok(None);
    }
    let rest = words.next().unwrap_or_default().trim_start();
    let (verb, mut rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let verb = verb.to_ascii_uppercase();
    if !["EVAL", "EVALUATE", "EXPLAIN", "ANALYZE"].contains(&verb.as_str()) {
        return Err(format!("TQL: expected EVAL, EVALUATE, EXPLAIN or ANALYZE, got `{verb}`"));
    }
    rest = rest.trim_start();
    if verb != "EVAL" && verb != "EVALUATE" {
        if let Some(after) = strip_word(rest, "VERBOSE") {
            rest = after;
        }
    }
    let mut params = Vec::new();
    if let Some(inner) = rest.strip_prefix('(') {
        let close = matching_paren(inner).ok_or_else(|| format!("TQL: unbalanced parameters in: {statement}"))?;
        params = split_top_level(&inner[..close]);
        rest = inner[close + 1..].trim_start();
    }
    if (verb == "EVAL" || verb == "EVALUATE") && !(3..=4).contains(&params.len()) {
        return Err(format!("TQL {verb} takes (start, end, step[, lookback]), got {} parameters in: {statement}", params.len()));
    }
    if rest.is_empty() {
        return Err(format!("TQL: no PromQL expression in: {statement}"));
    }
    Ok(Some(Tql { params, promql: rest.to_owned() }))
}

fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let (first, rest) = text.split_once(char::is_whitespace)?;
    first.eq_ignore_ascii_case(word).then(|| rest.trim_start())
}

/// Index of the `)` closing an already-open parenthesis, quotes respected.
fn matching_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Some(i),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                parts.push(text[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim().to_owned());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_outside_quotes_and_drops_comments() {
        let text = "-- a; comment\nSELECT 'a;b', \"c;d\" FROM t; /* x; */ SELECT `e;f`;\n\n";
        assert_eq!(split(text).unwrap(), ["SELECT 'a;b', \"c;d\" FROM t", "SELECT `e;f`"]);
        assert_eq!(split("SELECT 'it''s'").unwrap(), ["SELECT 'it''s'"]);
        assert!(split("SELECT 'open").is_err());
    }

    #[test]
    fn tql_statements() {
        let t = tql("TQL EVAL (now() - '1h'::interval, now(), '1m') sum by (le) (rate(x_bucket[5m]))").unwrap().unwrap();
        assert_eq!(t.params, ["now() - '1h'::interval", "now()", "'1m'"]);
        assert_eq!(t.promql, "sum by (le) (rate(x_bucket[5m]))");
        assert_eq!(tql("SELECT 1").unwrap(), None);
        assert!(tql("TQL EVLA (0, 10, '5s') up").is_err());
        assert!(tql("TQL EVAL (0, 10) up").is_err());
        assert!(tql("TQL EVAL (0, 10, '5s'").is_err());
        assert!(tql("TQL EVAL (0, 10, '5s')").is_err());
        assert_eq!(tql("TQL EXPLAIN VERBOSE up").unwrap().unwrap().promql, "up");
    }
}

//! Queries in Markdown: fenced code blocks tagged `sql` (statements for GreptimeDB's HTTP SQL
//! API, TQL included) and `promql` (expressions separated by blank lines; `#` lines are
//! comments).

use crate::{Language, Query};

pub fn queries(file: &str, text: &str) -> Vec<Query> {
    let mut out = Vec::new();
    // The open block: its language (None for blocks of other languages, tracked so that their
    // closing fence is not read as an opening one), its first line number, its lines.
    let mut block: Option<(Option<Language>, usize, Vec<&str>)> = None;
    for (index, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut block, fence) {
            (None, Some(info)) => {
                let language = match info.trim() {
                    "sql" => Some(Language::SqlHttp),
                    "promql" => Some(Language::PromQl),
                    _ => None,
                };
                block = Some((language, index + 2, Vec::new()));
            }
            (None, None) => {}
            // A closing fence has nothing after the backticks.
            (Some((language, start, lines)), Some(info)) if info.trim().is_empty() => {
                if let Some(language) = language {
                    push_block(&mut out, file, *language, *start, lines);
                }
                block = None;
            }
            (Some((_, _, lines)), _) => lines.push(line),
        }
    }
    out
}

fn push_block(out: &mut Vec<Query>, file: &str, language: Language, start: usize, lines: &[&str]) {
    if language == Language::SqlHttp {
        out.push(Query { origin: format!("{file}:{start}"), language, text: lines.join("\n") });
        return;
    }
    // PromQL: one expression per paragraph.
    let mut paragraph: Vec<&str> = Vec::new();
    let mut first = start;
    for (offset, line) in lines.iter().chain(std::iter::once(&"")).enumerate() {
        if line.trim().is_empty() {
            if !paragraph.is_empty() {
                out.push(Query { origin: format!("{file}:{first}"), language, text: paragraph.join("\n") });
                paragraph.clear();
            }
        } else if !line.trim_start().starts_with('#') {
            if paragraph.is_empty() {
                first = start + offset;
            }
            paragraph.push(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sql_and_promql_blocks_only() {
        let md = "text\n```sql\nSELECT 1;\nSELECT 2;\n```\n```sh\n```sql in a shell block\n```\n```promql\n# p75\nhistogram_quantile(0.75,\n  x)\n\nup\n```\n";
        let q = queries("R.md", md);
        assert_eq!(q.len(), 3, "{q:?}");
        assert_eq!((q[0].language, q[0].origin.as_str(), q[0].text.as_str()), (Language::SqlHttp, "R.md:3", "SELECT 1;\nSELECT 2;"));
        assert_eq!((q[1].language, q[1].origin.as_str(), q[1].text.as_str()), (Language::PromQl, "R.md:11", "histogram_quantile(0.75,\n  x)"));
        assert_eq!((q[2].origin.as_str(), q[2].text.as_str()), ("R.md:14", "up"));
    }
}

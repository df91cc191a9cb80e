//! Search: the query language (`from:`, `to:`, `subject:`, `has:attachment`,
//! `before:`, `after:`, `in:`, "quoted phrases") and its results as threads.

use candor_store::messages::{SearchQuery, ThreadSummary};
use time::macros::format_description;

use super::Candor;
use crate::ApiError;

/// Threads with a message matching `query`, newest first.
pub fn search(candor: &Candor, query: &str, limit: u32) -> Result<Vec<ThreadSummary>, ApiError> {
    let mut parsed = parse(query)?;
    parsed.limit = limit;
    Ok(candor.reader().search(&parsed)?)
}

/// Parses the user's query. Operators take one word or a "quoted phrase";
/// anything else is text to find anywhere (subject, body, addresses,
/// attachment names), every term required.
pub fn parse(query: &str) -> Result<SearchQuery, ApiError> {
    let mut q = SearchQuery::default();
    for token in tokens(query) {
        let (key, value) = match token.split_once(':') {
            Some((k, v)) if !token.starts_with('"') && !v.is_empty() => {
                (k.to_lowercase(), unquote(v))
            }
            _ => {
                q.terms.push(unquote(&token));
                continue;
            }
        };
        match key.as_str() {
            "from" => q.from.push(value),
            "to" => q.to.push(value),
            "subject" => q.subject.push(value),
            "in" => q.folder = Some(value.to_lowercase()),
            "has" if value.eq_ignore_ascii_case("attachment") => q.has_attachment = true,
            "before" => q.before = Some(day_start(&key, &value)?),
            "after" => q.after = Some(day_start(&key, &value)?),
            // Not an operator we know (a time like 10:30, a URL): search for it as text.
            _ => q.terms.push(token.clone()),
        }
    }
    q.terms.retain(|t| !t.is_empty());
    if q == SearchQuery::default() {
        return Err(ApiError::invalid("query", "Type something to search for."));
    }
    Ok(q)
}

/// Splits on white space, keeping "quoted phrases" (also after `op:`) whole.
fn tokens(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn unquote(s: &str) -> String {
    s.trim_matches('"').trim().to_owned()
}

/// `YYYY-MM-DD` as the Unix time of its first second, UTC.
fn day_start(key: &str, value: &str) -> Result<i64, ApiError> {
    let date =
        time::Date::parse(value, format_description!("[year]-[month]-[day]")).map_err(|_| {
            ApiError::invalid(
                "query",
                format!("{key}: needs a date like 2026-03-31, not \"{value}\"."),
            )
        })?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_phrases_and_free_text() {
        let q = parse(r#"from:anna "senior rust" to:"hanna lindqvist" has:attachment in:Inbox after:2026-03-01 简历"#)
            .expect("valid query");
        assert_eq!(q.from, vec!["anna"]);
        assert_eq!(
            q.to,
            vec!["hanna lindqvist"],
            "a quoted operator value keeps its spaces"
        );
        assert_eq!(q.terms, vec!["senior rust", "简历"]);
        assert!(q.has_attachment);
        assert_eq!(q.folder.as_deref(), Some("inbox"));
        assert_eq!(q.after, Some(1_772_323_200), "2026-03-01T00:00:00Z");
    }

    #[test]
    fn unknown_operators_are_text_and_bad_dates_are_explained() {
        let q = parse("meet at 10:30").expect("valid");
        assert_eq!(q.terms, vec!["meet", "at", "10:30"]);
        let err = parse("before:yesterday").expect_err("bad date");
        assert_eq!(err.field.as_deref(), Some("query"));
        assert!(err.message.contains("2026-03-31"), "{}", err.message);
        assert!(
            parse("   ").is_err(),
            "an empty query is refused, not a search for everything"
        );
    }
}

//! Search for Chinese, Japanese and Korean words shorter than a trigram.
//!
//! Written Chinese has no spaces and most words are two characters, so the
//! trigram index cannot answer "简历" and a scan of every body would (150 ms
//! and more on 100,000 messages). `message_cjk` holds each message's CJK
//! text as its single characters and overlapping pairs, separated by spaces,
//! so that FTS5's plain tokenizer makes each one a token: "请查收简历" is
//! stored as "请 查 收 简 历 请查 查收 收简 简历", and a one- or two-character
//! word is one token to look up.

use rusqlite::{Transaction, params};

/// Whether a character belongs to a script written without spaces between
/// words (Han, kana, Hangul), where a short search term is a whole word.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK Extension A
        | 0x4E00..=0x9FFF   // CJK Unified Ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F // CJK Extensions B to F, Compatibility Supplement
    )
}

/// The tokens of a text's CJK runs: every character and every pair of
/// neighbours, space-separated; empty when the text has no CJK.
pub fn tokens(text: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        for (i, c) in run.iter().enumerate() {
            push_token(out, &[*c]);
            if let Some(next) = run.get(i + 1) {
                push_token(out, &[*c, *next]);
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn push_token(out: &mut String, chars: &[char]) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.extend(chars);
}

/// A search term this index answers: one or two CJK characters.
pub fn is_short_cjk_term(term: &str) -> bool {
    let count = term.chars().count();
    (1..=2).contains(&count) && term.chars().all(is_cjk)
}

/// Indexes one message's CJK text, if it has any (inside its insert transaction).
pub(crate) fn index_message(
    tx: &Transaction<'_>,
    id: i64,
    subject: &str,
    body: &str,
    addresses: &str,
    attachment_names: &str,
) -> rusqlite::Result<()> {
    let columns = [subject, body, addresses, attachment_names].map(tokens);
    if columns.iter().all(String::is_empty) {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO message_cjk (rowid, subject, body, addresses, attachment_names)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, columns[0], columns[1], columns[2], columns[3]])?;
    Ok(())
}

impl crate::Store {
    /// Rebuilds the CJK index from the search index, in one transaction (its
    /// migration does the same for mail stored before it existed).
    pub fn rebuild_cjk_index(&mut self) -> Result<(), crate::StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM message_cjk", [])?;
        backfill(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

/// Indexes the mail stored before this index existed (run once, by its migration).
pub(crate) fn backfill(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String, String, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT rowid, coalesce(subject, ''), coalesce(body, ''), coalesce(addresses, ''),
                    coalesce(attachment_names, '')
             FROM message_search",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    for (id, subject, body, addresses, names) in rows {
        index_message(tx, id, &subject, &body, &addresses, &names)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_characters_and_pairs() {
        assert_eq!(tokens("请查收简历"), "请 请查 查 查收 收 收简 简 简历 历");
        assert_eq!(
            tokens("CV 简历 and 履歴書"),
            "简 简历 历 履 履歴 歴 歴書 書",
            "runs apart are not paired across the Latin text"
        );
        assert_eq!(tokens("이력서"), "이 이력 력 력서 서");
        assert_eq!(tokens("no CJK here"), "");
    }

    #[test]
    fn only_one_or_two_cjk_characters_use_this_index() {
        assert!(is_short_cjk_term("简历"));
        assert!(is_short_cjk_term("李"));
        assert!(
            !is_short_cjk_term("简历表"),
            "three or more: the trigram index"
        );
        assert!(!is_short_cjk_term("AI"));
        assert!(!is_short_cjk_term("简a"));
    }
}

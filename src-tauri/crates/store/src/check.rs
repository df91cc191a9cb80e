//! `candor db check`: is the file encrypted, intact, and at which schema version.

use std::io::Read;

use serde::Serialize;

use crate::{Store, StoreError, migrations};

/// The first 16 bytes of every plaintext SQLite file. An SQLCipher file starts
/// with a random salt instead, so finding this header means "not encrypted".
const PLAINTEXT_SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CheckReport {
    pub path: String,
    /// How the key is held: "keyring" or "passphrase".
    pub key_source: String,
    /// The file on disk does not start with the plaintext SQLite header.
    pub encrypted: bool,
    pub cipher_version: String,
    pub schema_version: u32,
    pub latest_schema_version: u32,
    /// `PRAGMA integrity_check` and `PRAGMA cipher_integrity_check` findings; empty when intact.
    pub problems: Vec<String>,
    pub fts5: bool,
    pub fts5_trigram: bool,
}

impl CheckReport {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Store {
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let conn = &self.conn;
        let mut header = [0u8; 16];
        let encrypted = std::fs::File::open(self.path())
            .and_then(|mut f| f.read_exact(&mut header))
            .map(|()| &header != PLAINTEXT_SQLITE_HEADER)
            .unwrap_or(false);

        let mut problems = Vec::new();
        // On a damaged file the checks themselves can fail part-way; that is a
        // finding to report, not a reason to report nothing.
        for pragma in ["integrity_check", "cipher_integrity_check"] {
            if let Err(e) = collect_findings(conn, pragma, &mut problems) {
                problems.push(format!("{pragma} could not finish: {e}"));
            }
        }

        let cipher_version: String = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))?;
        let (fts5, fts5_trigram) = probe_fts5(conn);

        Ok(CheckReport {
            path: self.path().display().to_string(),
            key_source: self.key_source().as_str().to_owned(),
            encrypted,
            cipher_version,
            schema_version: migrations::schema_version(conn)?,
            latest_schema_version: migrations::latest_version(),
            problems,
            fts5,
            fts5_trigram,
        })
    }
}

/// Runs `PRAGMA <pragma>` and adds every line that is not "ok" to `problems`.
/// SQLCipher's cipher_integrity_check returns no rows when every page's HMAC matches.
fn collect_findings(
    conn: &rusqlite::Connection,
    pragma: &str,
    problems: &mut Vec<String>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}"))?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = row?;
        if line != "ok" {
            problems.push(line);
        }
    }
    Ok(())
}

/// Whether FTS5 works, and whether its trigram tokenizer finds a word inside
/// unspaced Chinese text (the search issue depends on both).
fn probe_fts5(conn: &rusqlite::Connection) -> (bool, bool) {
    let fts5 = conn
        .execute_batch(
            "CREATE VIRTUAL TABLE temp.candor_fts5_probe USING fts5(body);
             DROP TABLE temp.candor_fts5_probe;",
        )
        .is_ok();
    let trigram = (|| -> rusqlite::Result<bool> {
        conn.execute_batch(
            "CREATE VIRTUAL TABLE temp.candor_trigram_probe USING fts5(body, tokenize = 'trigram');
             INSERT INTO temp.candor_trigram_probe (body) VALUES ('我们希望您下周来面试软件工程师职位');",
        )?;
        let hits: i64 = conn.query_row(
            "SELECT count(*) FROM temp.candor_trigram_probe WHERE body MATCH '软件工程师'",
            [],
            |r| r.get(0),
        )?;
        conn.execute_batch("DROP TABLE temp.candor_trigram_probe")?;
        Ok(hits == 1)
    })()
    .unwrap_or(false);
    (fts5, trigram)
}

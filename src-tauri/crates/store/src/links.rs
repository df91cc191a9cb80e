//! Which messages belong on which record page.
//!
//! A message is linked automatically to every record whose email address
//! appears in its From, To, Cc or Bcc, whatever account it came through.
//! Links are recomputed when a record's addresses change (so a record shows
//! the mail of its current addresses) and made as each message is stored. A
//! link made by hand ('manual') or removed by hand ('excluded') is never
//! touched by the automatic pass.

use rusqlite::{Connection, params};

use crate::messages::ThreadSummary;
use crate::{Store, StoreError};

/// The automatic links of one message (called inside its insert transaction).
pub(crate) fn link_message(conn: &Connection, message_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO message_record_links (message_id, record_id, origin)
         SELECT DISTINCT ma.message_id, re.record_id, 'auto'
         FROM message_addresses ma JOIN record_emails re ON re.address_normalized = ma.address_normalized
         WHERE ma.message_id = ?1 AND ma.role IN ('from', 'to', 'cc', 'bcc')",
        [message_id],
    )?;
    Ok(())
}

/// Recomputes the automatic links of one record from its current addresses
/// (called inside the record's write transaction).
pub(crate) fn relink_record(conn: &Connection, record_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM message_record_links WHERE record_id = ?1 AND origin = 'auto'",
        [record_id],
    )?;
    // INSERT OR IGNORE leaves a 'manual' or 'excluded' row for the same pair as it is.
    conn.execute(
        "INSERT OR IGNORE INTO message_record_links (message_id, record_id, origin)
         SELECT DISTINCT ma.message_id, re.record_id, 'auto'
         FROM record_emails re JOIN message_addresses ma ON ma.address_normalized = re.address_normalized
         WHERE re.record_id = ?1 AND ma.role IN ('from', 'to', 'cc', 'bcc')",
        [record_id],
    )?;
    Ok(())
}

impl Store {
    /// Links a message to a record by hand; the link survives every relink.
    pub fn link_manually(&mut self, message_id: i64, record_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO message_record_links (message_id, record_id, origin) VALUES (?1, ?2, 'manual')
             ON CONFLICT (message_id, record_id) DO UPDATE SET origin = 'manual'",
            params![message_id, record_id],
        )?;
        Ok(())
    }

    /// Takes a message off a record's page by hand; it stays off even though
    /// its addresses would link it again.
    pub fn unlink_manually(&mut self, message_id: i64, record_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO message_record_links (message_id, record_id, origin) VALUES (?1, ?2, 'excluded')
             ON CONFLICT (message_id, record_id) DO UPDATE SET origin = 'excluded'",
            params![message_id, record_id],
        )?;
        Ok(())
    }

    pub fn message_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM messages WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })?
            > 0)
    }

    /// The conversations on a record's page, newest activity first: those with
    /// a message linked to the record, and for a job opening those of its
    /// primary contact.
    pub fn record_threads(
        &self,
        record_id: i64,
        limit: u32,
    ) -> Result<Vec<ThreadSummary>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT t.id FROM threads t
                 WHERE EXISTS (
                    SELECT 1 FROM messages m JOIN message_record_links l ON l.message_id = m.id
                    WHERE m.thread_id = t.id AND l.origin <> 'excluded'
                      AND (l.record_id = ?1
                           OR l.record_id = (SELECT primary_contact_id FROM job_openings WHERE record_id = ?1)))
                 ORDER BY t.latest_at DESC, t.id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![record_id, i64::from(limit.max(1))], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.thread_summary(id)).collect()
    }
}

impl Store {
    /// Stored messages carrying this Message-ID (one per folder or account it is in).
    pub fn messages_with_message_id(
        &self,
        message_id_header: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM messages WHERE message_id_header = ?1 ORDER BY id")?;
        let rows = stmt.query_map([message_id_header], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! Which messages belong on which record page.
//!
//! A message is linked automatically to every record whose email address
//! appears in its From, To, Cc or Bcc, whatever account it came through.
//! Links are recomputed when a record's addresses change (so a record shows
//! the mail of its current addresses) and made as each message is stored. A
//! link made by hand ('manual') or removed by hand ('excluded') is never
//! touched by the automatic pass.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::messages::ThreadSummary;
use crate::records::RecordKind;
use crate::{Store, StoreError};

/// Another record with one of a record's email addresses: a candidate who is
/// also a contact, say. Both pages show the mail, and each says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SharedAddress {
    pub address: String,
    pub record_id: i64,
    pub kind: RecordKind,
    pub display_name: String,
}

/// The automatic links of one message (called inside its insert transaction).
pub(crate) fn link_message(conn: &Connection, message_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO message_record_links (message_id, record_id, origin)
         SELECT DISTINCT ma.message_id, re.record_id, 'auto'
         FROM message_addresses ma JOIN record_emails re ON re.address_normalized = ma.address_normalized
         WHERE ma.message_id = ?1 AND ma.role IN ('from', 'to', 'cc', 'bcc')",
    )?
    .execute([message_id])?;
    if crate::addresses::variants_enabled(conn)? {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO message_record_links (message_id, record_id, origin)
             SELECT DISTINCT ma.message_id, re.record_id, 'auto'
             FROM message_addresses ma JOIN record_emails re ON re.address_canonical = ma.address_canonical
             WHERE ma.message_id = ?1 AND ma.role IN ('from', 'to', 'cc', 'bcc')",
        )?
        .execute([message_id])?;
    }
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
    if crate::addresses::variants_enabled(conn)? {
        conn.execute(
            "INSERT OR IGNORE INTO message_record_links (message_id, record_id, origin)
             SELECT DISTINCT ma.message_id, re.record_id, 'auto'
             FROM record_emails re JOIN message_addresses ma ON ma.address_canonical = re.address_canonical
             WHERE re.record_id = ?1 AND ma.role IN ('from', 'to', 'cc', 'bcc')",
            [record_id],
        )?;
    }
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
            // From the record's links to their threads, not from every thread
            // to its links: a record has a handful of conversations among
            // tens of thousands (the benchmark keeps this under 10 ms).
            // CROSS JOIN makes SQLite keep that order rather than walk the
            // threads by date and probe each.
            let mut stmt = self.conn.prepare_cached(
                "SELECT t.id
                 FROM (SELECT DISTINCT m.thread_id AS id
                       FROM message_record_links l JOIN messages m ON m.id = l.message_id
                       WHERE l.origin <> 'excluded'
                         AND l.record_id IN (?1, coalesce(
                             (SELECT primary_contact_id FROM job_openings WHERE record_id = ?1), -1))) mine
                 CROSS JOIN threads t ON t.id = mine.id
                 ORDER BY t.latest_at DESC, t.id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![record_id, i64::from(limit.max(1))], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.thread_summary(id)).collect()
    }
}

impl Store {
    /// The other records that have one of this record's addresses, by address.
    pub fn shared_addresses(&self, record_id: i64) -> Result<Vec<SharedAddress>, StoreError> {
        let pairs: Vec<(String, i64)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT mine.address, other.record_id
                 FROM record_emails mine
                 JOIN record_emails other
                   ON (other.address_normalized = mine.address_normalized
                       OR (?2 AND other.address_canonical = mine.address_canonical))
                  AND other.record_id <> mine.record_id
                 WHERE mine.record_id = ?1
                 GROUP BY mine.address, other.record_id
                 ORDER BY min(mine.position), other.record_id",
            )?;
            let variants = crate::addresses::variants_enabled(&self.conn)?;
            let rows =
                stmt.query_map(params![record_id, variants], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut shared = Vec::with_capacity(pairs.len());
        for (address, other) in pairs {
            if let Some(record) = self.get_record(other)? {
                shared.push(SharedAddress {
                    address,
                    record_id: other,
                    kind: record.kind,
                    display_name: record.display_name,
                });
            }
        }
        Ok(shared)
    }

    /// Records that have this address (already normalized: trimmed, lower-cased).
    pub fn records_with_address(
        &self,
        address_normalized: &str,
    ) -> Result<Vec<(i64, RecordKind)>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT DISTINCT record_id FROM record_emails WHERE address_normalized = ?1 ORDER BY record_id",
            )?;
            let rows = stmt.query_map([address_normalized], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(kind) = self.record_kind(id)? {
                out.push((id, kind));
            }
        }
        Ok(out)
    }

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

//! Microsoft 365 contacts sync bookkeeping (issue 8): the link of each
//! contact record to its copy in the "Candor Contacts" folder, and the
//! user's field mapping. The records themselves are `records.rs`'s.

use rusqlite::{OptionalExtension, params};

use crate::time::now_unix;
use crate::{Store, StoreError};

/// A contact record as sync sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedContact {
    pub record_id: i64,
    pub graph_id: Option<String>,
    pub graph_etag: Option<String>,
    pub synced_at: Option<i64>,
    pub updated_at: i64,
    /// Edited here since it was last in step.
    pub dirty: bool,
}

impl Store {
    /// Contact records (the user's own, not imported) that need sending:
    /// never seen by sync, or edited since they were last in step. Most
    /// recently updated first.
    pub fn contacts_to_push(&self) -> Result<Vec<SyncedContact>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, s.graph_id, s.graph_etag, s.synced_at, r.updated_at,
                COALESCE(s.dirty, 1)
             FROM records r LEFT JOIN contact_sync s ON s.record_id = r.id
             WHERE r.kind = 'contact' AND r.is_imported = 0 AND r.owner_user_id = ?1
               AND (s.record_id IS NULL OR s.dirty = 1)
             ORDER BY r.updated_at DESC, r.id DESC",
        )?;
        let rows = stmt
            .query_map([self.local_user_id()], |r| {
                Ok(SyncedContact {
                    record_id: r.get(0)?,
                    graph_id: r.get(1)?,
                    graph_etag: r.get(2)?,
                    synced_at: r.get(3)?,
                    updated_at: r.get(4)?,
                    dirty: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The contact linked to a Graph id.
    pub fn contact_by_graph_id(&self, graph_id: &str) -> Result<Option<SyncedContact>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.record_id, s.graph_id, s.graph_etag, s.synced_at, r.updated_at, s.dirty
                 FROM contact_sync s JOIN records r ON r.id = s.record_id WHERE s.graph_id = ?1",
                [graph_id],
                |r| {
                    Ok(SyncedContact {
                        record_id: r.get(0)?,
                        graph_id: r.get(1)?,
                        graph_etag: r.get(2)?,
                        synced_at: r.get(3)?,
                        updated_at: r.get(4)?,
                        dirty: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The record is in step with its copy (`graph_id` None: set aside).
    pub fn set_contact_synced(
        &mut self,
        record_id: i64,
        graph_id: Option<&str>,
        etag: Option<&str>,
        remote_modified: Option<i64>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO contact_sync (record_id, graph_id, graph_etag, dirty, synced_at, remote_modified)
             VALUES (?1, ?2, ?3, 0, ?5, ?4)
             ON CONFLICT (record_id) DO UPDATE SET graph_id = ?2, graph_etag = ?3, dirty = 0,
                synced_at = ?5, remote_modified = ?4",
            params![record_id, graph_id, etag, remote_modified, now_unix()],
        )?;
        Ok(())
    }

    /// Keeps the ETag of a remote version seen and overruled (a newer local
    /// edit goes over it on the next push).
    pub fn set_contact_etag(
        &mut self,
        record_id: i64,
        etag: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE contact_sync SET graph_etag = ?2 WHERE record_id = ?1",
            params![record_id, etag],
        )?;
        Ok(())
    }

    /// Forgets every link (the folder is gone); the records stay.
    pub fn unlink_synced_contacts(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE contact_sync SET graph_id = NULL", [])?;
        tx.execute("DELETE FROM contact_sync", [])?;
        tx.execute(
            "DELETE FROM graph_deletions WHERE resource = 'contacts'",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every linked contact: (record id, Graph id).
    pub fn synced_contacts(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT record_id, graph_id FROM contact_sync WHERE graph_id IS NOT NULL")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The user's mapping (Graph field, Candor field); empty means the default.
    pub fn contact_mapping(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT graph_field, candor_field FROM contact_sync_mapping ORDER BY graph_field",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn set_contact_mapping(&mut self, mapping: &[(String, String)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM contact_sync_mapping", [])?;
        for (graph, candor) in mapping {
            tx.execute(
                "INSERT INTO contact_sync_mapping (graph_field, candor_field) VALUES (?1, ?2)",
                params![graph, candor],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

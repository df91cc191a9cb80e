//! Folders and their sync state, and the sync ledger.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

/// What was known of a folder after the last sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderSyncState {
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
    pub highest_modseq: Option<u64>,
}

/// A message's read and flagged state as the server has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagChange {
    pub message_id: i64,
    pub seen: bool,
    pub flagged: bool,
}

/// A stored message's place on the server and its flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownMessage {
    pub message_id: i64,
    pub uid: u32,
    pub seen: bool,
    pub flagged: bool,
}

/// One line of `candor ledger`: the latest pass over a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerEntry {
    pub account: String,
    pub folder: String,
    pub role: Option<String>,
    pub on_server: i64,
    pub stored_here: i64,
    pub fetched: i64,
    pub skipped: i64,
    pub failed: i64,
    pub finished_at: Option<i64>,
    /// Why messages were skipped or failed.
    pub problems: Vec<String>,
}

/// A folder as the Email tab lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FolderOverview {
    pub id: i64,
    pub account_id: i64,
    /// The name on the server, hierarchy included ("Clients/Acme").
    pub name: String,
    /// The hierarchy separator, to show "Acme" indented under "Clients".
    pub delimiter: Option<String>,
    /// inbox, sent, drafts, trash, archive, junk, all or flagged.
    pub role: Option<String>,
    pub unread: i64,
    pub total: i64,
}

impl Store {
    /// Every folder of every account with its unread and total counts,
    /// by account, then the Inbox first, the other roles in a fixed order,
    /// then the user's folders by name.
    pub fn folder_overview(&self) -> Result<Vec<FolderOverview>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.account_id, f.name, f.delimiter, f.role,
                    (SELECT count(*) FROM messages m WHERE m.folder_id = f.id AND m.is_seen = 0),
                    (SELECT count(*) FROM messages m WHERE m.folder_id = f.id)
             FROM folders f JOIN accounts a ON a.id = f.account_id
             WHERE f.is_selectable = 1
             ORDER BY a.name, f.account_id,
                      CASE f.role WHEN 'inbox' THEN 0 WHEN 'drafts' THEN 1 WHEN 'sent' THEN 2
                                  WHEN 'archive' THEN 3 WHEN 'all' THEN 4 WHEN 'flagged' THEN 5
                                  WHEN 'junk' THEN 6 WHEN 'trash' THEN 7 ELSE 8 END,
                      f.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FolderOverview {
                id: r.get(0)?,
                account_id: r.get(1)?,
                name: r.get(2)?,
                delimiter: r.get(3)?,
                role: r.get(4)?,
                unread: r.get(5)?,
                total: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates or updates a folder from the server's list; returns its id.
    pub fn upsert_folder(
        &mut self,
        account_id: i64,
        name: &str,
        delimiter: Option<&str>,
        role: Option<&str>,
        selectable: bool,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO folders (account_id, name, delimiter, role, is_selectable) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, name) DO UPDATE SET delimiter = ?3, role = ?4, is_selectable = ?5",
            params![account_id, name, delimiter, role, selectable],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM folders WHERE account_id = ?1 AND name = ?2",
            params![account_id, name],
            |r| r.get(0),
        )?)
    }

    /// Forgets the account's folders that the server no longer lists, with
    /// their messages, except a folder still holding a copy that exists only
    /// here (a message moved or sent there that the server has not shown
    /// yet). Returns how many folders went.
    pub fn remove_folders_not_in(
        &mut self,
        account_id: i64,
        on_server: &[String],
    ) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let gone: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, name FROM folders f WHERE account_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.folder_id = f.id AND m.uid IS NULL)",
            )?;
            let rows = stmt.query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|(_, name)| !on_server.contains(name))
                .collect()
        };
        for (id, _) in &gone {
            // The search index is a virtual table: no cascade reaches it.
            tx.execute(
                "DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE folder_id = ?1)",
                [id],
            )?;
            tx.execute("DELETE FROM folders WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(gone.len())
    }

    pub fn folder_sync_state(&self, folder_id: i64) -> Result<FolderSyncState, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT uidvalidity, uidnext, highestmodseq FROM folders WHERE id = ?1",
                [folder_id],
                |r| {
                    Ok(FolderSyncState {
                        uid_validity: r.get(0)?,
                        uid_next: r.get(1)?,
                        highest_modseq: r
                            .get::<_, Option<i64>>(2)?
                            .map(|m| u64::try_from(m).unwrap_or(0)),
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    pub fn set_folder_sync_state(
        &mut self,
        folder_id: i64,
        state: FolderSyncState,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4, last_synced_at = ?5 WHERE id = ?1",
            params![
                folder_id,
                state.uid_validity,
                state.uid_next,
                state.highest_modseq.map(|m| i64::try_from(m).unwrap_or(i64::MAX)),
                now_unix()
            ],
        )?;
        Ok(())
    }

    /// The account's folder with this role ("inbox", "trash", ...) or,
    /// failing that, this name.
    pub fn find_folder(
        &self,
        account_id: i64,
        role_or_name: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM folders WHERE account_id = ?1 AND (role = lower(?2) OR name = ?2)
                 ORDER BY role = lower(?2) DESC LIMIT 1",
                params![account_id, role_or_name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// A folder's name on the server.
    pub fn folder_name(&self, folder_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT name FROM folders WHERE id = ?1", [folder_id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Where a message is kept: its account, and its folder's id and role.
    pub fn message_place(
        &self,
        message_id: i64,
    ) -> Result<(i64, Option<i64>, Option<String>), StoreError> {
        self.conn
            .query_row(
                "SELECT m.account_id, m.folder_id, f.role FROM messages m
                 LEFT JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1",
                [message_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or(StoreError::MessageNotFound(message_id))
    }

    /// Forgets the folder's messages: its UIDVALIDITY changed, so every UID we
    /// hold for it is meaningless and the folder is fetched again.
    pub fn clear_folder_messages(&mut self, folder_id: i64) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE folder_id = ?1)", [folder_id])?;
        let n = tx.execute("DELETE FROM messages WHERE folder_id = ?1", [folder_id])?;
        tx.commit()?;
        Ok(n)
    }

    /// Messages of a folder we hold, with their UIDs and flags.
    pub fn known_messages(&self, folder_id: i64) -> Result<Vec<KnownMessage>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, uid, is_seen, is_flagged FROM messages WHERE folder_id = ?1 AND uid IS NOT NULL",
        )?;
        let rows = stmt.query_map([folder_id], |r| {
            Ok(KnownMessage {
                message_id: r.get(0)?,
                uid: r.get(1)?,
                seen: r.get(2)?,
                flagged: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets read and flagged state as the server has it, for many messages
    /// in one transaction (one commit instead of one per message: a
    /// mailbox marked read in webmail is thousands of changes).
    pub fn set_messages_flags(&mut self, changes: &[FlagChange]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for change in changes {
            tx.prepare_cached("UPDATE messages SET is_seen = ?2, is_flagged = ?3 WHERE id = ?1")?
                .execute(params![change.message_id, change.seen, change.flagged])?;
            tx.prepare_cached(
                "UPDATE threads SET unread_count =
                    (SELECT count(*) FROM messages m WHERE m.thread_id = threads.id AND m.is_seen = 0)
                 WHERE id = (SELECT thread_id FROM messages WHERE id = ?1)",
            )?
            .execute([change.message_id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Removes messages that are gone from the server.
    pub fn delete_messages(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.execute("DELETE FROM message_search WHERE rowid = ?1", [id])?;
            tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes one pass over a folder into the ledger, with the reasons.
    pub fn record_ledger(
        &mut self,
        folder_id: i64,
        started_at: i64,
        on_server: u32,
        stored: u32,
        skipped: &[(Option<u32>, String)],
        failed: &[(Option<u32>, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO sync_ledger (folder_id, started_at, finished_at, on_server, stored, skipped, failed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                folder_id,
                started_at,
                now_unix(),
                on_server,
                stored,
                i64::try_from(skipped.len()).unwrap_or(i64::MAX),
                i64::try_from(failed.len()).unwrap_or(i64::MAX)
            ],
        )?;
        for (outcome, list) in [("skipped", skipped), ("failed", failed)] {
            for (uid, reason) in list {
                tx.execute(
                    "INSERT INTO sync_problems (folder_id, uid, outcome, reason, occurred_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![folder_id, uid, outcome, reason, now_unix()],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The latest ledger line of every folder (of one account, or all).
    pub fn ledger(&self, account_id: Option<i64>) -> Result<Vec<LedgerEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.name, f.name, f.role, l.on_server, l.stored, l.skipped, l.failed, l.finished_at, f.id, l.started_at,
                    (SELECT count(*) FROM messages m WHERE m.folder_id = f.id)
             FROM folders f JOIN accounts a ON a.id = f.account_id
             JOIN sync_ledger l ON l.id = (SELECT max(id) FROM sync_ledger WHERE folder_id = f.id)
             WHERE ?1 IS NULL OR a.id = ?1
             ORDER BY a.name, f.name",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((
                LedgerEntry {
                    account: r.get(0)?,
                    folder: r.get(1)?,
                    role: r.get(2)?,
                    on_server: r.get(3)?,
                    fetched: r.get(4)?,
                    skipped: r.get(5)?,
                    failed: r.get(6)?,
                    finished_at: r.get(7)?,
                    stored_here: r.get(10)?,
                    problems: Vec::new(),
                },
                r.get::<_, i64>(8)?,
                r.get::<_, i64>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut entry, folder_id, started_at) = row?;
            let mut problems = self.conn.prepare_cached(
                "SELECT outcome, uid, reason FROM sync_problems WHERE folder_id = ?1 AND occurred_at >= ?2 ORDER BY id",
            )?;
            for p in problems.query_map(params![folder_id, started_at], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })? {
                let (outcome, uid, reason) = p?;
                entry.problems.push(match uid {
                    Some(uid) => format!("{outcome} UID {uid}: {reason}"),
                    None => format!("{outcome}: {reason}"),
                });
            }
            out.push(entry);
        }
        Ok(out)
    }
}

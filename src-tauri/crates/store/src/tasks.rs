//! Two-phase mail actions: marking read or flagged, moving and deleting.
//!
//! The local half and the task row are written in one transaction, so the
//! user sees the change at once and a crash cannot keep one without the
//! other; the account's sync performs the remote half later, with retries.
//! A moved or deleted message's task remembers where the server still holds
//! it (folder and UID) until the server has done it, so the sync neither
//! fetches it back as new mail nor loses it.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::messages::refresh_threads;
use crate::time::now_unix;
use crate::{Store, StoreError};

/// What a task asks of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    SetFlags,
    Move,
    Delete,
}

impl TaskKind {
    fn from_column(text: &str) -> Option<Self> {
        match text {
            "set_flags" => Some(Self::SetFlags),
            "move" => Some(Self::Move),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }
}

/// A task due for its remote half.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTask {
    pub id: i64,
    pub kind: TaskKind,
    /// The local message, when it still exists here.
    pub message_id: Option<i64>,
    /// Where the server holds the message now; `None` while that is not yet
    /// known (a message moved here whose new UID the next sync learns).
    pub folder: Option<String>,
    pub uid: Option<u32>,
    /// Where a move goes.
    pub target_folder: Option<String>,
    pub seen: Option<bool>,
    pub flagged: Option<bool>,
    pub attempts: u32,
}

/// A task that has not finished, for the user (`candor tasks`, the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskSummary {
    pub id: i64,
    pub account: String,
    pub kind: TaskKind,
    pub message_id: Option<i64>,
    /// "pending" (waiting for the server) or "failed" (the server refused;
    /// the local change was undone).
    pub state: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// What the message is to the account: the servers that hold it.
struct Located {
    account_id: i64,
    folder_id: Option<i64>,
    uid: Option<u32>,
    /// Only IMAP accounts have a remote half; POP3 and local accounts change
    /// here only.
    imap: bool,
}

fn locate(tx: &Transaction<'_>, message_id: i64) -> Result<Option<Located>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT m.account_id, m.folder_id, m.uid, a.incoming_protocol = 'imap'
             FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.id = ?1",
            [message_id],
            |r| {
                Ok(Located {
                    account_id: r.get(0)?,
                    folder_id: r.get(1)?,
                    uid: r.get(2)?,
                    imap: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The pending move of a message, if any: (task id, source folder).
fn pending_move(tx: &Transaction<'_>, message_id: i64) -> Result<Option<(i64, i64)>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT id, source_folder_id FROM tasks
             WHERE message_id = ?1 AND kind = 'move' AND state = 'pending'",
            [message_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

fn thread_of(tx: &Transaction<'_>, message_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT thread_id FROM messages WHERE id = ?1",
            [message_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// One task row to write, beside the local half of its action.
struct NewTask {
    account_id: i64,
    kind: &'static str,
    message_id: Option<i64>,
    /// Where the server holds the message (folder, UID), for moves and deletes.
    source: Option<(i64, u32)>,
    target_folder_id: Option<i64>,
    seen: Option<bool>,
    flagged: Option<bool>,
}

impl NewTask {
    fn new(account_id: i64, kind: &'static str) -> Self {
        Self {
            account_id,
            kind,
            message_id: None,
            source: None,
            target_folder_id: None,
            seen: None,
            flagged: None,
        }
    }

    fn insert(&self, tx: &Transaction<'_>, owner: i64) -> Result<(), StoreError> {
        let now = now_unix();
        tx.execute(
            "INSERT INTO tasks (owner_user_id, account_id, kind, message_id, source_folder_id, source_uid,
                                target_folder_id, flag_seen, flag_flagged, next_attempt_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                owner,
                self.account_id,
                self.kind,
                self.message_id,
                self.source.map(|s| s.0),
                self.source.map(|s| s.1),
                self.target_folder_id,
                self.seen,
                self.flagged,
                now
            ],
        )?;
        Ok(())
    }
}

impl Store {
    /// Marks messages read/unread and flagged/unflagged here at once, and
    /// queues the same change for the server. Returns how many changed.
    pub fn queue_flags(
        &mut self,
        message_ids: &[i64],
        seen: Option<bool>,
        flagged: Option<bool>,
    ) -> Result<usize, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let mut threads = HashSet::new();
        let mut changed = 0;
        for &id in message_ids {
            let Some(at) = locate(&tx, id)? else {
                continue;
            };
            changed += tx.execute(
                "UPDATE messages SET is_seen = coalesce(?2, is_seen), is_flagged = coalesce(?3, is_flagged)
                 WHERE id = ?1",
                params![id, seen, flagged],
            )?;
            threads.extend(thread_of(&tx, id)?);
            if at.imap {
                // A newer change to the same message replaces an older one
                // that has not reached the server yet.
                tx.execute(
                    "UPDATE tasks SET state = 'cancelled', finished_at = ?2
                     WHERE message_id = ?1 AND kind = 'set_flags' AND state = 'pending'
                       AND (?3 IS NULL OR flag_seen IS NOT NULL) AND (?4 IS NULL OR flag_flagged IS NOT NULL)
                       AND (?3 IS NOT NULL OR flag_seen IS NULL) AND (?4 IS NOT NULL OR flag_flagged IS NULL)",
                    params![id, now_unix(), seen, flagged],
                )?;
                NewTask {
                    message_id: Some(id),
                    seen,
                    flagged,
                    ..NewTask::new(at.account_id, "set_flags")
                }
                .insert(&tx, owner)?;
            }
        }
        refresh_threads(&tx, &threads)?;
        tx.commit()?;
        Ok(changed)
    }

    /// Moves messages to another folder of their account here at once, and
    /// queues the move for the server. Returns how many moved.
    pub fn queue_move(
        &mut self,
        message_ids: &[i64],
        target_folder_id: i64,
    ) -> Result<usize, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let target_account: i64 = tx.query_row(
            "SELECT account_id FROM folders WHERE id = ?1",
            [target_folder_id],
            |r| r.get(0),
        )?;
        let mut moved = 0;
        for &id in message_ids {
            let Some(at) = locate(&tx, id)? else {
                continue;
            };
            if at.account_id != target_account || at.folder_id == Some(target_folder_id) {
                continue;
            }
            tx.execute(
                "UPDATE messages SET folder_id = ?2, uid = NULL WHERE id = ?1",
                params![id, target_folder_id],
            )?;
            moved += 1;
            if !at.imap {
                continue;
            }
            match (pending_move(&tx, id)?, at.folder_id, at.uid) {
                // Moved again before the server did the first move: the server
                // still holds it where it was, so one move goes all the way,
                // or none if it comes back home.
                (Some((task, source)), _, _) if source == target_folder_id => {
                    tx.execute(
                        "UPDATE messages SET uid = (SELECT source_uid FROM tasks WHERE id = ?2) WHERE id = ?1",
                        params![id, task],
                    )?;
                    tx.execute(
                        "UPDATE tasks SET state = 'cancelled', finished_at = ?2 WHERE id = ?1",
                        params![task, now_unix()],
                    )?;
                }
                (Some((task, _)), _, _) => {
                    tx.execute(
                        "UPDATE tasks SET target_folder_id = ?2 WHERE id = ?1",
                        params![task, target_folder_id],
                    )?;
                }
                (None, Some(folder), Some(uid)) => NewTask {
                    message_id: Some(id),
                    source: Some((folder, uid)),
                    target_folder_id: Some(target_folder_id),
                    ..NewTask::new(at.account_id, "move")
                }
                .insert(&tx, owner)?,
                // Not on the server (yet): nothing to move there.
                (None, _, _) => {}
            }
        }
        tx.commit()?;
        Ok(moved)
    }

    /// Deletes messages here for good, and queues their deletion on the
    /// server (POP3 mail is deleted there by the next sync when the
    /// account's policy says so). Returns how many were deleted.
    pub fn queue_delete(&mut self, message_ids: &[i64]) -> Result<usize, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let mut threads = HashSet::new();
        let mut deleted = 0;
        for &id in message_ids {
            let Some(at) = locate(&tx, id)? else {
                continue;
            };
            if at.imap {
                match (pending_move(&tx, id)?, at.folder_id, at.uid) {
                    // The server still holds it where the pending move started.
                    (Some((task, _)), _, _) => {
                        tx.execute(
                            "UPDATE tasks SET kind = 'delete', message_id = NULL, target_folder_id = NULL
                             WHERE id = ?1",
                            [task],
                        )?;
                    }
                    (None, Some(folder), Some(uid)) => NewTask {
                        source: Some((folder, uid)),
                        ..NewTask::new(at.account_id, "delete")
                    }
                    .insert(&tx, owner)?,
                    (None, _, _) => {}
                }
            }
            threads.extend(thread_of(&tx, id)?);
            tx.execute("DELETE FROM message_search WHERE rowid = ?1", [id])?;
            deleted += tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
        }
        refresh_threads(&tx, &threads)?;
        tx.commit()?;
        Ok(deleted)
    }

    /// The account's tasks whose remote half is due, oldest first.
    pub fn due_tasks(&self, account_id: i64) -> Result<Vec<DueTask>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, t.kind, t.message_id, sf.name, coalesce(t.source_uid, m.uid), tf.name,
                    t.flag_seen, t.flag_flagged, t.attempts
             FROM tasks t
             LEFT JOIN messages m ON m.id = t.message_id
             LEFT JOIN folders sf ON sf.id = coalesce(t.source_folder_id, m.folder_id)
             LEFT JOIN folders tf ON tf.id = t.target_folder_id
             WHERE t.account_id = ?1 AND t.state = 'pending' AND t.next_attempt_at <= ?2
               AND t.kind IN ('set_flags', 'move', 'delete')
             ORDER BY t.id",
        )?;
        let rows = stmt.query_map(params![account_id, now_unix()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                DueTask {
                    id: r.get(0)?,
                    kind: TaskKind::SetFlags,
                    message_id: r.get(2)?,
                    folder: r.get(3)?,
                    uid: r.get(4)?,
                    target_folder: r.get(5)?,
                    seen: r.get(6)?,
                    flagged: r.get(7)?,
                    attempts: r.get(8)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, mut task) = row?;
            task.kind = TaskKind::from_column(&kind).ok_or_else(|| StoreError::Corrupt {
                what: format!("task {id} has the unknown kind {kind:?}"),
            })?;
            out.push(task);
        }
        Ok(out)
    }

    /// The server did it.
    pub fn finish_task(&mut self, task_id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE tasks SET state = 'done', finished_at = ?2, last_error = NULL WHERE id = ?1",
            params![task_id, now_unix()],
        )?;
        Ok(())
    }

    /// The server could not do it now; try again at `next_attempt_at`.
    pub fn retry_task(
        &mut self,
        task_id: i64,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE tasks SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
            params![task_id, error, next_attempt_at],
        )?;
        Ok(())
    }

    /// The server refused for good: the task stops, and the local change is
    /// undone where the server's state would otherwise never come back (a
    /// move returns to its folder; a flag change makes the next sync compare
    /// the folder's flags in full). A delete needs nothing: the message is
    /// still on the server and the next sync fetches it again.
    pub fn fail_task(&mut self, task_id: i64, error: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE messages SET
                folder_id = (SELECT source_folder_id FROM tasks WHERE id = ?1),
                uid = (SELECT source_uid FROM tasks WHERE id = ?1)
             WHERE id = (SELECT message_id FROM tasks WHERE id = ?1 AND kind = 'move') AND uid IS NULL",
            [task_id],
        )?;
        tx.execute(
            "UPDATE folders SET highestmodseq = NULL
             WHERE id = (SELECT m.folder_id FROM tasks t JOIN messages m ON m.id = t.message_id
                         WHERE t.id = ?1 AND t.kind = 'set_flags')",
            [task_id],
        )?;
        tx.execute(
            "UPDATE tasks SET state = 'failed', attempts = attempts + 1, last_error = ?2, finished_at = ?3
             WHERE id = ?1",
            params![task_id, error, now_unix()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// UIDs in a folder that the server still holds but that were moved or
    /// deleted here: the sync must not fetch them again.
    pub fn pending_source_uids(&self, folder_id: i64) -> Result<HashSet<u32>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT source_uid FROM tasks
             WHERE source_folder_id = ?1 AND state = 'pending' AND source_uid IS NOT NULL",
        )?;
        let rows = stmt.query_map([folder_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Messages of a folder whose flag change has not reached the server:
    /// the server's flags for them are older than ours.
    pub fn messages_with_pending_flags(&self, folder_id: i64) -> Result<HashSet<i64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.message_id FROM tasks t JOIN messages m ON m.id = t.message_id
             WHERE m.folder_id = ?1 AND t.kind = 'set_flags' AND t.state = 'pending'",
        )?;
        let rows = stmt.query_map([folder_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Tasks waiting for the server or refused by it, newest first.
    pub fn open_tasks(&self, account_id: Option<i64>) -> Result<Vec<TaskSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, a.name, t.kind, t.message_id, t.state, t.attempts, t.last_error
             FROM tasks t JOIN accounts a ON a.id = t.account_id
             WHERE t.state IN ('pending', 'running', 'failed') AND (?1 IS NULL OR t.account_id = ?1)
               AND t.kind IN ('set_flags', 'move', 'delete')
             ORDER BY t.id DESC",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((
                r.get::<_, String>(2)?,
                TaskSummary {
                    id: r.get(0)?,
                    account: r.get(1)?,
                    kind: TaskKind::SetFlags,
                    message_id: r.get(3)?,
                    state: r.get(4)?,
                    attempts: r.get(5)?,
                    last_error: r.get(6)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, mut task) = row?;
            task.kind = TaskKind::from_column(&kind).ok_or_else(|| StoreError::Corrupt {
                what: format!("task {} has the unknown kind {kind:?}", task.id),
            })?;
            out.push(task);
        }
        Ok(out)
    }
}

//! Calendar events and interviews, and their Microsoft 365 sync bookkeeping
//! (issue 8): the Graph id and ETag of each synced event, tombstones of
//! synced events deleted here, the conflict log, and the sync state of the
//! dedicated calendar (`graph_sync_state`).
//!
//! An event needs pushing when it is not imported and either has no Graph
//! id and was never set aside, or was edited after it was last in step
//! (`updated_at > graph_synced_at`).

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::time::now_unix;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventAttendee {
    pub address: String,
    pub display_name: Option<String>,
    /// "required", "optional" or "resource".
    pub attendance: String,
}

/// What the user (or a pulled copy) sets on an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventInput {
    pub title: String,
    /// Unix seconds, UTC.
    pub starts_at: i64,
    pub ends_at: i64,
    /// IANA zone name.
    pub time_zone: String,
    pub is_all_day: bool,
    pub location: Option<String>,
    pub is_online_meeting: bool,
    pub notes: String,
    pub candidate_id: Option<i64>,
    pub job_id: Option<i64>,
    pub attendees: Vec<EventAttendee>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// In TypeScript, `Event` would shadow the DOM's `Event`.
#[cfg_attr(feature = "specta", specta(rename = "StoredEvent"))]
pub struct Event {
    pub id: i64,
    #[serde(flatten)]
    pub input: EventInput,
    pub is_imported: bool,
    pub graph_id: Option<String>,
    pub graph_etag: Option<String>,
    pub graph_transaction_id: Option<String>,
    pub graph_synced_at: Option<i64>,
    pub graph_remote_modified: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The sync state of one dedicated container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GraphSyncState {
    pub enabled: bool,
    pub account_id: Option<i64>,
    pub container_id: Option<String>,
    pub container_name: Option<String>,
    pub delta_link: Option<String>,
    pub window_start: Option<i64>,
    pub window_end: Option<i64>,
    pub initial_push_done: bool,
    pub last_synced_at: Option<i64>,
    pub last_error: Option<String>,
    pub disabled_reason: Option<String>,
}

/// One entry of the conflict log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GraphConflict {
    pub id: i64,
    pub resource: String,
    pub local_id: Option<i64>,
    pub graph_id: Option<String>,
    /// Which side won: "local" or "remote".
    pub winner: String,
    pub overwritten_title: String,
    pub overwritten_start: Option<i64>,
    pub overwritten_end: Option<i64>,
    pub detail: String,
    pub occurred_at: i64,
}

/// A synced item deleted here, waiting for its remote delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphDeletion {
    pub id: i64,
    pub graph_id: String,
    pub etag: Option<String>,
}

const EVENT_COLUMNS: &str = "id, title, starts_at, ends_at, time_zone, is_all_day, location,
    is_online_meeting, notes, candidate_id, job_id, is_imported, graph_id, graph_etag,
    graph_transaction_id, graph_synced_at, graph_remote_modified, created_at, updated_at";

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: row.get(0)?,
        input: EventInput {
            title: row.get(1)?,
            starts_at: row.get(2)?,
            ends_at: row.get(3)?,
            time_zone: row.get(4)?,
            is_all_day: row.get(5)?,
            location: row.get(6)?,
            is_online_meeting: row.get(7)?,
            notes: row.get(8)?,
            candidate_id: row.get(9)?,
            job_id: row.get(10)?,
            attendees: Vec::new(),
        },
        is_imported: row.get(11)?,
        graph_id: row.get(12)?,
        graph_etag: row.get(13)?,
        graph_transaction_id: row.get(14)?,
        graph_synced_at: row.get(15)?,
        graph_remote_modified: row.get(16)?,
        created_at: row.get(17)?,
        updated_at: row.get(18)?,
    })
}

fn attendees_of(conn: &Connection, event_id: i64) -> rusqlite::Result<Vec<EventAttendee>> {
    let mut stmt = conn.prepare_cached(
        "SELECT address, display_name, attendance FROM event_attendees
         WHERE event_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([event_id], |r| {
        Ok(EventAttendee {
            address: r.get(0)?,
            display_name: r.get(1)?,
            attendance: r.get(2)?,
        })
    })?;
    rows.collect()
}

fn write_attendees(
    conn: &Connection,
    event_id: i64,
    attendees: &[EventAttendee],
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM event_attendees WHERE event_id = ?1",
        [event_id],
    )?;
    let mut seen = std::collections::HashSet::new();
    let mut insert = conn.prepare_cached(
        "INSERT INTO event_attendees (event_id, position, address, address_normalized, display_name, attendance)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, a) in attendees.iter().enumerate() {
        let normalized = a.address.trim().to_lowercase();
        // Graph may send the same address in another case: one row per person.
        if normalized.is_empty() || !seen.insert(normalized.clone()) {
            continue;
        }
        let attendance = match a.attendance.to_ascii_lowercase().as_str() {
            "optional" => "optional",
            "resource" => "resource",
            _ => "required",
        };
        insert.execute(params![
            event_id,
            i64::try_from(position).unwrap_or(i64::MAX),
            a.address.trim(),
            normalized,
            a.display_name,
            attendance
        ])?;
    }
    Ok(())
}

fn with_attendees(conn: &Connection, mut events: Vec<Event>) -> rusqlite::Result<Vec<Event>> {
    for e in &mut events {
        e.input.attendees = attendees_of(conn, e.id)?;
    }
    Ok(events)
}

fn state_from_row(row: &Row<'_>) -> rusqlite::Result<GraphSyncState> {
    Ok(GraphSyncState {
        enabled: row.get(0)?,
        account_id: row.get(1)?,
        container_id: row.get(2)?,
        container_name: row.get(3)?,
        delta_link: row.get(4)?,
        window_start: row.get(5)?,
        window_end: row.get(6)?,
        initial_push_done: row.get(7)?,
        last_synced_at: row.get(8)?,
        last_error: row.get(9)?,
        disabled_reason: row.get(10)?,
    })
}

impl Store {
    /// Runs a query of `EVENT_COLUMNS` and reads the events with their
    /// attendees.
    fn select_events(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let events = stmt
            .query_map(params, event_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(with_attendees(&self.conn, events)?)
    }

    /// Creates an event owned by the local user. `imported`: from a file,
    /// never sent to Microsoft 365.
    pub fn insert_event(&mut self, input: &EventInput, imported: bool) -> Result<i64, StoreError> {
        self.insert_event_as(input, imported, None)
    }

    fn insert_event_as(
        &mut self,
        input: &EventInput,
        imported: bool,
        import_uid: Option<&str>,
    ) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let now = now_unix();
        tx.execute(
            "INSERT INTO events (owner_user_id, title, starts_at, ends_at, time_zone, is_all_day,
                location, is_online_meeting, notes, candidate_id, job_id, is_imported,
                import_uid, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            params![
                owner,
                input.title,
                input.starts_at,
                input.ends_at,
                input.time_zone,
                input.is_all_day,
                input.location,
                input.is_online_meeting,
                input.notes,
                input.candidate_id,
                input.job_id,
                imported,
                import_uid,
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        write_attendees(&tx, id, &input.attendees)?;
        tx.commit()?;
        Ok(id)
    }

    /// Replaces an event's fields (a local edit: it will be pushed).
    pub fn update_event(&mut self, id: i64, input: &EventInput) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE events SET title = ?2, starts_at = ?3, ends_at = ?4, time_zone = ?5,
                is_all_day = ?6, location = ?7, is_online_meeting = ?8, notes = ?9,
                candidate_id = ?10, job_id = ?11,
                updated_at = MAX(?12, COALESCE(graph_synced_at, 0) + 1, updated_at)
             WHERE id = ?1",
            params![
                id,
                input.title,
                input.starts_at,
                input.ends_at,
                input.time_zone,
                input.is_all_day,
                input.location,
                input.is_online_meeting,
                input.notes,
                input.candidate_id,
                input.job_id,
                now_unix()
            ],
        )?;
        if n > 0 {
            write_attendees(&tx, id, &input.attendees)?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    /// Deletes an event here; a synced one leaves a tombstone so its copy
    /// in Microsoft 365 is deleted on the next sync.
    pub fn delete_event(&mut self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM events WHERE id = ?1", [id])?
            > 0)
    }

    pub fn get_event(&self, id: i64) -> Result<Option<Event>, StoreError> {
        Ok(self
            .select_events(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"),
                [id],
            )?
            .pop())
    }

    pub fn event_by_graph_id(&self, graph_id: &str) -> Result<Option<Event>, StoreError> {
        Ok(self
            .select_events(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE graph_id = ?1"),
                [graph_id],
            )?
            .pop())
    }

    /// Events overlapping [from, to), by start time. An event ending exactly
    /// at `from` (a whole-day event ends at the next midnight) is not in it;
    /// one of no length starting at `from` is.
    pub fn list_events(&self, from: i64, to: i64) -> Result<Vec<Event>, StoreError> {
        self.select_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE (ends_at > ?1 OR starts_at >= ?1) AND starts_at < ?2
                 ORDER BY starts_at, id"
            ),
            [from, to],
        )
    }

    /// The events and interviews of a candidate or a job opening, by start.
    pub fn record_events(&self, record_id: i64) -> Result<Vec<Event>, StoreError> {
        // Two indexed lookups rather than one OR, which SQLite would scan.
        self.select_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE candidate_id = ?1
                 UNION
                 SELECT {EVENT_COLUMNS} FROM events WHERE job_id = ?1
                 ORDER BY starts_at, id"
            ),
            [record_id],
        )
    }

    /// Stores an event read from an .ics file under its iCalendar identity:
    /// a new imported event, or the update of the one an earlier import of
    /// the same file made. Returns its id and whether it is new.
    pub fn upsert_imported_event(
        &mut self,
        import_uid: &str,
        input: &EventInput,
    ) -> Result<(i64, bool), StoreError> {
        let existing: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM events WHERE import_uid = ?1",
                [import_uid],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(id) => {
                self.update_event(id, input)?;
                Ok((id, false))
            }
            None => Ok((self.insert_event_as(input, true, Some(import_uid))?, true)),
        }
    }

    /// Events that were never sent and never set aside, in the first sync's
    /// order: future ones soonest first, then past ones most recent first.
    pub fn events_never_synced(&self, now: i64) -> Result<Vec<Event>, StoreError> {
        self.select_events(
            &format!(
            "SELECT {EVENT_COLUMNS} FROM events
             WHERE is_imported = 0 AND graph_id IS NULL AND graph_synced_at IS NULL
             ORDER BY (ends_at < ?1), CASE WHEN ends_at < ?1 THEN -starts_at ELSE starts_at END, id"
            ),
            [now],
        )
    }

    /// Events created or edited here since they were last in step (not imported).
    pub fn events_to_push(&self) -> Result<Vec<Event>, StoreError> {
        self.select_events(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
             WHERE is_imported = 0
               AND ((graph_id IS NULL AND graph_synced_at IS NULL)
                    OR updated_at > COALESCE(graph_synced_at, 0))
             ORDER BY starts_at, id"
            ),
            [],
        )
    }

    /// Sets events aside from the first sync (beyond its limit): they stay
    /// here and are sent once edited.
    pub fn set_events_aside(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt =
                tx.prepare("UPDATE events SET graph_synced_at = updated_at WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Keeps the transactionId of a create before it is sent.
    pub fn set_event_transaction(
        &mut self,
        id: i64,
        transaction_id: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE events SET graph_transaction_id = ?2 WHERE id = ?1",
            params![id, transaction_id],
        )?;
        Ok(())
    }

    /// The event is in step with its Microsoft 365 copy.
    pub fn set_event_synced(
        &mut self,
        id: i64,
        graph_id: &str,
        etag: Option<&str>,
        change_key: Option<&str>,
        remote_modified: Option<i64>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE events SET graph_id = ?2, graph_etag = ?3, graph_change_key = ?4,
                graph_remote_modified = ?5, graph_transaction_id = NULL,
                graph_synced_at = MAX(updated_at, ?6)
             WHERE id = ?1",
            params![id, graph_id, etag, change_key, remote_modified, now_unix()],
        )?;
        Ok(())
    }

    /// Applies a copy pulled from Microsoft 365: updates the event with
    /// that Graph id, or creates it. Returns the local id.
    pub fn upsert_remote_event(
        &mut self,
        graph_id: &str,
        input: &EventInput,
        etag: Option<&str>,
        change_key: Option<&str>,
        remote_modified: Option<i64>,
    ) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let now = now_unix();
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM events WHERE graph_id = ?1",
                [graph_id],
                |r| r.get(0),
            )
            .optional()?;
        let id = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE events SET title = ?2, starts_at = ?3, ends_at = ?4, time_zone = ?5,
                        is_all_day = ?6, location = ?7, is_online_meeting = ?8, notes = ?9,
                        graph_etag = ?10, graph_change_key = ?11, graph_remote_modified = ?12,
                        updated_at = ?13, graph_synced_at = ?13
                     WHERE id = ?1",
                    params![
                        id,
                        input.title,
                        input.starts_at,
                        input.ends_at,
                        input.time_zone,
                        input.is_all_day,
                        input.location,
                        input.is_online_meeting,
                        input.notes,
                        etag,
                        change_key,
                        remote_modified,
                        now
                    ],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO events (owner_user_id, title, starts_at, ends_at, time_zone,
                        is_all_day, location, is_online_meeting, notes, graph_id, graph_etag,
                        graph_change_key, graph_remote_modified, created_at, updated_at,
                        graph_synced_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?14)",
                    params![
                        owner,
                        input.title,
                        input.starts_at,
                        input.ends_at,
                        input.time_zone,
                        input.is_all_day,
                        input.location,
                        input.is_online_meeting,
                        input.notes,
                        graph_id,
                        etag,
                        change_key,
                        remote_modified,
                        now
                    ],
                )?;
                tx.last_insert_rowid()
            }
        };
        write_attendees(&tx, id, &input.attendees)?;
        tx.commit()?;
        Ok(id)
    }

    /// Deletes the event whose Microsoft 365 copy was deleted (no tombstone).
    pub fn delete_remote_event(&mut self, graph_id: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM events WHERE graph_id = ?1",
                [graph_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = id {
            tx.execute("UPDATE events SET graph_id = NULL WHERE id = ?1", [id])?;
            tx.execute("DELETE FROM events WHERE id = ?1", [id])?;
        }
        tx.commit()?;
        Ok(id.is_some())
    }

    /// Every synced event: (local id, Graph id, start, end).
    pub fn synced_events(&self) -> Result<Vec<(i64, String, i64, i64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, graph_id, starts_at, ends_at FROM events WHERE graph_id IS NOT NULL",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn graph_deletions(&self, resource: &str) -> Result<Vec<GraphDeletion>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, graph_id, etag FROM graph_deletions WHERE resource = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([resource], |r| {
                Ok(GraphDeletion {
                    id: r.get(0)?,
                    graph_id: r.get(1)?,
                    etag: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn is_graph_deletion_pending(
        &self,
        resource: &str,
        graph_id: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM graph_deletions WHERE resource = ?1 AND graph_id = ?2",
                [resource, graph_id],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    pub fn clear_graph_deletion(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM graph_deletions WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Forgets one event's link (its Microsoft 365 copy is gone).
    pub fn unlink_event(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE events SET graph_id = NULL, graph_etag = NULL, graph_change_key = NULL,
                graph_transaction_id = NULL, graph_remote_modified = NULL
             WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    /// Forgets every link to Microsoft 365 copies of events (the calendar
    /// is gone): the events stay, and would be sent afresh to a new one.
    pub fn unlink_synced_events(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE events SET graph_id = NULL, graph_etag = NULL, graph_change_key = NULL,
                graph_transaction_id = NULL, graph_synced_at = NULL, graph_remote_modified = NULL",
            [],
        )?;
        tx.execute(
            "DELETE FROM graph_deletions WHERE resource = 'calendar'",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn record_graph_conflict(&mut self, conflict: &GraphConflict) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO graph_conflicts (resource, local_id, graph_id, winner, overwritten_title,
                overwritten_start, overwritten_end, detail, occurred_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                conflict.resource,
                conflict.local_id,
                conflict.graph_id,
                conflict.winner,
                conflict.overwritten_title,
                conflict.overwritten_start,
                conflict.overwritten_end,
                conflict.detail,
                conflict.occurred_at
            ],
        )?;
        Ok(())
    }

    pub fn graph_conflicts(&self, resource: &str) -> Result<Vec<GraphConflict>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, resource, local_id, graph_id, winner, overwritten_title, overwritten_start,
                overwritten_end, detail, occurred_at
             FROM graph_conflicts WHERE resource = ?1 ORDER BY occurred_at DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([resource], |r| {
                Ok(GraphConflict {
                    id: r.get(0)?,
                    resource: r.get(1)?,
                    local_id: r.get(2)?,
                    graph_id: r.get(3)?,
                    winner: r.get(4)?,
                    overwritten_title: r.get(5)?,
                    overwritten_start: r.get(6)?,
                    overwritten_end: r.get(7)?,
                    detail: r.get(8)?,
                    occurred_at: r.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The sync state of `resource` ("calendar" or "contacts").
    pub fn graph_sync_state(&self, resource: &str) -> Result<GraphSyncState, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT enabled, account_id, container_id, container_name, delta_link,
                    window_start, window_end, initial_push_done, last_synced_at, last_error,
                    disabled_reason
                 FROM graph_sync_state WHERE owner_user_id = ?1 AND resource = ?2",
                params![self.local_user_id(), resource],
                state_from_row,
            )
            .optional()?
            .unwrap_or_default())
    }

    pub fn save_graph_sync_state(
        &mut self,
        resource: &str,
        state: &GraphSyncState,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO graph_sync_state (owner_user_id, resource, enabled, account_id,
                container_id, container_name, delta_link, window_start, window_end,
                initial_push_done, last_synced_at, last_error, disabled_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (owner_user_id, resource) DO UPDATE SET
                enabled = ?3, account_id = ?4, container_id = ?5, container_name = ?6,
                delta_link = ?7, window_start = ?8, window_end = ?9, initial_push_done = ?10,
                last_synced_at = ?11, last_error = ?12, disabled_reason = ?13",
            params![
                self.local_user_id(),
                resource,
                state.enabled,
                state.account_id,
                state.container_id,
                state.container_name,
                state.delta_link,
                state.window_start,
                state.window_end,
                state.initial_push_done,
                state.last_synced_at,
                state.last_error,
                state.disabled_reason
            ],
        )?;
        Ok(())
    }

    /// A setting's value (the `settings` table), e.g. the Graph base URL.
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?;
        Ok(())
    }
}

//! The users table. Every message and record has an owner; on a single desktop
//! that is the local user, created with the database.

use rusqlite::{Connection, OptionalExtension, params};

use crate::time::now_unix;

/// The id of the local user, creating the row on first use.
pub(crate) fn ensure_local_user(conn: &Connection) -> rusqlite::Result<i64> {
    let existing: Option<i64> = conn
        .query_row("SELECT id FROM users WHERE is_local = 1", [], |row| {
            row.get(0)
        })
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO users (display_name, is_local, created_at) VALUES (?1, 1, ?2)",
        params!["Me", now_unix()],
    )?;
    Ok(conn.last_insert_rowid())
}

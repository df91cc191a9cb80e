//! Message templates: a name, a subject and a body with merge fields. The
//! fields are checked and filled in by candor-core.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub updated_at: i64,
}

/// A template from `SELECT id, name, subject, body, updated_at`.
fn template_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: r.get(0)?,
        name: r.get(1)?,
        subject: r.get(2)?,
        body: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

impl Store {
    /// Saves a template under `name`, replacing one of the same name.
    pub fn save_template(
        &mut self,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let now = now_unix();
        self.conn.execute(
            "INSERT INTO templates (owner_user_id, name, subject, body, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (name) DO UPDATE SET subject = excluded.subject, body = excluded.body,
                                              updated_at = excluded.updated_at",
            params![owner, name, subject, body, now],
        )?;
        Ok(self
            .conn
            .query_row("SELECT id FROM templates WHERE name = ?1", [name], |r| {
                r.get(0)
            })?)
    }

    pub fn templates(&self) -> Result<Vec<Template>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, name, subject, body, updated_at FROM templates ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], template_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn template_by_name(&self, name: &str) -> Result<Option<Template>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, subject, body, updated_at FROM templates WHERE name = ?1",
                [name],
                template_row,
            )
            .optional()?)
    }
}

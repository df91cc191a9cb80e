//! Drafts: what the user is writing, kept as they type.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::time::now_unix;
use crate::{Store, StoreError};

/// A draft's fields, as the compose form holds them (address lists as typed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftFields {
    pub account: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
}

/// A saved draft and where it was written from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    pub context: String,
    pub fields: DraftFields,
    /// Unix seconds of the last save.
    pub updated_at: i64,
}

impl Store {
    /// Saves (or replaces) the draft written from `context`.
    pub fn save_draft(&mut self, context: &str, f: &DraftFields) -> Result<i64, StoreError> {
        let now = now_unix();
        self.conn.execute(
            "INSERT INTO drafts (owner_user_id, context, account, to_list, cc_list, bcc_list, subject, body, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (context) DO UPDATE SET account = excluded.account, to_list = excluded.to_list,
                cc_list = excluded.cc_list, bcc_list = excluded.bcc_list, subject = excluded.subject,
                body = excluded.body, updated_at = excluded.updated_at",
            params![
                self.local_user_id(),
                context,
                f.account,
                f.to,
                f.cc,
                f.bcc,
                f.subject,
                f.body,
                now
            ],
        )?;
        Ok(now)
    }

    pub fn draft(&self, context: &str) -> Result<Option<Draft>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT context, account, to_list, cc_list, bcc_list, subject, body, updated_at
                 FROM drafts WHERE context = ?1",
                [context],
                draft_row,
            )
            .optional()?)
    }

    /// Every draft, most recently saved first.
    pub fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT context, account, to_list, cc_list, bcc_list, subject, body, updated_at
             FROM drafts ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], draft_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletes the draft written from `context`; whether there was one.
    pub fn delete_draft(&mut self, context: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM drafts WHERE context = ?1", [context])?
            > 0)
    }
}

fn draft_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Draft> {
    Ok(Draft {
        context: r.get(0)?,
        fields: DraftFields {
            account: r.get(1)?,
            to: r.get(2)?,
            cc: r.get(3)?,
            bcc: r.get(4)?,
            subject: r.get(5)?,
            body: r.get(6)?,
        },
        updated_at: r.get(7)?,
    })
}

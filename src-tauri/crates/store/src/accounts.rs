//! Mail accounts. Credentials never live here (they go to the OS keyring).

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountSummary {
    pub id: i64,
    pub name: String,
    pub email_address: String,
    /// "imap", "pop3" or "local".
    pub protocol: String,
    pub status: String,
    pub last_sync_at: Option<i64>,
    pub last_error: Option<String>,
    pub message_count: i64,
}

impl Store {
    /// Creates an account that holds imported mail and talks to no server.
    pub fn insert_local_account(&mut self, name: &str, email: &str) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        self.conn.execute(
            "INSERT INTO accounts (owner_user_id, name, email_address, incoming_protocol, status, created_at)
             VALUES (?1, ?2, ?3, 'local', 'connected', ?4)",
            params![owner, name, email, now_unix()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn account_id_by_name(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn list_accounts(&self) -> Result<Vec<AccountSummary>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.name, a.email_address, a.incoming_protocol, a.status, a.last_sync_at, a.last_error,
                    (SELECT count(*) FROM messages m WHERE m.account_id = a.id)
             FROM accounts a ORDER BY a.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AccountSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                email_address: r.get(2)?,
                protocol: r.get(3)?,
                status: r.get(4)?,
                last_sync_at: r.get(5)?,
                last_error: r.get(6)?,
                message_count: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The user's own addresses (every account's), normalised: threading
    /// must not join conversations just because the user is on both.
    pub fn own_addresses(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT lower(trim(email_address)) FROM accounts")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

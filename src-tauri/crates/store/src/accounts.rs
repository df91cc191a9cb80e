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

/// A server account as entered (credentials are stored separately).
#[derive(Debug, Clone)]
pub struct NewServerAccount {
    pub name: String,
    pub email: String,
    /// "imap" or "pop3".
    pub protocol: String,
    pub host: String,
    pub port: u16,
    /// "tls", "starttls" or "none".
    pub security: String,
    pub username: String,
    pub pinned_certificate_pem: Option<String>,
    /// POP3: delete from the server this many days after downloading.
    pub pop3_delete_after_days: Option<u32>,
    /// POP3: delete from the server when deleted here.
    pub pop3_delete_when_deleted_here: bool,
    /// The SMTP server (host, port, security), with the incoming server's
    /// user name and password.
    pub outgoing: Option<(String, u16, String)>,
}

/// How to reach an account's outgoing (SMTP) server. The user name and
/// password are the incoming server's.
#[derive(Debug, Clone)]
pub struct OutgoingServer {
    pub account_id: i64,
    pub name: String,
    pub email_address: String,
    pub host: String,
    pub port: u16,
    pub security: String,
    pub username: String,
    pub incoming_protocol: String,
    pub incoming_host: Option<String>,
    pub pinned_certificate_pem: Option<String>,
    /// Added below what the user writes.
    pub signature: Option<String>,
}

/// How to reach an account's incoming server.
#[derive(Debug, Clone)]
pub struct IncomingServer {
    pub account_id: i64,
    pub name: String,
    pub protocol: String,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub security: Option<String>,
    pub username: Option<String>,
    pub pinned_certificate_pem: Option<String>,
    pub pop3_delete_after_days: Option<u32>,
    pub pop3_delete_when_deleted_here: bool,
}

impl Store {
    pub fn insert_server_account(&mut self, a: &NewServerAccount) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        insert_server_account_on(&self.conn, owner, a)
    }

    pub fn incoming_server(&self, account_id: i64) -> Result<Option<IncomingServer>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, incoming_protocol, incoming_host, incoming_port, incoming_security,
                        incoming_username, pinned_certificate_pem, pop3_delete_after_days,
                        pop3_delete_when_deleted_here
                 FROM accounts WHERE id = ?1",
                [account_id],
                |r| {
                    Ok(IncomingServer {
                        account_id,
                        name: r.get(0)?,
                        protocol: r.get(1)?,
                        host: r.get(2)?,
                        port: r.get(3)?,
                        security: r.get(4)?,
                        username: r.get(5)?,
                        pinned_certificate_pem: r.get(6)?,
                        pop3_delete_after_days: r.get(7)?,
                        pop3_delete_when_deleted_here: r.get(8)?,
                    })
                },
            )
            .optional()?)
    }

    /// The account's SMTP server, if it has one.
    pub fn outgoing_server(&self, account_id: i64) -> Result<Option<OutgoingServer>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, email_address, outgoing_host, outgoing_port, outgoing_security,
                        coalesce(outgoing_username, incoming_username), incoming_protocol, incoming_host,
                        pinned_certificate_pem, signature_text
                 FROM accounts WHERE id = ?1 AND outgoing_host IS NOT NULL",
                [account_id],
                |r| {
                    Ok(OutgoingServer {
                        account_id,
                        name: r.get(0)?,
                        email_address: r.get(1)?,
                        host: r.get(2)?,
                        port: r.get(3)?,
                        security: r.get(4)?,
                        username: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                        incoming_protocol: r.get(6)?,
                        incoming_host: r.get(7)?,
                        pinned_certificate_pem: r.get(8)?,
                        signature: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }

    /// Sets (or with `None` removes) the account's signature.
    pub fn set_signature(
        &mut self,
        account_id: i64,
        signature: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE accounts SET signature_text = ?2 WHERE id = ?1",
            params![account_id, signature],
        )?;
        Ok(())
    }

    /// Records the outcome of a sync or connection attempt.
    pub fn set_account_status(
        &mut self,
        account_id: i64,
        status: &str,
        last_error: Option<&str>,
        synced: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE accounts SET status = ?2, last_error = ?3,
                last_sync_at = CASE WHEN ?4 THEN ?5 ELSE last_sync_at END
             WHERE id = ?1",
            params![account_id, status, last_error, synced, now_unix()],
        )?;
        Ok(())
    }

    /// How the account signs in: "password", "oauth_google" or "oauth_microsoft".
    pub fn auth_kind(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT auth_kind FROM accounts WHERE id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Adds a server account that signs in with OAuth (`auth_kind` is
    /// "oauth_google" or "oauth_microsoft"); it needs a sign-in before it syncs.
    pub fn insert_oauth_account(
        &mut self,
        a: &NewServerAccount,
        auth_kind: &str,
    ) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let id = insert_server_account_on(&tx, owner, a)?;
        tx.execute(
            "UPDATE accounts SET auth_kind = ?2, status = 'needs_sign_in' WHERE id = ?1",
            params![id, auth_kind],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Trusts (or with `None` stops trusting) a server certificate for the
    /// account's servers.
    pub fn set_pinned_certificate(
        &mut self,
        account_id: i64,
        pem: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE accounts SET pinned_certificate_pem = ?2 WHERE id = ?1",
            params![account_id, pem],
        )?;
        Ok(())
    }

    /// The account's status ("new", "connected", "needs_password", ...).
    pub fn account_status(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT status FROM accounts WHERE id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Passphrase mode only: the account's secret inside the encrypted database.
    pub fn set_account_secret(&mut self, account_id: i64, secret: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO account_secrets (account_id, secret) VALUES (?1, ?2)
             ON CONFLICT (account_id) DO UPDATE SET secret = ?2",
            params![account_id, secret],
        )?;
        Ok(())
    }

    pub fn account_secret(
        &self,
        account_id: i64,
    ) -> Result<Option<zeroize::Zeroizing<String>>, StoreError> {
        let secret: Option<String> = self
            .conn
            .query_row(
                "SELECT secret FROM account_secrets WHERE account_id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(secret.map(zeroize::Zeroizing::new))
    }

    /// Disconnects an account. With `keep_mail` its mail stays here as a
    /// local account (no server, nothing left to sync, its waiting actions
    /// cancelled); without, the account and all its mail are deleted.
    /// Secrets in the database go either way; the keyring's are the
    /// caller's to remove.
    pub fn remove_account(&mut self, account_id: i64, keep_mail: bool) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        if keep_mail {
            tx.execute(
                "UPDATE accounts SET incoming_protocol = 'local', incoming_host = NULL, incoming_port = NULL,
                    incoming_security = NULL, incoming_username = NULL, outgoing_host = NULL,
                    outgoing_port = NULL, outgoing_security = NULL, outgoing_username = NULL,
                    pinned_certificate_pem = NULL, status = 'disconnected', last_error = NULL
                 WHERE id = ?1",
                [account_id],
            )?;
            tx.execute(
                "DELETE FROM account_secrets WHERE account_id = ?1",
                [account_id],
            )?;
            tx.execute("DELETE FROM pop3_seen WHERE account_id = ?1", [account_id])?;
            tx.execute(
                "UPDATE tasks SET state = 'cancelled', finished_at = ?2
                 WHERE account_id = ?1 AND state IN ('pending', 'running')",
                params![account_id, now_unix()],
            )?;
            tx.execute(
                "UPDATE folders SET uidvalidity = NULL, uidnext = NULL, highestmodseq = NULL
                 WHERE account_id = ?1",
                [account_id],
            )?;
        } else {
            // The search index is a virtual table: no cascade reaches it.
            tx.execute(
                "DELETE FROM message_search WHERE rowid IN (SELECT id FROM messages WHERE account_id = ?1)",
                [account_id],
            )?;
            tx.execute("DELETE FROM accounts WHERE id = ?1", [account_id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every account id, in name order.
    pub fn account_ids(&self) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM accounts ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Store {
    /// POP3: every UIDL seen for the account, with when it was first
    /// downloaded and whether it was deleted from the server since.
    pub fn pop3_seen(
        &self,
        account_id: i64,
    ) -> Result<std::collections::HashMap<String, (i64, bool)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT uidl, first_seen_at, deleted_on_server_at IS NOT NULL FROM pop3_seen WHERE account_id = ?1",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn mark_pop3_seen(&mut self, account_id: i64, uidl: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO pop3_seen (account_id, uidl, first_seen_at) VALUES (?1, ?2, ?3)",
            params![account_id, uidl, now_unix()],
        )?;
        Ok(())
    }

    /// POP3: UIDLs of messages the user deleted here that the server still
    /// holds (downloaded, no longer stored, not yet deleted there).
    pub fn pop3_deleted_here(&self, account_id: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT s.uidl FROM pop3_seen s
             WHERE s.account_id = ?1 AND s.deleted_on_server_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.account_id = s.account_id AND m.pop3_uidl = s.uidl)
             ORDER BY s.uidl",
        )?;
        let rows = stmt.query_map([account_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn mark_pop3_deleted(&mut self, account_id: i64, uidl: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE pop3_seen SET deleted_on_server_at = ?3 WHERE account_id = ?1 AND uidl = ?2",
            params![account_id, uidl, now_unix()],
        )?;
        Ok(())
    }
}

fn insert_server_account_on(
    conn: &rusqlite::Connection,
    owner: i64,
    a: &NewServerAccount,
) -> Result<i64, StoreError> {
    conn.execute(
            "INSERT INTO accounts (owner_user_id, name, email_address, incoming_protocol, incoming_host,
                incoming_port, incoming_security, incoming_username, pinned_certificate_pem, created_at,
                pop3_leave_on_server, pop3_delete_after_days, pop3_delete_when_deleted_here,
                outgoing_host, outgoing_port, outgoing_security, outgoing_username)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                owner,
                a.name,
                a.email,
                a.protocol,
                a.host,
                a.port,
                a.security,
                a.username,
                a.pinned_certificate_pem,
                now_unix(),
                a.pop3_delete_after_days.is_none() && !a.pop3_delete_when_deleted_here,
                a.pop3_delete_after_days,
                a.pop3_delete_when_deleted_here,
                a.outgoing.as_ref().map(|o| &o.0),
                a.outgoing.as_ref().map(|o| o.1),
                a.outgoing.as_ref().map(|o| &o.2),
                a.outgoing.as_ref().map(|_| &a.username),
            ],
        )?;
    Ok(conn.last_insert_rowid())
}

//! The durable outbox. A message is fixed here, raw bytes, Message-ID and
//! envelope, before any network work, so no crash can lose it; its state
//! says how far sending got, so no restart sends it twice:
//!
//! - `queued`: waiting for `send_at` / `next_attempt_at`;
//! - `sending`: connecting and logging in; nothing of the message has left,
//!   so after a crash it is simply sent;
//! - `unknown`: the message was being handed over when the process stopped;
//!   the sender looks for it in the Sent folder by Message-ID before any
//!   resend;
//! - `sent`, `failed` (a permanent refusal, with the server's words),
//!   `cancelled`.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

/// A message to queue, built and validated by the caller.
#[derive(Debug, Clone)]
pub struct NewOutgoing {
    pub account_id: i64,
    pub message_id_header: String,
    pub raw: Vec<u8>,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub send_at: i64,
    pub replying_to: Option<i64>,
}

/// An attachment of a stored message, for forwarding it.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    /// Its place among the message's parts.
    pub position: i64,
    pub filename: Option<String>,
    pub content_type: String,
    pub data: crate::messages::AttachmentBytes,
}

/// A queued message as the sender needs it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub message_id_header: String,
    pub raw: Vec<u8>,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub state: String,
    pub attempts: u32,
}

/// One line of `candor outbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutboxEntry {
    pub id: i64,
    pub account: String,
    pub message_id_header: String,
    pub subject: String,
    pub recipients: Vec<String>,
    pub state: String,
    pub send_at: i64,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

impl Store {
    /// Queues a message; returns its outbox id.
    pub fn queue_outgoing(&mut self, m: &NewOutgoing) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let now = now_unix();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO outbox (owner_user_id, account_id, message_id_header, raw, state, send_at,
                                 next_attempt_at, created_at, envelope_from, subject, replying_to)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5, ?6, ?7, ?8, ?9)",
            params![
                owner,
                m.account_id,
                m.message_id_header,
                m.raw,
                m.send_at,
                now,
                m.envelope_from,
                m.subject,
                m.replying_to
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut add = tx.prepare(
                "INSERT OR IGNORE INTO outbox_recipients (outbox_id, address) VALUES (?1, ?2)",
            )?;
            for r in &m.recipients {
                add.execute(params![id, r])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// The account's messages to send now: queued ones that are due (all
    /// queued ones with `everything_queued`, for "send now"), and any a
    /// crash left half-way.
    pub fn due_outgoing(
        &self,
        account_id: i64,
        everything_queued: bool,
    ) -> Result<Vec<Outgoing>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, message_id_header, raw, envelope_from, state, attempts FROM outbox
             WHERE account_id = ?1
               AND (state IN ('sending', 'unknown')
                    OR (state = 'queued' AND (?3 OR (send_at <= ?2 AND next_attempt_at <= ?2))))
             ORDER BY send_at, id",
        )?;
        let rows = stmt.query_map(params![account_id, now_unix(), everything_queued], |r| {
            Ok(Outgoing {
                id: r.get(0)?,
                message_id_header: r.get(1)?,
                raw: r.get(2)?,
                envelope_from: r.get(3)?,
                recipients: Vec::new(),
                state: r.get(4)?,
                attempts: r.get(5)?,
            })
        })?;
        let mut out: Vec<Outgoing> = rows.collect::<Result<_, _>>()?;
        for m in &mut out {
            m.recipients = self.outbox_recipients(m.id)?;
        }
        Ok(out)
    }

    /// Every envelope recipient of a queued message, in the order given.
    fn outbox_recipients(&self, outbox_id: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT address FROM outbox_recipients WHERE outbox_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([outbox_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Moves a message to `state` ("sending", "unknown", "sent", "failed",
    /// "queued" for a retry at `next_attempt_at`), with the reason if any.
    pub fn set_outgoing_state(
        &mut self,
        id: i64,
        state: &str,
        error: Option<&str>,
        next_attempt_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let now = now_unix();
        self.conn.execute(
            "UPDATE outbox SET state = ?2, last_error = coalesce(?3, last_error),
                attempts = attempts + (?2 IN ('queued', 'failed')),
                next_attempt_at = coalesce(?4, next_attempt_at),
                sent_at = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_at END
             WHERE id = ?1",
            params![id, state, error, next_attempt_at, now],
        )?;
        Ok(())
    }

    /// When the outbox next has something to send, and for which account
    /// (Unix seconds; the earliest queued message's time or retry).
    pub fn next_outgoing(&self) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT account_id, max(send_at, next_attempt_at) AS due FROM outbox
                 WHERE state = 'queued' ORDER BY due LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Cancels a message that has not started going out. Returns false
    /// when it is too late (sending, sent) or it does not exist.
    pub fn cancel_outgoing(&mut self, id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "UPDATE outbox SET state = 'cancelled' WHERE id = ?1 AND state = 'queued'",
            [id],
        )? == 1)
    }

    /// The outbox, newest first: everything not yet sent, and the last
    /// hundred sent or given up.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT o.id, a.name, o.message_id_header, o.subject, o.state, o.send_at, o.attempts,
                    o.last_error, o.sent_at
             FROM outbox o JOIN accounts a ON a.id = o.account_id
             WHERE o.state IN ('queued', 'sending', 'unknown')
                OR o.id IN (SELECT id FROM outbox WHERE state IN ('sent', 'failed', 'cancelled')
                            ORDER BY id DESC LIMIT 100)
             ORDER BY o.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxEntry {
                id: r.get(0)?,
                account: r.get(1)?,
                message_id_header: r.get(2)?,
                subject: r.get(3)?,
                recipients: Vec::new(),
                state: r.get(4)?,
                send_at: r.get(5)?,
                attempts: r.get(6)?,
                last_error: r.get(7)?,
                sent_at: r.get(8)?,
            })
        })?;
        let mut out: Vec<OutboxEntry> = rows.collect::<Result<_, _>>()?;
        for e in &mut out {
            e.recipients = self.outbox_recipients(e.id)?;
        }
        Ok(out)
    }

    /// The outbox entry with this id, if it is unsent or recent.
    pub fn outbox_entry(&self, id: i64) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self.outbox()?.into_iter().find(|e| e.id == id))
    }

    /// The Message-ID header of a stored message (without brackets).
    pub fn message_id_header_of(&self, message_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT message_id_header FROM messages WHERE id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// The local message with this Message-ID header, if any (the newest).
    pub fn message_by_header(&self, message_id_header: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM messages WHERE message_id_header = ?1 ORDER BY id DESC LIMIT 1",
                [message_id_header
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The References header of a stored message (ids without brackets).
    pub fn references_of(&self, message_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT references_header FROM messages WHERE id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// A stored message's addresses by role ("from", "reply_to", "to",
    /// "cc"), each with its display name, in header order.
    pub fn message_addresses(
        &self,
        message_id: i64,
    ) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT role, address, display_name FROM message_addresses
             WHERE message_id = ?1 ORDER BY role, position",
        )?;
        let rows = stmt.query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A stored message's attachments (not inline images): name, type, bytes.
    pub fn message_attachments(
        &self,
        message_id: i64,
    ) -> Result<Vec<StoredAttachment>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT position, filename, content_type, data, in_source, size_bytes FROM attachments
             WHERE message_id = ?1 AND is_inline = 0 ORDER BY position",
        )?;
        let rows = stmt.query_map([message_id], |r| {
            Ok(StoredAttachment {
                position: r.get(0)?,
                filename: r.get(1)?,
                content_type: r.get(2)?,
                data: crate::messages::AttachmentBytes::from_columns(
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! Messages: the projection of each message (typed columns), its addresses,
//! bodies, attachments, raw source and search row, written in one transaction.
//! The projection itself is made by candor-mail; this module only stores it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

/// The role of an address on a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressRole {
    From,
    Sender,
    ReplyTo,
    To,
    Cc,
    Bcc,
}

impl AddressRole {
    fn as_str(self) -> &'static str {
        match self {
            Self::From => "from",
            Self::Sender => "sender",
            Self::ReplyTo => "reply_to",
            Self::To => "to",
            Self::Cc => "cc",
            Self::Bcc => "bcc",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewAddress {
    pub role: AddressRole,
    pub address: String,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: Option<String>,
    pub content_type: String,
    pub content_id: Option<String>,
    pub is_inline: bool,
    pub data: AttachmentBytes,
}

/// Where a part's decoded bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentBytes {
    /// Stored decoded beside the message (images the body shows inline,
    /// which are wanted every time the message is read).
    Stored(Vec<u8>),
    /// Left encoded in the message's raw source, which is always kept, and
    /// decoded from it when wanted: storing them decoded too would double
    /// the bytes a sync writes and encrypts. `size` is the decoded size.
    InSource { size: u64 },
}

impl AttachmentBytes {
    /// The decoded size in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Self::Stored(data) => data.len() as u64,
            Self::InSource { size } => *size,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the `data`, `in_source` and `size_bytes` columns.
    pub(crate) fn from_columns(data: Vec<u8>, in_source: bool, size_bytes: i64) -> Self {
        if in_source {
            Self::InSource {
                size: u64::try_from(size_bytes).unwrap_or(0),
            }
        } else {
            Self::Stored(data)
        }
    }
}

/// Everything stored for one message.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub account_id: i64,
    pub folder_id: i64,
    pub uid: Option<i64>,
    /// POP3's unique id for the message on the server.
    pub pop3_uidl: Option<String>,
    pub message_id_header: Option<String>,
    /// Message-IDs without angle brackets, space-separated.
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub subject: String,
    pub sent_at: Option<i64>,
    pub received_at: i64,
    pub is_seen: bool,
    pub is_flagged: bool,
    pub is_answered: bool,
    pub is_draft: bool,
    pub addresses: Vec<NewAddress>,
    pub text_plain: Option<String>,
    pub text_html: Option<String>,
    pub attachments: Vec<NewAttachment>,
    pub parse_error: Option<String>,
    pub raw: Vec<u8>,
    /// `raw` hashed and compressed ahead of storing (see
    /// [`NewMessage::prepare_source`]); None to have the store do it.
    pub prepared_source: Option<StoredSource>,
}

impl NewMessage {
    /// Hashes and compresses the raw source now: CPU work that the sync
    /// does on its parsing task, while the previous batch is being stored,
    /// instead of under the store's lock.
    pub fn prepare_source(&mut self) {
        self.prepared_source = Some(StoredSource::of(&self.raw));
    }
}

/// A raw source as the store keeps it: its SHA-256 (by which imported mail
/// is known again) and its bytes, zstd-compressed when that makes them
/// smaller. Compression is lossless: `message_raw` gives back the source
/// byte for byte.
#[derive(Debug, Clone)]
pub struct StoredSource {
    sha256: String,
    /// Compressed bytes; None when compressing gained nothing (or failed),
    /// and the raw bytes are stored as they are.
    compressed: Option<Vec<u8>>,
}

impl StoredSource {
    /// Level 1 compresses about 400 MB/s on one core, and gains nearly all
    /// that higher levels would on mail (base64 and text).
    const LEVEL: i32 = 1;

    pub fn of(raw: &[u8]) -> Self {
        Self {
            sha256: source_sha256(raw),
            compressed: Self::compress(raw),
        }
    }

    /// The compressed bytes, or None when compressing gains nothing.
    fn compress(raw: &[u8]) -> Option<Vec<u8>> {
        thread_local! {
            // One compression context a thread, used for every message:
            // making one for each cost about 1% of a first sync's CPU.
            static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> =
                const { RefCell::new(None) };
        }
        COMPRESSOR
            .with_borrow_mut(|compressor| {
                if compressor.is_none() {
                    *compressor = zstd::bulk::Compressor::new(Self::LEVEL).ok();
                }
                compressor.as_mut()?.compress(raw).ok()
            })
            .filter(|c| c.len() < raw.len())
    }
}

fn source_sha256(raw: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(raw))
}

/// What happened to a message handed to [`Store::insert_message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// Already stored: the same folder and UID, or for imported mail the same
    /// raw source in this account; or a message the user moved into this
    /// folder, which now takes the UID the server gave it.
    Duplicate(i64),
}

impl Inserted {
    /// The message's id, whether just stored or stored before.
    pub fn id(self) -> i64 {
        match self {
            Self::New(id) | Self::Duplicate(id) => id,
        }
    }
}

/// What threading needs of one stored message.
#[derive(Debug, Clone)]
pub struct ThreadingRow {
    pub id: i64,
    pub message_id_header: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub subject: String,
    pub date: i64,
    pub participants: Vec<String>,
    /// The group the user put this message in (split or merge), if any.
    pub pinned_group: Option<i64>,
}

/// One line of a thread list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreadSummary {
    pub id: i64,
    pub subject: String,
    /// Unix seconds of the newest message.
    pub latest_at: i64,
    pub message_count: i64,
    pub unread_count: i64,
    /// Some message of the thread is flagged.
    pub is_flagged: bool,
    /// Some message of the thread carries an attachment (inline images aside).
    pub has_attachment: bool,
    /// Display names (or addresses) of the senders, in order of first message.
    pub participants: Vec<String>,
    /// The Message-IDs of the thread's messages, oldest first.
    pub message_ids: Vec<String>,
}

/// One message as a conversation view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageView {
    pub id: i64,
    pub thread_id: Option<i64>,
    pub account_id: i64,
    pub folder: Option<String>,
    pub message_id_header: Option<String>,
    pub subject: String,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub sent_at: Option<i64>,
    pub received_at: i64,
    pub is_seen: bool,
    pub is_flagged: bool,
    pub text_plain: Option<String>,
    pub has_html: bool,
    pub attachment_names: Vec<String>,
    /// The attachments to list, open and save (inline images aside: the
    /// HTML body shows them).
    pub attachments: Vec<AttachmentInfo>,
    pub parse_error: Option<String>,
}

/// An attachment as a conversation lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttachmentInfo {
    /// Its place in the message, to ask for its contents.
    pub position: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// An attachment's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentData {
    pub filename: Option<String>,
    pub content_type: String,
    pub data: AttachmentBytes,
}

/// Which threads to list.
#[derive(Debug, Clone, Default)]
pub struct ThreadFilter {
    pub account_id: Option<i64>,
    /// A folder role ("inbox", "sent", ...) or a folder name.
    pub folder: Option<String>,
    /// One folder by id (the Email tab's folder list knows ids).
    pub folder_id: Option<i64>,
    /// The next page: threads listed after this (latest_at, id), the last
    /// line of the previous page. Keyset paging stays fast deep in a
    /// 100,000-message list, where OFFSET would walk every skipped row.
    pub after: Option<(i64, i64)>,
    pub limit: u32,
}

/// A search, already parsed from the user's query by candor-core.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Words and "quoted phrases" to find anywhere.
    pub terms: Vec<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub subject: Vec<String>,
    pub has_attachment: bool,
    pub before: Option<i64>,
    pub after: Option<i64>,
    /// A folder role or name.
    pub folder: Option<String>,
    pub limit: u32,
}

impl Store {
    /// Creates the folder if needed and returns its id.
    pub fn ensure_folder(
        &mut self,
        account_id: i64,
        name: &str,
        role: Option<&str>,
    ) -> Result<i64, StoreError> {
        let existing: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM folders WHERE account_id = ?1 AND name = ?2",
                params![account_id, name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        self.conn.execute(
            "INSERT INTO folders (account_id, name, role) VALUES (?1, ?2, ?3)",
            params![account_id, name, role],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Stores a message with everything that belongs to it, once: the same
    /// raw source for the same account is recognised and not stored again.
    pub fn insert_message(&mut self, m: &NewMessage) -> Result<Inserted, StoreError> {
        Ok(self.insert_messages(std::slice::from_ref(m))?[0])
    }

    /// Stores several messages in one transaction (a sync's batch, an
    /// import's chunk): all of them or, after a crash, none. One commit for
    /// many messages writes each shared page (indexes, the search index)
    /// once instead of once per message, which matters with every page
    /// encrypted and authenticated.
    pub fn insert_messages(
        &mut self,
        messages: &[NewMessage],
    ) -> Result<Vec<Inserted>, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(messages.len());
        for m in messages {
            out.push(insert_in(&tx, owner, m)?);
        }
        // The full-text rows go in last. FTS5 keeps a transaction's new rows
        // in memory and writes them as one segment at commit, but any
        // statement that needs a statement journal (an insert checked by
        // foreign keys, an INSERT ... SELECT) makes it write what it holds
        // first: interleaved with the other inserts, every message became a
        // segment of its own, and merging 20,000 tiny segments was about a
        // quarter of a first sync.
        for (m, inserted) in messages.iter().zip(&out) {
            if let Inserted::New(id) = inserted {
                index_for_search(&tx, *id, m)?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Whether some stored message belongs to no conversation yet.
    pub fn has_unthreaded_messages(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE thread_id IS NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// What threading needs of every stored message.
    pub fn threading_rows(&self) -> Result<Vec<ThreadingRow>, StoreError> {
        let mut participants: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT message_id, address_normalized FROM message_addresses WHERE role IN ('from', 'to', 'cc')",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, address) = row?;
            participants.entry(id).or_default().push(address);
        }
        let mut stmt = self.conn.prepare(
            "SELECT id, message_id_header, in_reply_to, references_header, subject, coalesce(sent_at, received_at),
                    pinned_group
             FROM messages ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ThreadingRow {
                id: r.get(0)?,
                message_id_header: r.get(1)?,
                in_reply_to: r.get(2)?,
                references: r.get(3)?,
                subject: r.get(4)?,
                date: r.get(5)?,
                participants: Vec::new(),
                pinned_group: r.get(6)?,
            })
        })?;
        let mut out: Vec<ThreadingRow> = rows.collect::<Result<_, _>>()?;
        for row in &mut out {
            row.participants = participants.remove(&row.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// Splits a message off its conversation: from now on it (and the
    /// replies to it) form a conversation of their own, whatever their
    /// references say. The caller rebuilds the conversations.
    pub fn split_message(&mut self, message_id: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let key = fresh_group_key(&tx)?;
        let n = tx.execute(
            "UPDATE messages SET pinned_group = ?2, thread_pinned = 1 WHERE id = ?1",
            params![message_id, key],
        )?;
        if n == 0 {
            return Err(StoreError::MessageNotFound(message_id));
        }
        tx.commit()?;
        Ok(())
    }

    /// Merges conversations into one, kept that way across resyncs (new
    /// replies to any of their messages join it too). The caller rebuilds
    /// the conversations.
    pub fn merge_threads(&mut self, thread_ids: &[i64]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let key = fresh_group_key(&tx)?;
        {
            let mut pin = tx.prepare(
                "UPDATE messages SET pinned_group = ?2, thread_pinned = 1 WHERE thread_id = ?1",
            )?;
            for id in thread_ids {
                if pin.execute(params![id, key])? == 0 {
                    return Err(StoreError::ThreadNotFound(*id));
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The conversation a message is in.
    pub fn thread_of_message(&self, message_id: i64) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT thread_id FROM messages WHERE id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::MessageNotFound(message_id))
    }

    /// Records the conversations: each group of message ids (root first)
    /// becomes one thread whose id is the group's lowest message id, so a
    /// thread keeps its id as long as its first stored message stays in it.
    /// A message in no group belongs to no thread; a thread no group names
    /// is removed.
    ///
    /// Only what changed is written: the messages whose thread changed, and
    /// the threads they left or joined. Every sync that brings mail ends by
    /// threading the whole mailbox again; with 100,000 messages, rewriting
    /// every message's row each time held the store for seconds when one
    /// message had arrived.
    pub fn apply_threads(&mut self, groups: &[Vec<i64>]) -> Result<(), StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let mut unplaced: HashMap<i64, Option<i64>> = {
            let mut stmt = tx.prepare("SELECT id, thread_id FROM messages")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?
        };
        let existing: HashSet<i64> = {
            let mut stmt = tx.prepare("SELECT id FROM threads")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?
        };
        // The threads kept, by their root: the first message of the group,
        // after which a conversation is named.
        // The threads kept, by their root: the first message of the group,
        // after which a conversation is named.
        let mut kept: HashMap<i64, i64> = HashMap::with_capacity(groups.len());
        // Threads whose members changed: their counts and date are computed
        // again below, and their name if their root's subject differs. The
        // same members give the same root (threading depends only on what
        // they carry), so an unchanged thread keeps its name.
        let mut changed = HashSet::new();
        {
            let mut insert = tx.prepare(
                "INSERT INTO threads (id, owner_user_id, subject, latest_at, message_count, unread_count)
                 SELECT ?1, ?2, (SELECT subject FROM messages WHERE id = ?3), 0, 0, 0",
            )?;
            let mut assign = tx.prepare("UPDATE messages SET thread_id = ?1 WHERE id = ?2")?;
            for group in groups {
                let (Some(&thread_id), Some(&root)) = (group.iter().min(), group.first()) else {
                    continue;
                };
                kept.insert(thread_id, root);
                if !existing.contains(&thread_id) {
                    insert.execute(params![thread_id, owner, root])?;
                    changed.insert(thread_id);
                }
                for &message in group {
                    let was = unplaced.remove(&message).flatten();
                    if was != Some(thread_id) {
                        assign.execute(params![thread_id, message])?;
                        changed.insert(thread_id);
                        changed.extend(was);
                    }
                }
            }
        }
        {
            let mut detach = tx.prepare("UPDATE messages SET thread_id = NULL WHERE id = ?1")?;
            for (message, was) in unplaced {
                if let Some(thread_id) = was {
                    detach.execute([message])?;
                    changed.insert(thread_id);
                }
            }
        }
        {
            let mut remove = tx.prepare("DELETE FROM threads WHERE id = ?1")?;
            for thread_id in existing.iter().filter(|id| !kept.contains_key(id)) {
                remove.execute([thread_id])?;
            }
        }
        changed.retain(|thread_id| kept.contains_key(thread_id));
        {
            // A group's new root (a message joined before the old one) names it.
            let mut rename = tx.prepare(
                "UPDATE threads SET subject = (SELECT subject FROM messages WHERE id = ?2)
                 WHERE id = ?1 AND subject IS NOT (SELECT subject FROM messages WHERE id = ?2)",
            )?;
            for thread_id in &changed {
                rename.execute([*thread_id, kept[thread_id]])?;
            }
        }
        refresh_threads(&tx, &changed)?;
        tx.commit()?;
        Ok(())
    }

    /// Threads by latest activity, newest first.
    pub fn list_threads(&self, filter: &ThreadFilter) -> Result<Vec<ThreadSummary>, StoreError> {
        let mut sql = String::from("SELECT t.id FROM threads t WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some((latest_at, id)) = filter.after {
            args.push(latest_at.into());
            args.push(id.into());
            let n = args.len();
            sql.push_str(&format!(
                " AND (t.latest_at < ?{} OR (t.latest_at = ?{} AND t.id < ?{n}))",
                n - 1,
                n - 1
            ));
        }
        if filter.account_id.is_some() || filter.folder.is_some() || filter.folder_id.is_some() {
            sql.push_str(" AND EXISTS (SELECT 1 FROM messages m LEFT JOIN folders f ON f.id = m.folder_id WHERE m.thread_id = t.id");
            if let Some(account) = filter.account_id {
                args.push(account.into());
                sql.push_str(&format!(" AND m.account_id = ?{}", args.len()));
            }
            if let Some(folder_id) = filter.folder_id {
                args.push(folder_id.into());
                sql.push_str(&format!(" AND m.folder_id = ?{}", args.len()));
            }
            if let Some(folder) = &filter.folder {
                args.push(folder.to_lowercase().into());
                let n = args.len();
                sql.push_str(&format!(" AND (f.role = ?{n} OR lower(f.name) = ?{n})"));
            }
            sql.push(')');
        }
        args.push(i64::from(filter.limit.max(1)).into());
        sql.push_str(&format!(
            " ORDER BY t.latest_at DESC, t.id DESC LIMIT ?{}",
            args.len()
        ));
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.thread_summary(id)).collect()
    }

    pub fn thread_summary(&self, id: i64) -> Result<ThreadSummary, StoreError> {
        let (subject, latest_at, message_count, unread_count) = self.conn.query_row(
            "SELECT subject, latest_at, message_count, unread_count FROM threads WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(from_name, from_address), message_id_header FROM messages
             WHERE thread_id = ?1 ORDER BY coalesce(sent_at, received_at), id",
        )?;
        let mut participants: Vec<String> = Vec::new();
        let mut message_ids = Vec::new();
        let (is_flagged, has_attachment) = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM messages WHERE thread_id = ?1 AND is_flagged = 1),
                    EXISTS (SELECT 1 FROM messages m JOIN attachments a ON a.message_id = m.id
                            WHERE m.thread_id = ?1 AND a.is_inline = 0)",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for row in stmt.query_map([id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })? {
            let (who, mid) = row?;
            if let Some(who) = who
                && !participants.contains(&who)
            {
                participants.push(who);
            }
            if let Some(mid) = mid {
                message_ids.push(mid);
            }
        }
        Ok(ThreadSummary {
            id,
            subject,
            latest_at,
            message_count,
            unread_count,
            is_flagged,
            has_attachment,
            participants,
            message_ids,
        })
    }

    pub fn thread_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM threads WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0)
            })?
            > 0)
    }

    /// The messages of a thread, oldest first.
    pub fn thread_messages(&self, thread_id: i64) -> Result<Vec<MessageView>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id FROM messages WHERE thread_id = ?1 ORDER BY coalesce(sent_at, received_at), id",
            )?;
            let rows = stmt.query_map([thread_id], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter()
            .map(|id| {
                self.message_view(id)?
                    .ok_or(StoreError::MessageNotFound(id))
            })
            .collect()
    }

    pub fn message_view(&self, id: i64) -> Result<Option<MessageView>, StoreError> {
        let base = self
            .conn
            .query_row(
                "SELECT m.thread_id, m.account_id, f.name, m.message_id_header, m.subject, m.from_name,
                        m.from_address, m.sent_at, m.received_at, m.is_seen, m.is_flagged, b.text_plain,
                        b.text_html IS NOT NULL, m.parse_error
                 FROM messages m LEFT JOIN folders f ON f.id = m.folder_id
                 LEFT JOIN message_bodies b ON b.message_id = m.id
                 WHERE m.id = ?1",
                [id],
                |r| {
                    Ok(MessageView {
                        id,
                        thread_id: r.get(0)?,
                        account_id: r.get(1)?,
                        folder: r.get(2)?,
                        message_id_header: r.get(3)?,
                        subject: r.get(4)?,
                        from_name: r.get(5)?,
                        from_address: r.get(6)?,
                        to: Vec::new(),
                        cc: Vec::new(),
                        sent_at: r.get(7)?,
                        received_at: r.get(8)?,
                        is_seen: r.get(9)?,
                        is_flagged: r.get(10)?,
                        text_plain: r.get(11)?,
                        has_html: r.get(12)?,
                        attachment_names: Vec::new(),
                        attachments: Vec::new(),
                        parse_error: r.get(13)?,
                    })
                },
            )
            .optional()?;
        let Some(mut view) = base else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT role, address, display_name FROM message_addresses
             WHERE message_id = ?1 AND role IN ('to', 'cc') ORDER BY role, position",
        )?;
        for row in stmt.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })? {
            let (role, address, name) = row?;
            let shown = match name {
                Some(name) => format!("{name} <{address}>"),
                None => address,
            };
            if role == "to" {
                view.to.push(shown);
            } else {
                view.cc.push(shown);
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT coalesce(filename, content_type), position, content_type, size_bytes, is_inline
             FROM attachments WHERE message_id = ?1 ORDER BY position",
        )?;
        for row in stmt.query_map([id], |r| {
            Ok((
                AttachmentInfo {
                    filename: r.get(0)?,
                    position: r.get(1)?,
                    content_type: r.get(2)?,
                    size_bytes: r.get(3)?,
                },
                r.get::<_, bool>(4)?,
            ))
        })? {
            let (info, is_inline) = row?;
            view.attachment_names.push(info.filename.clone());
            if !is_inline || !info.content_type.starts_with("image/") {
                view.attachments.push(info);
            }
        }
        Ok(Some(view))
    }

    /// An attachment's contents, by message and position.
    pub fn attachment(
        &self,
        message_id: i64,
        position: i64,
    ) -> Result<Option<AttachmentData>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT filename, content_type, data, in_source, size_bytes FROM attachments
                 WHERE message_id = ?1 AND position = ?2",
                [message_id, position],
                |r| {
                    Ok(AttachmentData {
                        filename: r.get(0)?,
                        content_type: r.get(1)?,
                        data: AttachmentBytes::from_columns(r.get(2)?, r.get(3)?, r.get(4)?),
                    })
                },
            )
            .optional()?)
    }

    /// The raw source of a message, byte for byte as it arrived.
    pub fn message_raw(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let stored: Option<(Vec<u8>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT raw, compression FROM message_sources WHERE message_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match stored {
            None => Ok(None),
            Some((raw, None)) => Ok(Some(raw)),
            Some((compressed, Some(how))) if how == "zstd" => {
                zstd::stream::decode_all(compressed.as_slice())
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        what: format!("the source of message {id} does not decompress ({e})"),
                    })
            }
            Some((_, Some(how))) => Err(StoreError::Corrupt {
                what: format!("the source of message {id} is compressed with {how}"),
            }),
        }
    }

    /// Threads containing a message that matches, newest first.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<ThreadSummary>, StoreError> {
        let all_terms = || [&q.terms, &q.subject, &q.from, &q.to].into_iter().flatten();
        let uses_cjk = all_terms().any(|t| crate::cjk::is_short_cjk_term(t));
        let uses_search = all_terms().any(|t| !crate::cjk::is_short_cjk_term(t));
        // The conditions on a message, numbered parameters in `args`.
        let mut sql = String::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |sql: &mut String, clause: &str, value: rusqlite::types::Value| {
            args.push(value);
            sql.push_str(&clause.replace("?N", &format!("?{}", args.len())));
        };
        // FTS5's trigram index answers MATCH for terms of 3+ characters; one or
        // two CJK characters (most Chinese words) are looked up in the CJK
        // index; other short terms fall back to LIKE over the same columns.
        let mut fts = Vec::new();
        let mut cjk = Vec::new();
        let mut uses_like = false;
        for (column, terms) in [
            (None, &q.terms),
            (Some("subject"), &q.subject),
            (Some("addresses"), &q.from),
            (Some("addresses"), &q.to),
        ] {
            for term in terms {
                if crate::cjk::is_short_cjk_term(term) {
                    let token = format!("\"{term}\"");
                    cjk.push(match column {
                        Some(c) => format!("{c} : {token}"),
                        None => token,
                    });
                } else if term.chars().count() >= 3 {
                    let phrase = format!("\"{}\"", term.replace('"', "\"\""));
                    fts.push(match column {
                        Some(c) => format!("{c} : {phrase}"),
                        None => phrase,
                    });
                } else {
                    let like = format!(
                        "%{}%",
                        term.replace('\\', "\\\\")
                            .replace('%', "\\%")
                            .replace('_', "\\_")
                    );
                    let clause = match column {
                        Some(c) => format!(" AND s.{c} LIKE ?N ESCAPE '\\'"),
                        None => " AND (s.subject LIKE ?N ESCAPE '\\' OR s.body LIKE ?N ESCAPE '\\' OR s.addresses LIKE ?N ESCAPE '\\' OR s.attachment_names LIKE ?N ESCAPE '\\')".to_owned(),
                    };
                    push(&mut sql, &clause, like.into());
                    uses_like = true;
                }
            }
        }
        // A word most messages contain ("hiring" in 60% of them) matches
        // tens of thousands: sorting them all by date took 70 ms. Then the
        // conversations are walked newest first instead, each asked whether
        // one of its messages is among the matches (gathered once), which
        // fills a page after a few dozen (25 ms). For rarer words the
        // matches are fewer than the conversations a walk would pass over,
        // and sorting them is quicker (a rare phrase: 1 ms against 30).
        let walk = !fts.is_empty() && matches_at_least(&self.conn, &fts.join(" AND "), WALK_ABOVE)?;
        if !cjk.is_empty() {
            push(
                &mut sql,
                if walk {
                    " AND m.id IN (SELECT rowid FROM message_cjk WHERE message_cjk MATCH ?N)"
                } else {
                    " AND message_cjk MATCH ?N"
                },
                cjk.join(" AND ").into(),
            );
        }
        if !fts.is_empty() {
            push(
                &mut sql,
                if walk {
                    " AND m.id IN (SELECT rowid FROM message_search WHERE message_search MATCH ?N)"
                } else {
                    " AND message_search MATCH ?N"
                },
                fts.join(" AND ").into(),
            );
        }
        for who in &q.from {
            push(
                &mut sql,
                " AND EXISTS (SELECT 1 FROM message_addresses a WHERE a.message_id = m.id AND a.role = 'from' AND (a.address_normalized LIKE ?N OR lower(a.display_name) LIKE ?N))",
                format!("%{}%", who.to_lowercase()).into(),
            );
        }
        for who in &q.to {
            push(
                &mut sql,
                " AND EXISTS (SELECT 1 FROM message_addresses a WHERE a.message_id = m.id AND a.role IN ('to', 'cc', 'bcc') AND (a.address_normalized LIKE ?N OR lower(a.display_name) LIKE ?N))",
                format!("%{}%", who.to_lowercase()).into(),
            );
        }
        if q.has_attachment {
            sql.push_str(" AND m.has_attachments = 1");
        }
        if let Some(before) = q.before {
            push(
                &mut sql,
                " AND coalesce(m.sent_at, m.received_at) < ?N",
                before.into(),
            );
        }
        if let Some(after) = q.after {
            push(
                &mut sql,
                " AND coalesce(m.sent_at, m.received_at) >= ?N",
                after.into(),
            );
        }
        if let Some(folder) = &q.folder {
            push(
                &mut sql,
                " AND (f.role = ?N OR lower(f.name) = ?N)",
                folder.to_lowercase().into(),
            );
        }
        let conditions = sql;
        // Join each index only when a condition reads it: a join to
        // message_search that nothing filters on costs a lookup of its row
        // for every match. (A walk asks the indexes once, in subqueries.)
        let joins = format!(
            "{}
             {}
             LEFT JOIN folders f ON f.id = m.folder_id",
            if uses_like || (uses_search && !walk) {
                "JOIN message_search s ON s.rowid = m.id"
            } else {
                ""
            },
            if uses_cjk && !walk {
                "JOIN message_cjk c ON c.rowid = m.id"
            } else {
                ""
            }
        );
        let mut sql = if walk {
            format!(
                "SELECT t.id, t.latest_at FROM threads t
                 WHERE EXISTS (SELECT 1 FROM messages m {joins}
                               WHERE m.thread_id = t.id {conditions})"
            )
        } else {
            format!(
                "SELECT DISTINCT m.thread_id, t.latest_at FROM messages m
                 JOIN threads t ON t.id = m.thread_id
                 {joins}
                 WHERE 1 = 1 {conditions}"
            )
        };
        push(
            &mut sql,
            " ORDER BY t.latest_at DESC LIMIT ?N",
            i64::from(q.limit.max(1)).into(),
        );
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        ids.into_iter().map(|id| self.thread_summary(id)).collect()
    }
}

/// How many full-text matches make a search walk the conversations newest
/// first instead of sorting its matches (see `Store::search`).
const WALK_ABOVE: i64 = 5_000;

/// Whether a full-text query matches at least `count` messages; stops
/// counting there.
fn matches_at_least(
    conn: &rusqlite::Connection,
    query: &str,
    count: i64,
) -> rusqlite::Result<bool> {
    let found: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM message_search WHERE message_search MATCH ?1 LIMIT ?2)",
        )?
        .query_row(params![query, count], |r| r.get(0))?;
    Ok(found >= count)
}

/// Recounts these conversations from their messages (unread counts change
/// with flags, message counts with deletes and threading, the latest date
/// with new members), and removes those left empty.
pub(crate) fn refresh_threads(
    tx: &Transaction<'_>,
    thread_ids: &HashSet<i64>,
) -> Result<(), StoreError> {
    let mut update = tx.prepare(
        "UPDATE threads SET
            latest_at = coalesce((SELECT max(coalesce(sent_at, received_at)) FROM messages m WHERE m.thread_id = ?1), latest_at),
            message_count = (SELECT count(*) FROM messages m WHERE m.thread_id = ?1),
            unread_count = (SELECT count(*) FROM messages m WHERE m.thread_id = ?1 AND m.is_seen = 0)
         WHERE id = ?1",
    )?;
    let mut drop_empty = tx.prepare("DELETE FROM threads WHERE id = ?1 AND message_count = 0")?;
    for id in thread_ids {
        update.execute([id])?;
        drop_empty.execute([id])?;
    }
    Ok(())
}

fn write_parts(tx: &Transaction<'_>, id: i64, m: &NewMessage) -> rusqlite::Result<()> {
    let mut positions: HashMap<&'static str, i64> = HashMap::new();
    for a in &m.addresses {
        let role = a.role.as_str();
        let position = positions.entry(role).or_insert(0);
        tx.prepare_cached(
            "INSERT INTO message_addresses (message_id, role, position, address, address_normalized, display_name, address_canonical)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id,
            role,
            *position,
            a.address,
            a.address.trim().to_lowercase(),
            a.display_name,
            crate::addresses::canonical_address(&a.address)
        ])?;
        *position += 1;
    }
    // Unprepared, compressed here; the hash was taken by `insert_in`.
    let compressed_here;
    let compressed = match &m.prepared_source {
        Some(source) => source.compressed.as_deref(),
        None => {
            compressed_here = StoredSource::compress(&m.raw);
            compressed_here.as_deref()
        }
    };
    let (raw, compression) = match compressed {
        Some(compressed) => (compressed, Some("zstd")),
        None => (m.raw.as_slice(), None),
    };
    tx.prepare_cached(
        "INSERT INTO message_sources (message_id, raw, compression) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id, raw, compression])?;
    tx.prepare_cached(
        "INSERT INTO message_bodies (message_id, text_plain, text_html) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id, m.text_plain, m.text_html])?;
    for (position, a) in (0_i64..).zip(&m.attachments) {
        let (data, in_source): (&[u8], bool) = match &a.data {
            AttachmentBytes::Stored(data) => (data, false),
            AttachmentBytes::InSource { .. } => (&[], true),
        };
        tx.prepare_cached(
            "INSERT INTO attachments (message_id, position, filename, content_type, content_id, is_inline, size_bytes, data, in_source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            id,
            position,
            a.filename,
            a.content_type,
            a.content_id,
            a.is_inline,
            i64::try_from(a.data.len()).unwrap_or(i64::MAX),
            data,
            in_source
        ])?;
    }
    Ok(())
}

/// Adds a stored message to the full-text indexes.
fn index_for_search(tx: &Transaction<'_>, id: i64, m: &NewMessage) -> rusqlite::Result<()> {
    let addresses = m
        .addresses
        .iter()
        .map(|a| match &a.display_name {
            Some(name) => format!("{name} <{}>", a.address),
            None => a.address.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let names = m
        .attachments
        .iter()
        .filter_map(|a| a.filename.as_deref())
        .collect::<Vec<_>>()
        .join("\n");
    let body = m.text_plain.as_deref().unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO message_search (rowid, subject, body, addresses, attachment_names)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, m.subject, body, addresses, names])?;
    crate::cjk::index_message(tx, id, &m.subject, body, &addresses, &names)?;
    Ok(())
}

/// A group key no message carries yet.
fn fresh_group_key(tx: &rusqlite::Transaction<'_>) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached("SELECT coalesce(max(pinned_group), 0) + 1 FROM messages")?
        .query_row([], |r| r.get(0))?)
}

/// Stores one message inside the caller's transaction.
fn insert_in(
    tx: &rusqlite::Transaction<'_>,
    owner: i64,
    m: &NewMessage,
) -> Result<Inserted, StoreError> {
    let source_sha256 = match &m.prepared_source {
        Some(prepared) => prepared.sha256.clone(),
        None => source_sha256(&m.raw),
    };
    // A server message is known by its folder and UID (the same message in
    // two folders is two copies, as on the server); imported mail, which has
    // no UID, by its raw source.
    let existing: Option<i64> = match (m.uid, &m.pop3_uidl) {
        (_, Some(uidl)) => tx
            .prepare_cached("SELECT id FROM messages WHERE account_id = ?1 AND pop3_uidl = ?2")?
            .query_row(params![m.account_id, uidl], |r| r.get(0))
            .optional()?,
        (Some(uid), None) => tx
            .prepare_cached("SELECT id FROM messages WHERE folder_id = ?1 AND uid = ?2")?
            .query_row(params![m.folder_id, uid], |r| r.get(0))
            .optional()?,
        (None, None) => tx
            .prepare_cached("SELECT id FROM messages WHERE account_id = ?1 AND source_sha256 = ?2")?
            .query_row(params![m.account_id, source_sha256], |r| r.get(0))
            .optional()?,
    };
    if let Some(id) = existing {
        return Ok(Inserted::Duplicate(id));
    }
    if let Some(uid) = m.uid {
        // A message moved here by the user, or sent by the user and kept
        // in Sent, arrives from the server under a UID of its own: the
        // local copy takes that UID instead of getting a twin. Sent mail
        // is known by its Message-ID too, as providers that file it
        // themselves may rewrite a header or two.
        let moved_here: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM messages WHERE folder_id = ?1 AND uid IS NULL
                       AND (source_sha256 = ?2 OR (?3 IS NOT NULL AND message_id_header = ?3))
                     ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![m.folder_id, source_sha256, m.message_id_header],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = moved_here {
            tx.prepare_cached("UPDATE messages SET uid = ?2 WHERE id = ?1")?
                .execute(params![id, uid])?;
            return Ok(Inserted::Duplicate(id));
        }
    }
    let from = m.addresses.iter().find(|a| a.role == AddressRole::From);
    tx.prepare_cached(
        "INSERT INTO messages (owner_user_id, account_id, folder_id, uid, message_id_header, in_reply_to,
                references_header, subject, from_address, from_name, sent_at, received_at, size_bytes,
                is_seen, is_flagged, has_attachments, parse_error, source_sha256, created_at, is_answered, is_draft,
                pop3_uidl)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        owner,
        m.account_id,
        m.folder_id,
        m.uid,
        m.message_id_header,
        m.in_reply_to,
        m.references,
        m.subject,
        from.map(|a| a.address.to_lowercase()),
        from.and_then(|a| a.display_name.clone()),
        m.sent_at,
        m.received_at,
        i64::try_from(m.raw.len()).unwrap_or(i64::MAX),
        m.is_seen,
        m.is_flagged,
        m.attachments.iter().any(|a| !a.is_inline),
        m.parse_error,
        source_sha256,
        now_unix(),
        m.is_answered,
        m.is_draft,
        m.pop3_uidl,
    ])?;
    let id = tx.last_insert_rowid();
    write_parts(tx, id, m)?;
    crate::links::link_message(tx, id)?;
    Ok(Inserted::New(id))
}

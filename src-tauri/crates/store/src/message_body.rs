//! A message's bodies and the parts its HTML can show inline, read for
//! display. (The HTML is stored as it arrived; candor-core sanitizes it.)

use rusqlite::OptionalExtension;

use crate::{Store, StoreError};

/// What showing a message's body needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredBody {
    /// The From address as it arrived.
    pub from_address: Option<String>,
    pub text_plain: Option<String>,
    /// Unsanitized.
    pub text_html: Option<String>,
}

/// An image part that a `cid:` reference in the HTML can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePart {
    /// Without angle brackets.
    pub content_id: String,
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// Marked inline by its sender (or unmarked with a Content-ID); parts
    /// sent as attachments can still be referenced, and are offered too.
    pub is_inline: bool,
    /// Its place among the message's parts, and its file name.
    pub position: i64,
    pub filename: Option<String>,
    pub data: crate::messages::AttachmentBytes,
}

impl Store {
    /// The sender and bodies of a message; None when there is no such message.
    pub fn message_body(&self, id: i64) -> Result<Option<StoredBody>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT m.from_address, b.text_plain, b.text_html
                 FROM messages m LEFT JOIN message_bodies b ON b.message_id = m.id
                 WHERE m.id = ?1",
                [id],
                |r| {
                    Ok(StoredBody {
                        from_address: r.get(0)?,
                        text_plain: r.get(1)?,
                        text_html: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// The image parts of a message that carry a Content-ID, in message
    /// order. (Other parts may carry one too, Apple Mail gives every
    /// attachment one, but only images can be shown inline; leaving them
    /// out spares reading a large PDF to show a letter.)
    pub fn inline_parts(&self, message_id: i64) -> Result<Vec<InlinePart>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT content_id, content_type, is_inline, position, filename, data, in_source, size_bytes
             FROM attachments
             WHERE message_id = ?1 AND content_id IS NOT NULL AND content_id <> ''
               AND content_type LIKE 'image/%'
             ORDER BY position",
        )?;
        let rows = stmt.query_map([message_id], |r| {
            Ok(InlinePart {
                content_id: r.get(0)?,
                content_type: r.get(1)?,
                is_inline: r.get(2)?,
                position: r.get(3)?,
                filename: r.get(4)?,
                data: crate::messages::AttachmentBytes::from_columns(
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! Senders whose mail may load remote content (images, style sheets) when it
//! is shown: the user's "always load remote content from this sender".
//!
//! Addresses are kept trimmed and lower-cased, as `address_normalized` is
//! for a message's addresses, so a sender matches whatever case their mail
//! uses. Plus-tags and Gmail dots are not folded: allowing `news+jobs@` says
//! nothing about `news@`.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::time::now_unix;
use crate::{Store, StoreError};

/// A sender on the list, and since when (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemoteContentSender {
    pub address: String,
    pub added_at: i64,
}

/// The form an address is listed and looked up in.
pub fn sender_key(address: &str) -> String {
    address.trim().to_lowercase()
}

impl Store {
    /// Puts a sender on the list; false when already there (the first date
    /// stays).
    pub fn allow_remote_content(&mut self, address: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "INSERT INTO remote_content_senders (owner_user_id, address, added_at)
             VALUES (?1, ?2, ?3) ON CONFLICT (address) DO NOTHING",
            params![self.local_user_id(), sender_key(address), now_unix()],
        )? > 0)
    }

    /// Takes a sender off the list; false when not on it.
    pub fn forget_remote_content(&mut self, address: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM remote_content_senders WHERE address = ?1",
            [sender_key(address)],
        )? > 0)
    }

    pub fn remote_content_allowed(&self, address: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM remote_content_senders WHERE address = ?1")?
            .query_row([sender_key(address)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The list, by address.
    pub fn remote_content_senders(&self) -> Result<Vec<RemoteContentSender>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT address, added_at FROM remote_content_senders ORDER BY address")?;
        let rows = stmt.query_map([], |r| {
            Ok(RemoteContentSender {
                address: r.get(0)?,
                added_at: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::sender_key;

    #[test]
    fn senders_are_keyed_without_case_or_padding() {
        assert_eq!(sender_key("  News@Example.COM "), "news@example.com");
        assert_eq!(sender_key("Łukasz@Example.pl"), "łukasz@example.pl");
        assert_eq!(
            sender_key("news+jobs@example.com"),
            "news+jobs@example.com",
            "a tagged address is its own sender"
        );
    }
}

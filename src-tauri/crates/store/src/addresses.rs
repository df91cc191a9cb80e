//! How a message's addresses are matched to a record's.
//!
//! Always: the same address, case ignored. As an option (off by default,
//! because it can join two people's mail at a shared mailbox): plus-address
//! tags (`anna+jobs@` is `anna@`) and, at Gmail, dots in the name
//! (`a.nowak@gmail.com` is `anowak@gmail.com`), which Gmail delivers to the
//! same inbox.
//!
//! Also the addresses the compose form completes from: the people the user
//! has exchanged mail with.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::{Store, StoreError};

const VARIANTS_SETTING: &str = "match_address_variants";

/// The address a mail system delivers to, for matching variants: lower-cased,
/// the `+tag` dropped, and for Gmail the dots dropped and googlemail.com
/// read as gmail.com.
pub fn canonical_address(address: &str) -> String {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return address;
    };
    let local = match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    if domain == "gmail.com" || domain == "googlemail.com" {
        let local: String = local.chars().filter(|c| *c != '.').collect();
        return format!("{local}@gmail.com");
    }
    format!("{local}@{domain}")
}

/// Whether variants are matched (read inside the write transactions that link).
pub(crate) fn variants_enabled(conn: &rusqlite::Connection) -> rusqlite::Result<bool> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([VARIANTS_SETTING], |r| r.get(0))
        .optional()?;
    Ok(value.as_deref() == Some("on"))
}

/// Fills in the canonical form of every stored address (run once, by the
/// migration that added the column).
pub(crate) fn backfill_canonical(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    for table in ["message_addresses", "record_emails"] {
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT rowid, address_normalized FROM {table} WHERE address_canonical IS NULL"
            ))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut update = tx.prepare(&format!(
            "UPDATE {table} SET address_canonical = ?2 WHERE rowid = ?1"
        ))?;
        for (rowid, address) in rows {
            update.execute(params![rowid, canonical_address(&address)])?;
        }
    }
    Ok(())
}

impl Store {
    pub fn address_variants_enabled(&self) -> Result<bool, StoreError> {
        Ok(variants_enabled(&self.conn)?)
    }

    /// Turns variant matching on or off and relinks every record's mail
    /// accordingly, in one transaction. Manual links and unlinks stay.
    pub fn set_address_variants(&mut self, enabled: bool) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![VARIANTS_SETTING, if enabled { "on" } else { "off" }],
        )?;
        let records: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT DISTINCT record_id FROM record_emails")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for record in records {
            crate::links::relink_record(&tx, record)?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_address;

    #[test]
    fn variants_reduce_to_the_delivered_address() {
        assert_eq!(canonical_address("Anna+Jobs@Example.PL"), "anna@example.pl");
        assert_eq!(
            canonical_address("a.nowak+cv@googlemail.com"),
            "anowak@gmail.com"
        );
        assert_eq!(canonical_address("A.Nowak@gmail.com"), "anowak@gmail.com");
        // Dots matter everywhere but Gmail.
        assert_eq!(
            canonical_address("a.nowak@example.com"),
            "a.nowak@example.com"
        );
        // A local part that is only a tag is kept as it is, not emptied.
        assert_eq!(canonical_address("+tag@example.com"), "+tag@example.com");
        assert_eq!(canonical_address("no-at-sign"), "no-at-sign");
    }
}

/// An address the compose form offers while the user types.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Correspondent {
    pub address: String,
    /// The name most recently seen with it.
    pub display_name: Option<String>,
    /// How many messages it appears in.
    pub messages: i64,
}

impl Store {
    /// Addresses seen in mail that start with `prefix` (case ignored), the
    /// most frequent first. Reads the address index by range, so a prefix
    /// costs only the addresses that match it.
    pub fn correspondents(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Correspondent>, StoreError> {
        let low = prefix.trim().to_lowercase();
        if low.is_empty() {
            return Ok(Vec::new());
        }
        // Every string starting with `low` sorts below `low` + U+10FFFF.
        let high = format!("{low}\u{10FFFF}");
        let mut stmt = self.conn.prepare_cached(
            "SELECT address_normalized,
                    (SELECT a2.display_name FROM message_addresses a2
                     WHERE a2.address_normalized = a.address_normalized AND a2.display_name IS NOT NULL
                     ORDER BY a2.message_id DESC LIMIT 1),
                    count(DISTINCT message_id) AS n
             FROM message_addresses a
             WHERE address_normalized >= ?1 AND address_normalized < ?2
             GROUP BY address_normalized
             ORDER BY n DESC, address_normalized
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![low, high, limit], |r| {
            Ok(Correspondent {
                address: r.get(0)?,
                display_name: r.get(1)?,
                messages: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The email addresses of a record, in its order.
    pub fn record_addresses(&self, record_id: i64) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT address FROM record_emails WHERE record_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([record_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

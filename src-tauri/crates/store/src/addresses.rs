//! How a message's addresses are matched to a record's.
//!
//! Always: the same address, case ignored. As an option (off by default,
//! because it can join two people's mail at a shared mailbox): plus-address
//! tags (`anna+jobs@` is `anna@`) and, at Gmail, dots in the name
//! (`a.nowak@gmail.com` is `anowak@gmail.com`), which Gmail delivers to the
//! same inbox.

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

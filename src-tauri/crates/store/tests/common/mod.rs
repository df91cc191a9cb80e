//! What the store's tests and benchmarks share.
#![allow(dead_code)] // each test file uses part of it

use candor_store::{KeyVault, Store, Unlock};
use zeroize::Zeroizing;

/// A key vault for passphrase-mode stores, which never consult it.
pub struct NoKeyring;

impl KeyVault for NoKeyring {
    fn get(&self, _: &str) -> Result<Option<Zeroizing<String>>, String> {
        Err("not used: these stores use a passphrase".into())
    }
    fn set(&self, _: &str, _: &str) -> Result<(), String> {
        Err("not used: these stores use a passphrase".into())
    }
    fn delete(&self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// A new store in `dir`, keyed by `passphrase`.
pub fn open_store(dir: &std::path::Path, passphrase: &str) -> Store {
    Store::open(
        dir,
        &Unlock::Passphrase(Zeroizing::new(passphrase.into())),
        &NoKeyring,
        true,
    )
    .expect("open store")
}

/// A connection of the test's own (playing another Candor), keyed with
/// `passphrase`, with the given SQLCipher page size (None: its default).
#[allow(clippy::disallowed_methods)] // the test plays "another Candor" here
pub fn own_connection(
    dir: &std::path::Path,
    passphrase: &str,
    page_size: Option<u32>,
) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join("candor.db")).expect("open");
    conn.pragma_update(None, "key", passphrase).expect("key");
    if let Some(size) = page_size {
        conn.pragma_update(None, "cipher_page_size", size)
            .expect("page size");
    }
    conn
}

/// A connection of the test's own to a store Candor made, keyed as its
/// `store.json` says: 16 KB pages, and the page HMAC it names (format 3).
pub fn own_connection_to_store(dir: &std::path::Path, passphrase: &str) -> rusqlite::Connection {
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("store.json")).expect("store.json"))
            .expect("store.json is JSON");
    let conn = own_connection(dir, passphrase, Some(16_384));
    if let Some(hmac) = settings["page_hmac"].as_str() {
        conn.pragma_update(
            None,
            "cipher_hmac_algorithm",
            format!("HMAC_{}", hmac.to_uppercase()),
        )
        .expect("page hmac");
    }
    conn
}

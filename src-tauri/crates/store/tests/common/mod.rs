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

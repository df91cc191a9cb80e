//! What the store's tests and benchmarks share.

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

//! The API facade. One module per area, free functions named for the verb
//! (`api::records::create`), each taking the [`Candor`] handle.

pub mod accounts;
pub mod actions;
pub mod attachments;
pub mod calendar;
pub mod completion;
pub mod connection;
pub mod contacts_sync;
mod credentials;
pub mod db;
pub mod demo;
pub mod drafts;
mod ics;
pub mod import;
pub mod invitations;
mod mail;
pub mod mailbox;
pub mod message_body;
pub mod oauth;
pub mod pipeline;
pub mod record_import;
pub mod records;
pub mod search;
pub mod send;
pub mod sync;
pub mod templates;
pub mod threads;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use candor_store::{KeySource, KeyVault, OsKeyring, Store, Unlock};
use zeroize::Zeroizing;

use crate::ApiError;

/// The environment variable holding the database passphrase in passphrase mode.
pub const PASSPHRASE_ENV: &str = "CANDOR_PASSPHRASE";

/// An open Candor: the unlocked store and what the API needs around it.
pub struct Candor {
    /// A read-only connection for what the app shows (lists, conversations,
    /// search), once [`Candor::open_reader`] opened it: those reads then go
    /// on while a sync holds `store` for a batch of messages. Declared
    /// first so it closes first: the last connection to close tidies away
    /// the write-ahead log, and only the writer can.
    reader: OnceLock<Mutex<Store>>,
    store: Mutex<Store>,
    /// Held while messages are handed to an SMTP server. The outbox picks up
    /// messages a crash left mid-send, so two senders in one process (the
    /// app's background sender and the Send button) must take turns, or both
    /// would send the same message. (Processes take turns by a file lock.)
    sending: tokio::sync::Mutex<()>,
    /// Where secrets go in keyring mode: the OS keyring in production.
    vault: Arc<dyn KeyVault + Send + Sync>,
}

impl std::fmt::Debug for Candor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candor").finish_non_exhaustive()
    }
}

/// How to unlock: `CANDOR_PASSPHRASE` when set (headless use, tests), else the
/// OS keyring.
pub fn unlock_from_env() -> Unlock {
    match std::env::var(PASSPHRASE_ENV) {
        Ok(p) if !p.is_empty() => Unlock::Passphrase(Zeroizing::new(p)),
        _ => Unlock::Keyring,
    }
}

/// True when `data_dir` already holds a Candor database.
pub fn database_exists(data_dir: &Path) -> bool {
    Store::exists(data_dir)
}

impl Candor {
    /// Opens the database in `data_dir` with the OS keyring as the key vault.
    /// With `create`, makes a new database (and key) if there is none.
    pub fn open(data_dir: &Path, unlock: &Unlock, create: bool) -> Result<Self, ApiError> {
        Self::open_with_vault(data_dir, unlock, Arc::new(OsKeyring), create)
    }

    /// As [`Candor::open`], with another key vault (tests use an in-memory one).
    pub fn open_with_vault(
        data_dir: &Path,
        unlock: &Unlock,
        vault: Arc<dyn KeyVault + Send + Sync>,
        create: bool,
    ) -> Result<Self, ApiError> {
        let store = Store::open(data_dir, unlock, vault.as_ref(), create)?;
        Ok(Self {
            reader: OnceLock::new(),
            store: Mutex::new(store),
            sending: tokio::sync::Mutex::new(()),
            vault,
        })
    }

    pub(crate) fn vault(&self) -> &dyn KeyVault {
        self.vault.as_ref()
    }

    /// How the database key is held.
    pub fn key_source(&self) -> KeySource {
        self.store().key_source()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.store().dir().to_path_buf()
    }

    /// The store, for the API modules. A poisoned lock only means another
    /// thread panicked mid-call; SQLite's transactions keep the data
    /// consistent, so carry on.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens the read-only connection [`Candor::reader`] hands out. The app
    /// opens it on a thread of its own after start (a passphrase store made
    /// in this run derives its key again, ~0.2 s); until then, reads use
    /// the store's one connection as before. One-shot tools have no use for
    /// it.
    pub fn open_reader(&self) -> Result<(), ApiError> {
        if self.reader.get().is_none() {
            // The store is let go of before any key derivation: a sync
            // holding it is not kept waiting, nor is this thread by it.
            let opener = self.store().reader_opener();
            let reader = opener.open()?;
            // Two threads opening at once: the second one's reader is dropped.
            let _ = self.reader.set(Mutex::new(reader));
        }
        Ok(())
    }

    /// Whether the read-only connection is open.
    pub fn has_reader(&self) -> bool {
        self.reader.get().is_some()
    }

    /// The store for API functions that only read: the read-only
    /// connection once it is open, else the store's one connection, in a
    /// read snapshot for as long as the guard lives, so that a read of
    /// several statements sees one state of the database even when a sync
    /// commits meanwhile. It sees every committed write, not one in
    /// progress. Anything that writes takes [`Candor::store`]; a write
    /// through the reader fails.
    pub(crate) fn reader(&self) -> Reading<'_> {
        let store = match self.reader.get() {
            Some(reader) => reader
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            None => self.store(),
        };
        let snapshot = store.begin_read_snapshot();
        Reading { store, snapshot }
    }
}

/// The store for reading, in a read snapshot that ends when this is
/// dropped (see [`Candor::reader`]).
pub(crate) struct Reading<'a> {
    store: MutexGuard<'a, Store>,
    snapshot: bool,
}

impl std::ops::Deref for Reading<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        if self.snapshot {
            self.store.end_read_snapshot();
        }
    }
}

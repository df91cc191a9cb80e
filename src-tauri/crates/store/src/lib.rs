//! candor-store: the one SQLCipher-encrypted SQLite database that holds
//! everything Candor knows (mail, records, events, sync state, the outbox).
//!
//! Invariants:
//! - The database is opened in exactly one function, [`open::open_database`]:
//!   key first, then WAL, foreign keys, busy timeout and migrations. Clippy's
//!   `disallowed-methods` bans `Connection::open*` everywhere else.
//! - The key never touches the disk: it is a random 256-bit key kept in the OS
//!   keyring, or derived as SQLCipher does from a passphrase the user
//!   supplies.
//! - An existing database file is never overwritten or re-initialised: a wrong
//!   or missing key is an error, not a reason to start afresh.
//! - Migrations are append-only and recorded with their digest.
//!
//! This is the only crate that uses rusqlite. It knows nothing of Tauri, mail
//! protocols or the UI; validation of user input happens in candor-core.

pub mod accounts;
pub mod addresses;
pub mod check;
mod checkpoint;
pub mod cjk;
pub mod contact_sync;
pub mod drafts;
mod error;
pub mod events;
pub mod folders;
pub mod keys;
pub mod links;
pub mod message_body;
pub mod messages;
pub mod migrations;
mod open;
pub mod outbox;
pub mod pipeline;
pub mod record_import;
pub mod records;
pub mod remote_content;
pub mod tasks;
pub mod templates;
mod time;
mod users;

pub use error::{OpenError, StoreError};
pub use keys::{KeySource, KeyVault, OsKeyring, SALT_LEN, Unlock, passphrase_raw_key};
pub use open::{DATABASE_FILE_NAME, ReaderOpener, Store};

use std::path::PathBuf;

/// Why the database could not be opened or created. Each message says what
/// the user can do next; none of them contains key material.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "No Candor database in {dir}. Run `candor init` (or start the app) to create one, or pass the right --data-dir."
    )]
    NotInitialized { dir: PathBuf },

    #[error(
        "The database in {dir} is protected by a passphrase. Set CANDOR_PASSPHRASE (or enter it in the app) to open it."
    )]
    PassphraseRequired { dir: PathBuf },

    #[error(
        "No OS keyring is available to hold the database key ({reason}). Set CANDOR_PASSPHRASE to protect the database with a passphrase instead."
    )]
    KeyringUnavailable { reason: String },

    #[error(
        "The key for the database in {dir} is missing from the OS keyring (entry \"{account}\"). Restore the keyring, or restore a backup of the data directory; the database was left untouched."
    )]
    KeyMissing { dir: PathBuf, account: String },

    #[error(
        "The database in {dir} could not be decrypted: the passphrase or key is wrong. Nothing was changed; try again with the right passphrase."
    )]
    WrongKey { dir: PathBuf },

    #[error(
        "The database in {dir} was written by a newer Candor (schema version {found}; this version knows up to {supported}). Update Candor to open it; the file was left untouched."
    )]
    NewerSchema {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "Migration {version} in {dir} differs from the one this Candor ships (a shipped migration was edited). The database was left untouched."
    )]
    MigrationChanged { dir: PathBuf, version: u32 },

    #[error(
        "The store settings file {path} is missing or unreadable ({reason}); without it Candor cannot tell how the database is keyed."
    )]
    Settings { path: PathBuf, reason: String },

    #[error("This build's SQLite has no SQLCipher encryption; refusing to store data unencrypted.")]
    NotEncryptedBuild,

    #[error("Could not use the data directory {dir}: {source}")]
    Io {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("The database in {dir} could not be opened: {source}")]
    Sqlite {
        dir: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

/// A failed read or write on an open store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("record {0} does not exist")]
    RecordNotFound(i64),
    #[error("message {0} does not exist")]
    MessageNotFound(i64),
    #[error("conversation {0} does not exist")]
    ThreadNotFound(i64),
    #[error("record {id} is a {actual}, not a {expected}")]
    WrongRecordKind {
        id: i64,
        expected: &'static str,
        actual: String,
    },
    #[error("the database holds something this version cannot read: {what}")]
    Corrupt { what: String },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

//! Opening and creating the store. `keyed_connection` is the only place a
//! connection is made (clippy's disallowed-methods enforces it).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use zeroize::Zeroizing;

use crate::checkpoint::Checkpointer;
use crate::keys::{
    CURRENT_FORMAT, DatabaseKey, KeySource, KeyVault, StoreSettings, Unlock, generate_raw_key,
    is_valid_raw_key, new_keyring_account,
};
use crate::{OpenError, migrations, users};

/// The database file inside the data directory.
pub const DATABASE_FILE_NAME: &str = "candor.db";

/// An open, unlocked, migrated database.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    dir: PathBuf,
    key_source: KeySource,
    local_user_id: i64,
    /// Checkpoints the write-ahead log beside `conn` (see checkpoint.rs).
    checkpointer: Option<Checkpointer>,
    /// To open a reader beside this connection (see [`Store::reader_opener`]).
    /// SQLCipher keeps the key in memory for the connection anyway.
    key: DatabaseKey,
    settings: StoreSettings,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(checkpointer) = self.checkpointer.take() {
            checkpointer.stop(&mut self.conn);
        }
    }
}

impl Store {
    /// Opens the database in `dir`, creating it (and its key) if there is none
    /// and `create` is true. An existing file is only ever opened, never
    /// replaced: a wrong or missing key is an error.
    pub fn open(
        dir: &Path,
        unlock: &Unlock,
        vault: &dyn KeyVault,
        create: bool,
    ) -> Result<Self, OpenError> {
        let db_path = dir.join(DATABASE_FILE_NAME);
        if db_path.exists() {
            Self::open_existing(dir, unlock, vault)
        } else if create {
            Self::create(dir, unlock, vault)
        } else {
            Err(OpenError::NotInitialized {
                dir: dir.to_path_buf(),
            })
        }
    }

    /// True when `dir` already holds a Candor database.
    pub fn exists(dir: &Path) -> bool {
        dir.join(DATABASE_FILE_NAME).exists()
    }

    fn open_existing(dir: &Path, unlock: &Unlock, vault: &dyn KeyVault) -> Result<Self, OpenError> {
        let settings = StoreSettings::read(dir)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let key = match settings.key_source {
            KeySource::Keyring => {
                let account =
                    settings
                        .keyring_account
                        .clone()
                        .ok_or_else(|| OpenError::Settings {
                            path: StoreSettings::path(dir),
                            reason: "keyring mode without a keyring entry name".into(),
                        })?;
                let secret = vault
                    .get(&account)
                    .map_err(|reason| OpenError::KeyringUnavailable { reason })?
                    .ok_or_else(|| OpenError::KeyMissing {
                        dir: dir.to_path_buf(),
                        account: account.clone(),
                    })?;
                if !is_valid_raw_key(&secret) {
                    // Someone else's value under our entry: it cannot be our key.
                    return Err(OpenError::WrongKey {
                        dir: dir.to_path_buf(),
                    });
                }
                DatabaseKey::Raw(secret)
            }
            KeySource::Passphrase => match unlock {
                Unlock::Passphrase(p) => return open_with_passphrase(dir, p, flags, &settings),
                Unlock::Keyring => {
                    return Err(OpenError::PassphraseRequired {
                        dir: dir.to_path_buf(),
                    });
                }
            },
        };
        open_database(dir, &key, flags, &settings)
    }

    fn create(dir: &Path, unlock: &Unlock, vault: &dyn KeyVault) -> Result<Self, OpenError> {
        create_private_dir(dir)?;
        let (key, settings) = match unlock {
            Unlock::Passphrase(p) => (
                DatabaseKey::Passphrase(p.clone()),
                StoreSettings::for_new_store(KeySource::Passphrase, None),
            ),
            Unlock::Keyring => {
                let account = new_keyring_account()?;
                let key = generate_raw_key()?;
                vault
                    .set(&account, &key)
                    .map_err(|reason| OpenError::KeyringUnavailable { reason })?;
                // Read it back: some keyrings accept a write they cannot keep
                // (a locked or session-only store). Better to fail now than to
                // create a database nobody can open tomorrow.
                match vault.get(&account) {
                    Ok(Some(read)) if *read == *key => {}
                    Ok(_) => {
                        return Err(OpenError::KeyringUnavailable {
                            reason: "the keyring did not keep the key it was given".into(),
                        });
                    }
                    Err(reason) => return Err(OpenError::KeyringUnavailable { reason }),
                }
                (
                    DatabaseKey::Raw(key),
                    StoreSettings::for_new_store(KeySource::Keyring, Some(account)),
                )
            }
        };
        settings.write(dir)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        open_database(dir, &key, flags, &settings)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(DATABASE_FILE_NAME)
    }

    pub fn key_source(&self) -> KeySource {
        self.key_source
    }

    /// The user this desktop acts for; owner of what is created here.
    pub fn local_user_id(&self) -> i64 {
        self.local_user_id
    }

    /// What opening a second, read-only connection to this database takes
    /// (see [`ReaderOpener::open`]), copied out so that the slow part, a key
    /// derivation, runs without this store: a caller holding it behind a
    /// lock lets go first.
    pub fn reader_opener(&self) -> ReaderOpener {
        ReaderOpener {
            dir: self.dir.clone(),
            key_source: self.key_source,
            local_user_id: self.local_user_id,
            key: self.key.clone(),
            settings: self.settings.clone(),
        }
    }

    /// Starts a read snapshot: every statement until
    /// [`Store::end_read_snapshot`] sees the database as at the first one,
    /// whatever another connection commits meanwhile. A read of several
    /// statements through a reader (a thread's summary, then its messages)
    /// needs it, or a sync's commit in between could show a thread whose
    /// messages have moved on. Returns false when no snapshot was started
    /// (a transaction is already open on this connection).
    pub fn begin_read_snapshot(&self) -> bool {
        self.conn.is_autocommit() && self.conn.execute_batch("BEGIN DEFERRED").is_ok()
    }

    /// Ends a snapshot [`Store::begin_read_snapshot`] started (nothing was
    /// written in it, so ending it cannot lose anything).
    pub fn end_read_snapshot(&self) {
        if !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("COMMIT")
        {
            tracing::warn!(error = %e, "ending a read snapshot");
        }
    }
}

/// A second, read-only connection to a store's database (from
/// [`Store::reader_opener`]), for reads that must not wait for the store's
/// own connection: in WAL mode a reader sees every committed transaction and
/// is never blocked by a write in progress, so the app's lists and
/// conversations answer while a sync holds the writer for a batch of
/// messages. Writing through it fails ("attempt to write a readonly
/// database"). SQLCipher keeps the key in memory for a connection anyway.
pub struct ReaderOpener {
    dir: PathBuf,
    key_source: KeySource,
    local_user_id: i64,
    key: DatabaseKey,
    settings: StoreSettings,
}

impl std::fmt::Debug for ReaderOpener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReaderOpener")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl ReaderOpener {
    /// Opens the reader. A passphrase store made by this process (keyed by
    /// SQLCipher from the passphrase) derives the key again (~0.2 s): open
    /// it off the thread that needs it first. One opened with a passphrase
    /// derives nothing more, unless the key derived there was refused (see
    /// `open_with_passphrase`).
    pub fn open(self) -> Result<Store, OpenError> {
        let dir = self.dir.as_path();
        let sqlite = |source| OpenError::Sqlite {
            dir: dir.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = checked_connection(dir, &self.key, flags, &self.settings).map_err(sqlite)?;
        conn.pragma_update(None, "query_only", "ON")
            .map_err(sqlite)?;
        conn.pragma_update(None, "cache_size", PAGE_CACHE_SIZE)
            .map_err(sqlite)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sqlite)?;
        Ok(Store {
            conn,
            dir: self.dir.clone(),
            key_source: self.key_source,
            local_user_id: self.local_user_id,
            checkpointer: None,
            key: self.key,
            settings: self.settings,
        })
    }
}

/// Opens a passphrase store keyed with the raw key derived here, once: the
/// checkpoint thread's and the reader's connections, keyed with it too,
/// derive nothing (each derivation is ~0.2 s of CPU, the reader's at the
/// moment the window first draws). Should that key fail where the passphrase
/// itself opens the store (a SQLCipher deriving differently one day), the
/// passphrase is used as it is: a slower start, never a locked-out user. A
/// wrong passphrase is so tried twice (~0.4 s instead of ~0.2 s), and
/// refused without a byte of the file written.
fn open_with_passphrase(
    dir: &Path,
    passphrase: &Zeroizing<String>,
    flags: OpenFlags,
    settings: &StoreSettings,
) -> Result<Store, OpenError> {
    let given = DatabaseKey::Passphrase(passphrase.clone());
    let Some(derived) = DatabaseKey::derived(passphrase, &dir.join(DATABASE_FILE_NAME)) else {
        return open_database(dir, &given, flags, settings);
    };
    match open_database(dir, &derived, flags, settings) {
        Err(OpenError::WrongKey { .. }) => {
            let store = open_database(dir, &given, flags, settings)?;
            tracing::warn!(
                "the key derived from the passphrase did not open the database, the passphrase did: SQLCipher derives each connection's key"
            );
            Ok(store)
        }
        opened => opened,
    }
}

/// Opens the store's connection: key, verify, pragmas, migrations.
fn open_database(
    dir: &Path,
    key: &DatabaseKey,
    flags: OpenFlags,
    settings: &StoreSettings,
) -> Result<Store, OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        dir: dir.to_path_buf(),
        source,
    };
    if settings.format > CURRENT_FORMAT {
        return Err(OpenError::Settings {
            path: StoreSettings::path(dir),
            reason: format!(
                "this database was made by a newer Candor (format {}); update Candor to open it",
                settings.format
            ),
        });
    }
    let keying = KEYING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut conn = keyed_connection(dir, key, flags, settings).map_err(sqlite)?;

    let cipher_version: String = conn
        .query_row("PRAGMA cipher_version", [], |row| row.get(0))
        .unwrap_or_default();
    if cipher_version.is_empty() {
        return Err(OpenError::NotEncryptedBuild);
    }

    // Reading the schema is the first access that needs the key; a wrong key
    // shows here as "file is not a database".
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    }) {
        return Err(match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => OpenError::WrongKey {
                dir: dir.to_path_buf(),
            },
            _ => sqlite(e),
        });
    }

    drop(keying);

    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(sqlite)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sqlite)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    conn.pragma_update(None, "cache_size", PAGE_CACHE_SIZE)
        .map_err(sqlite)?;
    // Deleted content is overwritten, not left readable in free pages.
    conn.pragma_update(None, "secure_delete", "ON")
        .map_err(sqlite)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sqlite)?;

    migrations::apply(&mut conn, dir)?;
    let local_user_id = users::ensure_local_user(&conn).map_err(sqlite)?;

    let checkpointer = {
        let (dir, key, settings) = (dir.to_path_buf(), key.clone(), settings.clone());
        Checkpointer::start(&mut conn, move || {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            checked_connection(&dir, &key, flags, &settings)
        })
    };

    Ok(Store {
        conn,
        dir: dir.to_path_buf(),
        key_source: settings.key_source,
        local_user_id,
        checkpointer,
        key: key.clone(),
        settings: settings.clone(),
    })
}

// SQLCipher sets up its crypto provider (OpenSSL) when the first key is
// given; two threads keying their first connections at the same moment
// have been seen to fail with "An error occurred with PRAGMA key" (the
// store's tests open many databases in parallel). Opening is rare, so
// keying one connection at a time costs nothing.
static KEYING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every page read from disk is decrypted and authenticated: a larger cache
/// (32 MB, against SQLite's 2 MB; negative means KiB) reads each one less
/// often. Each connection has its own.
const PAGE_CACHE_SIZE: i64 = -32_768;

/// A further connection to an open store (the checkpoint thread's, the
/// reader): keyed one at a time (see [`KEYING`]) and read once, so a key
/// that does not fit fails here rather than at its first use.
fn checked_connection(
    dir: &Path,
    key: &DatabaseKey,
    flags: OpenFlags,
    settings: &StoreSettings,
) -> rusqlite::Result<Connection> {
    let _keying = KEYING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let conn = keyed_connection(dir, key, flags, settings)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })?;
    Ok(conn)
}

/// The one function that makes a connection: opened and keyed as
/// `store.json` says (page size and HMAC are part of the file format). The
/// key is not checked here: the first read is what fails on a wrong key.
#[allow(clippy::disallowed_methods)] // the single sanctioned call site
fn keyed_connection(
    dir: &Path,
    key: &DatabaseKey,
    flags: OpenFlags,
    settings: &StoreSettings,
) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(dir.join(DATABASE_FILE_NAME), flags)?;

    // SQLCipher logs every failed page to stderr by default, which floods the
    // CLI and the app's log on a damaged file; the failures still reach us as
    // SQLite error codes, which is where we handle them.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;

    // The key must be the first statement that touches the database.
    match key {
        DatabaseKey::Raw(hex) => {
            // `x'..'` tells SQLCipher this is a raw key, not a passphrase to derive from.
            let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()));
            conn.execute_batch(&pragma)?;
        }
        DatabaseKey::Passphrase(p) => {
            conn.pragma_update(None, "key", p.as_str())?;
        }
    }
    if settings.format >= 2 {
        // Format 2 pages are 16 KB instead of SQLCipher's 4 KB: every page
        // is encrypted and authenticated on its own, and a mailbox is mostly
        // raw sources tens of kilobytes long, so larger pages mean a quarter
        // of the per-page work and overflow chains; a first sync of 20,000
        // messages took 18.6 s instead of 22.5 s (BENCHMARKS.md). The page
        // size is part of the file format: set before the first access, on
        // every open. Format 1 databases keep SQLCipher's defaults.
        conn.execute_batch("PRAGMA cipher_page_size = 16384;")?;
    }
    if settings.format >= 3 {
        conn.execute_batch(&format!(
            "PRAGMA cipher_hmac_algorithm = {};",
            settings.page_hmac.sqlcipher_name()
        ))?;
    }
    Ok(conn)
}

/// Creates the data directory, readable by its owner only on Unix.
fn create_private_dir(dir: &Path) -> Result<(), OpenError> {
    let io = |source| OpenError::Io {
        dir: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        // The user's own directory: leave its permissions as they chose.
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}

//! Where the database key comes from.
//!
//! Two modes, chosen when the database is created and remembered in a small
//! settings file beside it (`store.json`, which holds no secret):
//! - **keyring**: a random 256-bit key, created on first run and kept in the
//!   OS keyring (Windows Credential Manager, macOS Keychain, Secret Service).
//! - **passphrase**: the key is derived from the user's passphrase as
//!   SQLCipher 4 does (PBKDF2-HMAC-SHA512 with a per-file random salt), for
//!   machines without a keyring and for headless use (`CANDOR_PASSPHRASE`).
//!   A new store is keyed with the passphrase and SQLCipher derives; an
//!   existing one with the key derived here once (see [`passphrase_raw_key`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::OpenError;

/// The keyring service name under which Candor keeps its secrets.
pub const KEYRING_SERVICE: &str = "Candor";

/// What the caller offers to unlock (or create) the database.
pub enum Unlock {
    /// Use the OS keyring: read the key of an existing database, or create
    /// and store a new one.
    Keyring,
    /// Use this passphrase. For a new database it selects passphrase mode even
    /// when a keyring exists, so headless runs never touch the user's keyring.
    Passphrase(Zeroizing<String>),
}

impl fmt::Debug for Unlock {
    // Never print the passphrase.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keyring => f.write_str("Unlock::Keyring"),
            Self::Passphrase(_) => f.write_str("Unlock::Passphrase(<redacted>)"),
        }
    }
}

/// How an existing database is keyed (persisted in `store.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keyring,
    Passphrase,
}

impl KeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keyring => "keyring",
            Self::Passphrase => "passphrase",
        }
    }
}

/// A place to keep secrets: the OS keyring in production. The trait exists so
/// the key-handling rules can be tested without touching a real keyring; the
/// scenario tests run the real one (Secret Service) as well.
pub trait KeyVault {
    /// `Ok(None)` when there is no entry; `Err` when the vault itself is unusable.
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, String>;
    fn set(&self, account: &str, secret: &str) -> Result<(), String>;
    fn delete(&self, account: &str) -> Result<(), String>;
}

/// The operating system's keyring, through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

impl KeyVault for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, String> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())?;
        entry.set_password(secret).map_err(|e| e.to_string())
    }

    fn delete(&self, account: &str) -> Result<(), String> {
        let entry = keyring::Entry::new(KEYRING_SERVICE, account).map_err(|e| e.to_string())?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// The database key as SQLCipher takes it.
#[derive(Clone)]
pub(crate) enum DatabaseKey {
    /// 32 random bytes, hex-encoded (64 characters).
    Raw(Zeroizing<String>),
    Passphrase(Zeroizing<String>),
}

/// SQLCipher 4's passphrase derivation, with which every passphrase store was
/// keyed: PBKDF2-HMAC-SHA512, 256,000 iterations, a 32-byte key, over the
/// 16-byte random salt SQLCipher writes at the start of the database file.
const KDF_ITERATIONS: std::num::NonZeroU32 = match std::num::NonZeroU32::new(256_000) {
    Some(n) => n,
    None => unreachable!(),
};
pub const SALT_LEN: usize = 16;

/// The raw key (hex) SQLCipher derives from `passphrase` for a database
/// with this salt. Keying a connection with it (`x'..'`) skips the
/// derivation, ~0.2 s of CPU: a process derives once and keys its writer,
/// checkpoint thread and reader with the result.
pub fn passphrase_raw_key(passphrase: &str, salt: &[u8; SALT_LEN]) -> Zeroizing<String> {
    let mut key = Zeroizing::new([0u8; 32]);
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA512,
        KDF_ITERATIONS,
        salt,
        passphrase.as_bytes(),
        key.as_mut_slice(),
    );
    Zeroizing::new(hex::encode(key.as_slice()))
}

impl DatabaseKey {
    /// The raw key for an existing database from its passphrase, its salt
    /// read from the file; None when there is no salt to read (no file yet).
    pub(crate) fn derived(passphrase: &str, database: &Path) -> Option<Self> {
        use std::io::Read;
        let mut salt = [0u8; SALT_LEN];
        std::fs::File::open(database)
            .and_then(|mut file| file.read_exact(&mut salt))
            .ok()?;
        Some(Self::Raw(passphrase_raw_key(passphrase, &salt)))
    }
}

/// Says which kind of key, never the key.
impl std::fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Raw(_) => "DatabaseKey::Raw(..)",
            Self::Passphrase(_) => "DatabaseKey::Passphrase(..)",
        })
    }
}

/// `store.json`: how the database beside it is keyed. No secrets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoreSettings {
    pub format: u32,
    pub key_source: KeySource,
    /// The keyring entry holding the key (keyring mode only). Unique per
    /// database, so several data directories can coexist on one machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyring_account: Option<String>,
    /// How each page is authenticated (format 3 on; SHA-512 before).
    #[serde(default)]
    pub page_hmac: PageHmac,
}

/// The HMAC SQLCipher authenticates every page with, chosen when the store
/// is made and kept in `store.json`: it is part of the file format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PageHmac {
    /// SQLCipher 4's default.
    #[default]
    Sha512,
    Sha256,
}

impl PageHmac {
    /// HMAC-SHA256 where the processor computes SHA-256 in hardware (x86's
    /// SHA extensions, ARMv8's SHA2), SHA-512 elsewhere. Both are sound page
    /// authenticators; what differs is the cost, paid on every page written
    /// and read: with the extensions SHA-256 ran at 1.4 GB/s against
    /// SHA-512's 0.43 GB/s here (`openssl speed`), and SHA-512 was the
    /// largest single cost of a first sync. Without them SHA-512 is the
    /// faster on 64-bit processors.
    pub(crate) fn fastest_here() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("sha") {
            return Self::Sha256;
        }
        #[cfg(target_arch = "aarch64")]
        if std::arch::is_aarch64_feature_detected!("sha2") {
            return Self::Sha256;
        }
        Self::Sha512
    }

    /// The value of `PRAGMA cipher_hmac_algorithm`.
    pub(crate) fn sqlcipher_name(self) -> &'static str {
        match self {
            Self::Sha512 => "HMAC_SHA512",
            Self::Sha256 => "HMAC_SHA256",
        }
    }
}

pub(crate) const SETTINGS_FILE_NAME: &str = "store.json";

/// The database format new stores get. 1: SQLCipher 4's defaults (4 KB
/// pages); 2: 16 KB pages (see `open_database`); 3: 16 KB pages
/// authenticated with the HMAC `page_hmac` names. All are opened.
pub(crate) const CURRENT_FORMAT: u32 = 3;

impl StoreSettings {
    /// The settings of a store made now: the current format, and the page
    /// HMAC fastest on this processor.
    pub(crate) fn for_new_store(key_source: KeySource, keyring_account: Option<String>) -> Self {
        Self {
            format: CURRENT_FORMAT,
            key_source,
            keyring_account,
            page_hmac: PageHmac::fastest_here(),
        }
    }

    pub(crate) fn path(dir: &Path) -> PathBuf {
        dir.join(SETTINGS_FILE_NAME)
    }

    pub(crate) fn read(dir: &Path) -> Result<Self, OpenError> {
        let path = Self::path(dir);
        let text = std::fs::read_to_string(&path).map_err(|e| OpenError::Settings {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        serde_json::from_str(&text).map_err(|e| OpenError::Settings {
            path,
            reason: e.to_string(),
        })
    }

    /// Written to a temporary file and renamed, so a crash leaves either the
    /// old file or the new one, never half of one.
    pub(crate) fn write(&self, dir: &Path) -> Result<(), OpenError> {
        let io = |source| OpenError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        let text = serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        let tmp = dir.join(format!("{SETTINGS_FILE_NAME}.tmp"));
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, Self::path(dir)).map_err(io)
    }
}

/// A fresh random key, hex-encoded, from the OS's CSPRNG.
pub(crate) fn generate_raw_key() -> Result<Zeroizing<String>, OpenError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| OpenError::Io {
        dir: PathBuf::new(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(Zeroizing::new(hex::encode(bytes.as_ref())))
}

/// A keyring account name unique to one database.
pub(crate) fn new_keyring_account() -> Result<String, OpenError> {
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| OpenError::Io {
        dir: PathBuf::new(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(format!("database-key-{}", hex::encode(id)))
}

pub(crate) fn is_valid_raw_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

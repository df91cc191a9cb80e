//! Opening, creating and keying the store, including the faults the user can
//! run into: a wrong passphrase, a key lost from the keyring, no keyring at
//! all, a database from a newer Candor. In every fault the file on disk must
//! stay byte-for-byte as it was.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use candor_store::records::{RecordFields, RecordInput};
use candor_store::{KeySource, KeyVault, OpenError, Store, Unlock};
use zeroize::Zeroizing;

mod common;

/// An in-memory key vault standing in for the OS keyring.
#[derive(Default)]
struct MemoryVault {
    entries: RefCell<HashMap<String, String>>,
    broken: bool,
}

impl MemoryVault {
    fn broken() -> Self {
        Self {
            broken: true,
            ..Self::default()
        }
    }
}

impl KeyVault for MemoryVault {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, String> {
        if self.broken {
            return Err("no secret service on the session bus".into());
        }
        Ok(self
            .entries
            .borrow()
            .get(account)
            .cloned()
            .map(Zeroizing::new))
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        if self.broken {
            return Err("no secret service on the session bus".into());
        }
        self.entries
            .borrow_mut()
            .insert(account.into(), secret.into());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<(), String> {
        self.entries.borrow_mut().remove(account);
        Ok(())
    }
}

fn passphrase(p: &str) -> Unlock {
    Unlock::Passphrase(Zeroizing::new(p.to_owned()))
}

fn candidate(first: &str, last: &str, email: &str) -> RecordInput {
    RecordInput {
        fields: RecordFields::Candidate {
            first_name: first.into(),
            last_name: last.into(),
            emails: vec![email.into()],
            phones: vec![],
            current_title: Some("Staff engineer".into()),
            current_employer: None,
        },
        notes: "Met at the Kraków meetup; 想要远程工作".into(),
    }
}

/// Writes `PRAGMA user_version` through a connection of the test's own.
fn set_user_version(dir: &Path, passphrase: &str, version: u32) {
    common::own_connection_to_store(dir, passphrase)
        .pragma_update(None, "user_version", version)
        .expect("user_version");
}

/// Whether `conn` can read the database it was opened on.
fn can_read(conn: &rusqlite::Connection) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok()
}

/// Whether a connection of the test's own, keyed with `passphrase`, the
/// given SQLCipher page size and SQLCipher's default page HMAC (SHA-512),
/// can read the database.
fn readable_with_page_size(dir: &Path, passphrase: &str, page_size: u32) -> bool {
    can_read(&common::own_connection(dir, passphrase, Some(page_size)))
}

/// New databases (format 3) have 16 KB pages (a quarter of the per-page
/// encryption work for a mailbox's raw sources) authenticated with the HMAC
/// their store.json names (SHA-256 where the processor has SHA extensions);
/// databases made before, with SQLCipher's defaults (format 1) or with 16 KB
/// pages and HMAC-SHA512 (format 2), open and migrate as they are.
#[test]
fn new_databases_have_16_kb_pages_and_the_named_hmac_and_older_formats_still_open() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = MemoryVault::default();

    let new = tmp.path().join("new");
    close(Store::open(&new, &passphrase("pw-for-test"), &vault, true).expect("create"));
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(new.join("store.json")).expect("read"))
            .expect("json");
    assert_eq!(settings["format"], 3);
    let hmac = settings["page_hmac"].as_str().expect("page_hmac named");
    let other = match hmac {
        "sha256" => "HMAC_SHA512",
        "sha512" => "HMAC_SHA256",
        unknown => panic!("unknown page HMAC {unknown}"),
    };
    assert!(can_read(&common::own_connection_to_store(
        &new,
        "pw-for-test"
    )));
    assert!(!readable_with_page_size(&new, "pw-for-test", 4_096));
    let with_other_hmac = common::own_connection(&new, "pw-for-test", Some(16_384));
    with_other_hmac
        .pragma_update(None, "cipher_hmac_algorithm", other)
        .expect("hmac");
    assert!(
        !can_read(&with_other_hmac),
        "the HMAC is part of the format: {other} does not read it"
    );

    // Formats 1 and 2, as Candor made them before.
    for (format, page_size) in [(1, 4_096), (2, 16_384)] {
        let old = tmp.path().join(format!("format-{format}"));
        std::fs::create_dir_all(&old).expect("dir");
        std::fs::write(
            old.join("store.json"),
            format!(r#"{{ "format": {format}, "key_source": "passphrase" }}"#),
        )
        .expect("settings");
        let made_before = common::own_connection(&old, "pw-for-test", Some(page_size));
        made_before
            .execute_batch("CREATE TABLE made_before (a); DROP TABLE made_before;")
            .expect("write");
        drop(made_before);
        assert!(readable_with_page_size(&old, "pw-for-test", page_size));
        let mut store = Store::open(&old, &passphrase("pw-for-test"), &vault, false).expect("open");
        let id = store
            .insert_record(&candidate("Anna", "Nowak", "anna@example.com"), false)
            .expect("write");
        close(store);
        let store = Store::open(&old, &passphrase("pw-for-test"), &vault, false).expect("reopen");
        assert!(store.get_record(id).expect("read").is_some());
        close(store);
        assert!(
            readable_with_page_size(&old, "pw-for-test", page_size),
            "format {format} keeps its pages and HMAC"
        );
    }
}

/// An existing passphrase store is keyed with the raw key Candor derives
/// once per process (its writer, checkpoint thread and reader then derive
/// nothing): that key must be exactly the one SQLCipher derives from the
/// passphrase, which keyed the store when it was made, or users would be
/// locked out of their data.
#[test]
fn the_key_derived_from_a_passphrase_is_the_one_sqlcipher_derives() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let vault = MemoryVault::default();
    let mut store = Store::open(&dir, &passphrase("pw-for-test"), &vault, true).expect("create");
    let id = store
        .insert_record(&candidate("Anna", "Nowak", "anna@example.com"), false)
        .expect("write");
    close(store);

    let bytes = file_bytes(&dir);
    let salt: [u8; candor_store::SALT_LEN] =
        bytes[..candor_store::SALT_LEN].try_into().expect("salt");
    let raw = |p: &str| format!("x'{}'", candor_store::passphrase_raw_key(p, &salt).as_str());
    assert!(can_read(&common::own_connection_to_store(
        &dir,
        &raw("pw-for-test")
    )));
    assert!(!can_read(&common::own_connection_to_store(
        &dir,
        &raw("pw-for-tesT")
    )));

    // And the store opens through it, with everything in it.
    let store = Store::open(&dir, &passphrase("pw-for-test"), &vault, false).expect("reopen");
    assert!(store.get_record(id).expect("read").is_some());
    close(store);
    let wrong = Store::open(&dir, &passphrase("pw-for-tesT"), &vault, false);
    assert!(matches!(wrong, Err(OpenError::WrongKey { .. })));
}

fn file_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("candor.db")).expect("database file exists")
}

/// Closes the store and folds the WAL into the main file, so the bytes on
/// disk are the whole database.
fn close(store: Store) {
    drop(store);
}

#[test]
fn keyring_mode_creates_a_random_key_and_reopens_with_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let vault = MemoryVault::default();

    let mut store = Store::open(&dir, &Unlock::Keyring, &vault, true).expect("create");
    assert_eq!(store.key_source(), KeySource::Keyring);
    let id = store
        .insert_record(&candidate("Zofia", "Wiśniewska", "zofia@example.pl"), false)
        .expect("insert");
    close(store);

    let keys: Vec<String> = vault.entries.borrow().values().cloned().collect();
    assert_eq!(keys.len(), 1, "exactly one key is stored in the keyring");
    assert_eq!(keys[0].len(), 64, "the key is 256 bits, hex-encoded");
    let settings = std::fs::read_to_string(dir.join("store.json")).expect("settings");
    assert!(
        !settings.contains(&keys[0]),
        "the key must never be written beside the database"
    );

    let store =
        Store::open(&dir, &Unlock::Keyring, &vault, false).expect("reopen with the keyring");
    let record = store
        .get_record(id)
        .expect("read")
        .expect("record survives a reopen");
    assert_eq!(record.display_name, "Zofia Wiśniewska");
}

#[test]
fn two_databases_get_two_different_keys() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let vault = MemoryVault::default();
    close(Store::open(&tmp.path().join("a"), &Unlock::Keyring, &vault, true).expect("a"));
    close(Store::open(&tmp.path().join("b"), &Unlock::Keyring, &vault, true).expect("b"));
    let keys: Vec<String> = vault.entries.borrow().values().cloned().collect();
    assert_eq!(
        keys.len(),
        2,
        "each data directory has its own keyring entry"
    );
    assert_ne!(
        keys[0], keys[1],
        "keys are random, not derived from anything shared"
    );
}

#[test]
fn nothing_stored_is_readable_in_the_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let mut store = Store::open(
        &dir,
        &passphrase("correct horse battery"),
        &MemoryVault::default(),
        true,
    )
    .expect("create");
    store
        .insert_record(
            &candidate(
                "Quintessa",
                "Marchbanks",
                "quintessa.marchbanks@example.com",
            ),
            false,
        )
        .expect("insert");
    close(store);

    let bytes = file_bytes(&dir);
    assert!(
        !bytes.starts_with(b"SQLite format 3\0"),
        "an encrypted file has no plaintext SQLite header"
    );
    for needle in [
        "Quintessa",
        "Marchbanks",
        "quintessa.marchbanks@example.com",
        "Staff engineer",
        "CREATE TABLE",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle:?} must not appear in clear in the database file"
        );
    }
}

#[test]
fn a_wrong_passphrase_is_refused_and_the_file_is_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let vault = MemoryVault::default();
    let mut store = Store::open(&dir, &passphrase("the right one"), &vault, true).expect("create");
    store
        .insert_record(&candidate("Ada", "Nowak", "ada@example.pl"), false)
        .expect("insert");
    close(store);
    let before = file_bytes(&dir);

    let err = Store::open(&dir, &passphrase("the wrong one"), &vault, true)
        .expect_err("wrong passphrase");
    assert!(matches!(err, OpenError::WrongKey { .. }), "got {err:?}");
    assert!(
        err.to_string().contains("passphrase or key is wrong"),
        "the message says what went wrong: {err}"
    );
    assert_eq!(
        file_bytes(&dir),
        before,
        "a failed unlock must not rewrite or re-initialise the file"
    );

    let err = Store::open(&dir, &Unlock::Keyring, &vault, true).expect_err("no passphrase given");
    assert!(
        matches!(err, OpenError::PassphraseRequired { .. }),
        "got {err:?}"
    );
    assert!(
        err.to_string().contains("CANDOR_PASSPHRASE"),
        "the message says how to supply it: {err}"
    );

    let store = Store::open(&dir, &passphrase("the right one"), &vault, false)
        .expect("right passphrase still works");
    assert_eq!(
        store
            .list_records(candor_store::records::RecordKind::Candidate)
            .expect("list")
            .len(),
        1
    );
}

#[test]
fn a_key_missing_from_the_keyring_is_an_error_not_a_new_database() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let vault = MemoryVault::default();
    let mut store = Store::open(&dir, &Unlock::Keyring, &vault, true).expect("create");
    store
        .insert_record(&candidate("Ada", "Nowak", "ada@example.pl"), false)
        .expect("insert");
    close(store);
    let before = file_bytes(&dir);

    vault.entries.borrow_mut().clear();
    let err = Store::open(&dir, &Unlock::Keyring, &vault, true).expect_err("key is gone");
    assert!(matches!(err, OpenError::KeyMissing { .. }), "got {err:?}");
    assert!(
        err.to_string().contains("left untouched"),
        "the user is told their data is safe: {err}"
    );
    assert_eq!(
        file_bytes(&dir),
        before,
        "the database must not be replaced when its key is missing"
    );
    assert!(
        vault.entries.borrow().is_empty(),
        "no new key may be generated for an existing database"
    );
}

#[test]
fn without_a_keyring_creation_asks_for_a_passphrase() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let err =
        Store::open(&dir, &Unlock::Keyring, &MemoryVault::broken(), true).expect_err("no keyring");
    assert!(
        matches!(err, OpenError::KeyringUnavailable { .. }),
        "got {err:?}"
    );
    assert!(
        err.to_string().contains("CANDOR_PASSPHRASE"),
        "the message offers passphrase mode: {err}"
    );
    assert!(
        !dir.join("candor.db").exists(),
        "no database is created without a way to key it"
    );

    let store = Store::open(
        &dir,
        &passphrase("long enough passphrase"),
        &MemoryVault::broken(),
        true,
    )
    .expect("passphrase mode needs no keyring");
    assert_eq!(store.key_source(), KeySource::Passphrase);
}

#[test]
fn open_without_create_does_not_make_a_database() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("typo");
    let err = Store::open(&dir, &passphrase("x"), &MemoryVault::default(), false)
        .expect_err("no database");
    assert!(
        matches!(err, OpenError::NotInitialized { .. }),
        "got {err:?}"
    );
    assert!(
        !dir.exists(),
        "a mistyped --data-dir must not create anything"
    );
}

#[test]
fn a_database_from_a_newer_candor_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let vault = MemoryVault::default();
    close(Store::open(&dir, &passphrase("pw-for-test"), &vault, true).expect("create"));
    // What a newer Candor would leave behind: a higher user_version.
    set_user_version(
        &dir,
        "pw-for-test",
        candor_store::migrations::latest_version() + 1,
    );
    let before = file_bytes(&dir);

    let err =
        Store::open(&dir, &passphrase("pw-for-test"), &vault, false).expect_err("newer schema");
    match &err {
        OpenError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, candor_store::migrations::latest_version() + 1);
            assert_eq!(*supported, candor_store::migrations::latest_version());
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(
        err.to_string().contains("Update Candor"),
        "the message says what to do: {err}"
    );
    assert_eq!(
        file_bytes(&dir),
        before,
        "a newer database must not be migrated down or touched"
    );
}

#[test]
fn check_reports_encryption_schema_and_full_text_search() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = Store::open(
        &tmp.path().join("data"),
        &passphrase("pw-for-test"),
        &MemoryVault::default(),
        true,
    )
    .expect("create");
    let report = store.check().expect("check");
    assert!(
        report.encrypted,
        "the file must not carry the plaintext SQLite header"
    );
    assert!(
        report.intact(),
        "a fresh database is intact: {:?}",
        report.problems
    );
    assert_eq!(
        report.schema_version,
        candor_store::migrations::latest_version()
    );
    assert!(
        !report.cipher_version.is_empty(),
        "SQLCipher reports its version"
    );
    assert!(
        report.fts5,
        "FTS5 must be compiled into the SQLCipher build (search needs it)"
    );
    assert!(
        report.fts5_trigram,
        "the trigram tokenizer must find words inside unspaced Chinese text"
    );
}

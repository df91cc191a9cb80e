//! What the store's tests and benchmarks share.
#![allow(dead_code)] // each test file uses part of it

use candor_store::messages::{AddressRole, Inserted, NewAddress, NewMessage};
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

/// A new store in `dir` with a local account ("Archive") and its Inbox:
/// the store, the account and the Inbox.
pub fn store_with_inbox(dir: &std::path::Path, passphrase: &str) -> (Store, i64, i64) {
    let mut store = open_store(dir, passphrase);
    let account = store
        .insert_local_account("Archive", "tom@agency.example")
        .expect("account");
    let inbox = store
        .ensure_folder(account, "INBOX", Some("inbox"))
        .expect("folder");
    (store, account, inbox)
}

/// One conversation per stored message, as threading makes of unrelated mail.
pub fn thread_each(store: &mut Store, stored: Vec<Inserted>) {
    let groups: Vec<Vec<i64>> = stored
        .into_iter()
        .map(|inserted| vec![inserted.id()])
        .collect();
    store.apply_threads(&groups).expect("threads");
}

/// Message `n`: subject, sender, Message-ID and date all numbered `n`;
/// flagged when `n` is 3.
pub fn message(account_id: i64, folder_id: i64, n: i64, seen: bool) -> NewMessage {
    NewMessage {
        account_id,
        folder_id,
        uid: None,
        pop3_uidl: None,
        message_id_header: Some(format!("m{n}@test")),
        in_reply_to: None,
        references: None,
        subject: format!("Subject {n}"),
        sent_at: Some(1_764_000_000 + n),
        received_at: 1_764_000_000 + n,
        is_seen: seen,
        is_flagged: n == 3,
        is_answered: false,
        is_draft: false,
        addresses: vec![NewAddress {
            role: AddressRole::From,
            address: format!("sender{n}@test"),
            display_name: None,
        }],
        text_plain: Some("Hello".into()),
        text_html: None,
        attachments: Vec::new(),
        parse_error: None,
        raw: format!("Message-ID: <m{n}@test>\r\n\r\nHello\r\n").into_bytes(),
        prepared_source: None,
    }
}

//! Raw sources are stored compressed and given back byte for byte: prepared
//! ahead (as the sync does, off the store's lock) or by the store itself;
//! a source that does not compress is kept as it is; and imported mail is
//! still known again by its source's hash.

use candor_store::messages::{Inserted, NewMessage};

mod common;

fn message(account_id: i64, folder_id: i64, raw: Vec<u8>) -> NewMessage {
    NewMessage {
        account_id,
        folder_id,
        subject: "Source".into(),
        received_at: 1_764_000_000,
        raw,
        ..NewMessage::default()
    }
}

#[test]
fn sources_come_back_byte_for_byte_however_they_were_stored() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "sources test");

    // Text and base64 compress well; CRLF, 8-bit bytes and a NUL must survive.
    let text = [
        b"Message-ID: <a@test>\r\nSubject: =?UTF-8?B?xbt5Y2lvcnlz?=\r\n\r\n".as_slice(),
        "Dzień dobry, w załączniku CV.\r\n".repeat(200).as_bytes(),
        b"\xff\x00\xfe trailing 8-bit\r\n",
    ]
    .concat();
    // Bytes without repetition do not compress: stored as they are.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..50_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();

    let mut prepared = message(account, inbox, text.clone());
    prepared.prepare_source();
    let plain = message(
        account,
        inbox,
        [b"Message-ID: <b@test>\r\n\r\n".as_slice(), &text].concat(),
    );
    let random = message(account, inbox, noise.clone());
    let stored = store
        .insert_messages(&[prepared.clone(), plain.clone(), random])
        .expect("insert");
    assert!(stored.iter().all(|s| matches!(s, Inserted::New(_))));

    assert_eq!(store.message_raw(stored[0].id()).expect("read"), Some(text));
    assert_eq!(
        store.message_raw(stored[1].id()).expect("read"),
        Some(plain.raw)
    );
    assert_eq!(
        store.message_raw(stored[2].id()).expect("read"),
        Some(noise)
    );
    assert_eq!(store.message_raw(999_999).expect("read"), None);

    // Imported mail (no UID) is known again by its source, prepared or not.
    let again = store.insert_messages(&[prepared]).expect("again");
    assert_eq!(again[0], Inserted::Duplicate(stored[0].id()));
}

//! The store's read-only second connection (`Store::reader_opener`), which the
//! app's lists and conversations read through. What must hold: it answers
//! while a write transaction is open (a sync's batch of 1,000 messages),
//! shows what is committed and nothing uncommitted, sees each commit at
//! once, and cannot write; within a read snapshot, several statements see
//! one state of the database.

use candor_store::Store;
use candor_store::messages::{Inserted, ThreadFilter, ThreadSummary};

mod common;

const PASSPHRASE: &str = "reader test";

fn inbox_threads(reader: &Store, account: i64) -> Vec<ThreadSummary> {
    reader
        .list_threads(&ThreadFilter {
            account_id: Some(account),
            folder: Some("inbox".into()),
            folder_id: None,
            after: None,
            limit: 10,
        })
        // A read that waited for the write would fail here with "database
        // is locked" after the 5 s busy timeout: WAL lets it through.
        .expect("the reader answers while the write is open")
}

/// A store with one conversation in its Inbox, and its reader: the store,
/// the reader, the account, the Inbox and the stored message.
fn store_and_reader(dir: &std::path::Path) -> (Store, Store, i64, i64, Inserted) {
    let (mut store, account, inbox) = common::store_with_inbox(dir, PASSPHRASE);
    let first = store
        .insert_message(&common::message(account, inbox, 1, false))
        .expect("insert");
    common::thread_each(&mut store, vec![first]);
    let reader = store.reader_opener().open().expect("open the reader");
    (store, reader, account, inbox, first)
}

#[test]
fn a_reader_answers_beside_a_write_in_progress_and_sees_only_what_is_committed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, reader, account, inbox, first) = store_and_reader(dir.path());
    assert_eq!(inbox_threads(&reader, account)[0].subject, "Subject 1");

    // Another connection plays a sync in the middle of its batch.
    let sync = common::own_connection_to_store(dir.path(), PASSPHRASE);
    sync.execute_batch("BEGIN IMMEDIATE; UPDATE threads SET subject = 'Not yet committed';")
        .expect("a write transaction");
    let during = inbox_threads(&reader, account);
    assert_eq!(
        during[0].subject, "Subject 1",
        "the reader shows the last commit, not a write in progress"
    );
    sync.execute_batch("COMMIT").expect("commit");
    assert_eq!(
        inbox_threads(&reader, account)[0].subject,
        "Not yet committed",
        "the reader sees a commit at once"
    );
    drop(sync);

    // The store's own writes reach it too, and the writer is not held up.
    let second = store
        .insert_message(&common::message(account, inbox, 2, false))
        .expect("the writer writes with a reader open");
    common::thread_each(&mut store, vec![first, second]);
    assert_eq!(inbox_threads(&reader, account).len(), 2);

    // And it cannot write: a write routed to it by mistake is an error, not
    // a change the writer does not know of.
    let mut reader = reader;
    let error = reader
        .insert_messages(&[common::message(account, inbox, 3, false)])
        .expect_err("the reader cannot write");
    assert!(
        error.to_string().contains("readonly"),
        "the error says why: {error}"
    );
    assert_eq!(inbox_threads(&reader, account).len(), 2);
}

/// A conversation is read in several statements (its summary, then its
/// messages); a sync committing between them must not show a thread whose
/// messages have moved on. Within a snapshot the reader keeps seeing the
/// database as at the snapshot's first read; after it, the commit.
#[test]
fn a_read_snapshot_sees_one_state_of_the_database_across_statements() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, reader, account, inbox, first) = store_and_reader(dir.path());

    assert!(reader.begin_read_snapshot(), "a snapshot starts");
    assert_eq!(inbox_threads(&reader, account).len(), 1);
    // A sync commits a new conversation between two reads of the snapshot.
    let second = store
        .insert_message(&common::message(account, inbox, 2, false))
        .expect("the writer commits during the snapshot");
    common::thread_each(&mut store, vec![first, second]);
    assert_eq!(
        inbox_threads(&reader, account).len(),
        1,
        "the snapshot's second read sees what its first one saw"
    );
    reader.end_read_snapshot();
    assert_eq!(
        inbox_threads(&reader, account).len(),
        2,
        "after the snapshot, the commit"
    );
}

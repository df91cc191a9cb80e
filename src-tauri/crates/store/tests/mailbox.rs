//! What the Email tab reads: each folder's unread and total counts, and the
//! thread list page by page (keyset paging: a page starts after the last
//! thread of the one before, so a list that changes between pages neither
//! repeats nor skips a thread).

use candor_store::messages::{AddressRole, NewAddress, NewMessage, ThreadFilter};

mod common;

#[test]
fn folders_carry_their_unread_and_total_counts_inbox_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = common::open_store(tmp.path(), "mailbox test");
    let account = store
        .insert_local_account("Work", "me@test")
        .expect("account");
    let archive = store
        .ensure_folder(account, "Archive", Some("archive"))
        .expect("folder");
    let clients = store
        .ensure_folder(account, "Clients/Acme", None)
        .expect("folder");
    let inbox = store
        .ensure_folder(account, "INBOX", Some("inbox"))
        .expect("folder");
    let stored = store
        .insert_messages(&[
            common::message(account, inbox, 1, false),
            common::message(account, inbox, 2, false),
            common::message(account, inbox, 3, true),
            common::message(account, archive, 4, true),
            common::message(account, clients, 5, false),
        ])
        .expect("insert");
    common::thread_each(&mut store, stored);

    let folders = store.folder_overview().expect("folders");
    let summary: Vec<(&str, i64, i64)> = folders
        .iter()
        .map(|f| (f.name.as_str(), f.unread, f.total))
        .collect();
    assert_eq!(
        summary,
        vec![("INBOX", 2, 3), ("Archive", 0, 1), ("Clients/Acme", 1, 1)],
        "the Inbox first, then roles, then the user's folders"
    );
}

#[test]
fn thread_pages_follow_on_without_repeats_or_gaps() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = common::open_store(tmp.path(), "mailbox test");
    let account = store
        .insert_local_account("Work", "me@test")
        .expect("account");
    let inbox = store
        .ensure_folder(account, "INBOX", Some("inbox"))
        .expect("folder");
    let other = store.ensure_folder(account, "Other", None).expect("folder");
    let messages: Vec<NewMessage> = (1..=25)
        .map(|n| common::message(account, if n % 5 == 0 { other } else { inbox }, n, true))
        .collect();
    let stored = store.insert_messages(&messages).expect("insert");
    common::thread_each(&mut store, stored);

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_threads(&ThreadFilter {
                folder: Some("inbox".into()),
                after,
                limit: 7,
                ..ThreadFilter::default()
            })
            .expect("page");
        if page.is_empty() {
            break;
        }
        after = page.last().map(|t| (t.latest_at, t.id));
        seen.extend(page.into_iter().map(|t| t.subject));
    }
    let expected: Vec<String> = (1..=25)
        .rev()
        .filter(|n| n % 5 != 0)
        .map(|n| format!("Subject {n}"))
        .collect();
    assert_eq!(seen, expected, "newest first, every Inbox thread once");

    let one_folder = store
        .list_threads(&ThreadFilter {
            folder_id: Some(other),
            limit: 50,
            ..ThreadFilter::default()
        })
        .expect("folder page");
    assert_eq!(one_folder.len(), 5);
    let flagged = store
        .list_threads(&ThreadFilter {
            limit: 50,
            ..ThreadFilter::default()
        })
        .expect("all")
        .into_iter()
        .filter(|t| t.is_flagged)
        .map(|t| t.subject)
        .collect::<Vec<_>>();
    assert_eq!(
        flagged,
        vec!["Subject 3"],
        "a thread knows it holds a flagged message"
    );
}

#[test]
fn correspondents_complete_by_address_prefix_most_frequent_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = common::open_store(tmp.path(), "mailbox test");
    let account = store
        .insert_local_account("Work", "me@test")
        .expect("account");
    let inbox = store
        .ensure_folder(account, "INBOX", Some("inbox"))
        .expect("folder");
    let from = |n: i64, address: &str, name: Option<&str>| {
        let mut m = common::message(account, inbox, n, true);
        m.addresses = vec![NewAddress {
            role: AddressRole::From,
            address: address.into(),
            display_name: name.map(str::to_owned),
        }];
        m
    };
    store
        .insert_messages(&[
            from(1, "Anna.Nowak@x.pl", None),
            from(2, "anna.nowak@x.pl", Some("Anna Nowak")),
            from(3, "annika@y.se", Some("Annika")),
            from(4, "anna.nowak@x.pl", None),
            from(5, "bob@z.com", Some("Bob")),
        ])
        .expect("insert");

    let found = store.correspondents("ANN", 10).expect("correspondents");
    let summary: Vec<(&str, Option<&str>, i64)> = found
        .iter()
        .map(|c| (c.address.as_str(), c.display_name.as_deref(), c.messages))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("anna.nowak@x.pl", Some("Anna Nowak"), 3),
            ("annika@y.se", Some("Annika"), 1)
        ],
        "case ignored, the most frequent first, with the name last seen"
    );
    assert!(store.correspondents("  ", 10).expect("empty").is_empty());
    assert!(store.correspondents("zz", 10).expect("none").is_empty());
}

/// A conversation as the list shows it: id, subject, messages, unread, latest.
type Listed = (i64, String, i64, i64, i64);

/// Every stored message's conversation, and every conversation as listed.
fn conversations(store: &candor_store::Store, messages: &[i64]) -> (Vec<Option<i64>>, Vec<Listed>) {
    let placed = messages
        .iter()
        .map(|&id| store.thread_of_message(id).expect("message"))
        .collect();
    let mut listed: Vec<Listed> = store
        .list_threads(&ThreadFilter {
            limit: 100,
            ..ThreadFilter::default()
        })
        .expect("threads")
        .into_iter()
        .map(|t| {
            (
                t.id,
                t.subject,
                t.message_count,
                t.unread_count,
                t.latest_at,
            )
        })
        .collect();
    listed.sort();
    (placed, listed)
}

#[test]
fn conversations_are_regrouped_as_threading_says_keeping_ids_and_counts_true() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "threads test");
    let ids: Vec<i64> = store
        .insert_messages(
            &(1..=6)
                .map(|n| common::message(account, inbox, n, n % 2 == 0))
                .collect::<Vec<_>>(),
        )
        .expect("insert")
        .into_iter()
        .map(|inserted| inserted.id())
        .collect();
    let [m1, m2, m3, m4, m5, m6] = ids[..] else {
        panic!("six messages")
    };
    let t = 1_764_000_000;
    store
        .apply_threads(&[vec![m1, m2], vec![m3], vec![m4, m5]])
        .expect("threads");
    assert_eq!(
        conversations(&store, &ids),
        (
            vec![Some(m1), Some(m1), Some(m3), Some(m4), Some(m4), None],
            vec![
                (m1, "Subject 1".into(), 2, 1, t + 2),
                (m3, "Subject 3".into(), 1, 1, t + 3),
                (m4, "Subject 4".into(), 2, 1, t + 5),
            ]
        )
    );

    // Message 6 joins the first conversation, 4 moves to 3's (whose root it
    // becomes), 5 is left alone, and 2 belongs to none any more.
    store
        .apply_threads(&[vec![m1, m6], vec![m4, m3], vec![m5]])
        .expect("threads");
    assert_eq!(
        conversations(&store, &ids),
        (
            vec![Some(m1), None, Some(m3), Some(m3), Some(m5), Some(m1)],
            vec![
                (m1, "Subject 1".into(), 2, 1, t + 6),
                (m3, "Subject 4".into(), 2, 1, t + 4),
                (m5, "Subject 5".into(), 1, 1, t + 5),
            ]
        ),
        "each conversation as if threaded from scratch; the emptied one (4) is gone"
    );
}

#[test]
fn threading_again_after_one_new_message_writes_only_that_message_and_its_conversation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "threads test");
    let stored = store
        .insert_messages(
            &(1..=50)
                .map(|n| common::message(account, inbox, n, true))
                .collect::<Vec<_>>(),
        )
        .expect("insert");
    let mut groups: Vec<Vec<i64>> = stored.iter().map(|inserted| vec![inserted.id()]).collect();
    store.apply_threads(&groups).expect("threads");

    // Counted by triggers made through a second connection: the store's
    // connection sees the new schema and fires them on its own writes.
    let own = common::own_connection_to_store(tmp.path(), "threads test");
    own.execute_batch(
        "CREATE TABLE written (what TEXT);
         CREATE TRIGGER message_rethreaded AFTER UPDATE OF thread_id ON messages
         BEGIN INSERT INTO written VALUES ('message'); END;
         CREATE TRIGGER thread_written AFTER UPDATE ON threads
         BEGIN INSERT INTO written VALUES ('thread'); END;",
    )
    .expect("triggers");

    let reply = store
        .insert_messages(&[common::message(account, inbox, 51, false)])
        .expect("insert")[0]
        .id();
    groups[10].push(reply);
    store.apply_threads(&groups).expect("threads");

    let written: Vec<String> = own
        .prepare("SELECT what FROM written ORDER BY what")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        written,
        ["message", "thread"],
        "the new message placed and its conversation counted again; nothing else"
    );
    let thread = store
        .thread_of_message(reply)
        .expect("reply")
        .expect("threaded");
    let summary = store.thread_summary(thread).expect("summary");
    assert_eq!((summary.message_count, summary.unread_count), (2, 1));
}

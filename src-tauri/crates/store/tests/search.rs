//! Search finds Chinese and Japanese words of one or two characters (below
//! the trigram index's three) through the CJK index, also after that index
//! is rebuilt from the stored mail, as its migration does for old mail.

use candor_store::Store;
use candor_store::messages::{AddressRole, NewAddress, NewMessage, SearchQuery};

mod common;

/// Message `n` from `from` (name, address) with this subject and body.
fn message(
    account_id: i64,
    folder_id: i64,
    n: i64,
    from: (&str, &str),
    subject: &str,
    body: &str,
) -> NewMessage {
    NewMessage {
        subject: subject.into(),
        is_flagged: false,
        addresses: vec![NewAddress {
            role: AddressRole::From,
            address: from.1.into(),
            display_name: Some(from.0.into()),
        }],
        text_plain: Some(body.into()),
        raw: format!("Message-ID: <m{n}@test>\r\n\r\n{body}\r\n").into_bytes(),
        ..common::message(account_id, folder_id, n, true)
    }
}

fn owned(words: &[&str]) -> Vec<String> {
    words.iter().map(|t| (*t).to_owned()).collect()
}

/// The subjects of the first 50 conversations a search finds.
fn found(store: &Store, query: SearchQuery) -> Vec<String> {
    store
        .search(&SearchQuery { limit: 50, ..query })
        .expect("search")
        .into_iter()
        .map(|t| t.subject)
        .collect()
}

fn subjects(store: &Store, terms: &[&str], subject: &[&str]) -> Vec<String> {
    let query = SearchQuery {
        terms: owned(terms),
        subject: owned(subject),
        ..SearchQuery::default()
    };
    found(store, query)
}

#[test]
fn short_cjk_words_are_found_through_their_index() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "search test");
    let stored = store
        .insert_messages(&[
            message(
                account,
                inbox,
                1,
                ("李明", "li@x.cn"),
                "候选人简历",
                "附件是我的简历，请查收。",
            ),
            message(
                account,
                inbox,
                2,
                ("山田", "y@x.jp"),
                "面接日程",
                "来週の面接について",
            ),
            message(
                account,
                inbox,
                3,
                ("Anna", "a@x.pl"),
                "CV",
                "Dzień dobry, CV w załączniku.",
            ),
        ])
        .expect("insert");
    common::thread_each(&mut store, stored);

    let check = |store: &Store| {
        assert_eq!(
            subjects(store, &["简历"], &[]),
            vec!["候选人简历"],
            "two characters"
        );
        assert_eq!(
            subjects(store, &["李"], &[]),
            vec!["候选人简历"],
            "one, in the sender's name"
        );
        assert_eq!(
            subjects(store, &["面接"], &[]),
            vec!["面接日程"],
            "Japanese"
        );
        assert_eq!(
            subjects(store, &[], &["简历"]),
            vec!["候选人简历"],
            "subject: only"
        );
        assert!(
            subjects(store, &[], &["请查"]).is_empty(),
            "请查 is in the body, not the subject"
        );
        assert!(
            subjects(store, &["简面"], &[]).is_empty(),
            "no such pair anywhere"
        );
        assert_eq!(subjects(store, &["简历", "李"], &[]).len(), 1, "both words");
        assert_eq!(
            subjects(store, &["CV"], &[]),
            vec!["CV"],
            "short Latin words still work"
        );
    };
    check(&store);
    store.rebuild_cjk_index().expect("rebuild");
    check(&store);
}

/// A word in most messages is searched by walking conversations newest
/// first instead of sorting every match; both ways must give what a plain
/// reading of the mail gives: the newest conversations with a matching
/// message, each once, other filters applied. 6,000 messages in 2,000
/// conversations (each spread over the whole period), "hiring" in 5,400 of
/// them (past the walk's threshold of 5,000), "zebra" in a handful.
#[test]
fn a_common_word_and_a_rare_one_find_the_newest_matching_conversations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "search test");
    const MESSAGES: i64 = 6_000;
    const THREADS: i64 = 2_000;
    let thread_of = |n: i64| n % THREADS;
    let hiring = |n: i64| thread_of(n) % 10 != 0;
    let zebra = |n: i64| n % 1_500 == 7;
    let from_anna = |n: i64| n % 4 == 0;
    let mut ids = Vec::new();
    for chunk in (0..MESSAGES).collect::<Vec<_>>().chunks(500) {
        let batch: Vec<NewMessage> = chunk
            .iter()
            .map(|&n| {
                let mut body = format!("Message {n} about the role.");
                if hiring(n) {
                    body.push_str(" We are hiring engineers.");
                }
                if zebra(n) {
                    body.push_str(" A zebra crossing.");
                }
                let from = if from_anna(n) {
                    ("Anna", "anna@example.com")
                } else {
                    ("Piotr", "piotr@example.com")
                };
                message(
                    account,
                    inbox,
                    n,
                    from,
                    &format!("Thread {}", thread_of(n)),
                    &body,
                )
            })
            .collect();
        for stored in store.insert_messages(&batch).expect("insert") {
            ids.push(stored.id());
        }
    }
    let groups: Vec<Vec<i64>> = (0..THREADS)
        .map(|t| {
            (0..MESSAGES)
                .filter(|n| thread_of(*n) == t)
                .map(|n| ids[usize::try_from(n).expect("index")])
                .collect()
        })
        .collect();
    store.apply_threads(&groups).expect("threads");

    // The oracle: conversations with a message that matches, newest first
    // (a conversation's latest message is its newest, n = 4,000 + t).
    let expected = |matches: &dyn Fn(i64) -> bool| -> Vec<String> {
        let mut threads: Vec<(i64, i64)> = (0..THREADS)
            .filter(|t| (0..MESSAGES).any(|n| thread_of(n) == *t && matches(n)))
            .map(|t| {
                (
                    (0..MESSAGES)
                        .filter(|n| thread_of(*n) == t)
                        .max()
                        .unwrap_or(0),
                    t,
                )
            })
            .collect();
        threads.sort_by(|a, b| b.cmp(a));
        threads
            .into_iter()
            .take(50)
            .map(|(_, t)| format!("Thread {t}"))
            .collect()
    };
    let search = |terms: &[&str], from: &[&str]| {
        let query = SearchQuery {
            terms: owned(terms),
            from: owned(from),
            ..SearchQuery::default()
        };
        found(&store, query)
    };
    let common = search(&["hiring"], &[]);
    assert_eq!(common.len(), 50);
    assert_eq!(common, expected(&hiring), "a word in 90% of messages");
    assert!(
        !common.contains(&"Thread 1990".to_owned()),
        "a conversation without the word is passed over"
    );
    assert_eq!(
        search(&["hiring"], &["anna"]),
        expected(&|n| hiring(n) && from_anna(n)),
        "with from:, both on the same message"
    );
    let rare = search(&["zebra"], &[]);
    assert_eq!(rare.len(), 4);
    assert_eq!(rare, expected(&zebra), "a rare word");
    assert_eq!(
        search(&["hiring", "zebra"], &[]),
        expected(&|n| hiring(n) && zebra(n)),
        "both words in one message"
    );
}

/// A batch stored in one transaction reaches the full-text index as one
/// segment. FTS5 writes out the rows it holds whenever a statement in the
/// transaction opens a statement journal (record links, foreign-key checked
/// inserts); had the search rows gone in between the other writes, every
/// message would have made a segment of its own, and a first sync spent
/// about a quarter of its time merging them.
#[test]
fn a_stored_batch_is_one_search_index_segment() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "segment test");
    let batch: Vec<NewMessage> = (1..=40)
        .map(|n| {
            message(
                account,
                inbox,
                n,
                ("Anna Nowak", "anna@candidates.example"),
                &format!("Interview {n}"),
                "Thank you for the interview; my references are attached.",
            )
        })
        .collect();
    let stored = store.insert_messages(&batch).expect("insert");
    common::thread_each(&mut store, stored);

    let conn = common::own_connection_to_store(tmp.path(), "segment test");
    let segments: i64 = conn
        .query_row(
            "SELECT count(DISTINCT segid) FROM message_search_idx",
            [],
            |r| r.get(0),
        )
        .expect("segments");
    assert_eq!(segments, 1, "one transaction, one segment");
    assert_eq!(
        subjects(&store, &["references are"], &[]).len(),
        40,
        "and every message is found"
    );
}

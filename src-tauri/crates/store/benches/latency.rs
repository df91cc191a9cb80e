//! Thread-list and search latency on a 100,000-message store, measured
//! inside one process (a `candor` run also pays process start and key
//! derivation, which `bench/sync.sh` reports apart). Prints figures; asserts
//! nothing. Run: `cargo bench -p candor-store --bench latency`
//! (`CANDOR_BENCH_MESSAGES=N` for another size).
//!
//! With `CANDOR_BENCH_UI_STORE=DIR` it measures nothing and instead leaves
//! the 100,000-message store in DIR (passphrase "bench", a local account),
//! with the newest conversation 20 messages long, for the window benchmark
//! (`bench/ui.sh`).
//!
//! The store is built through the store's own API: 100,000 messages in
//! conversations of 1 to 8, English, Chinese and Polish text, one in six
//! with an attachment, indexed for search as sync would, then threaded.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use candor_store::Store;
use candor_store::accounts::NewServerAccount;
use candor_store::messages::{
    AddressRole, NewAddress, NewAttachment, NewMessage, SearchQuery, ThreadFilter,
};
use candor_store::records::{RecordFields, RecordInput};
#[path = "../tests/common/mod.rs"]
mod common;

const EN: &[&str] = &[
    "Thank you for your application to the Senior Rust Engineer role",
    "Could we schedule a call on Thursday at ten",
    "Please find my updated CV attached with six years of experience",
    "The hiring manager would like to meet you next week",
];
const ZH: &[&str] = &[
    "您好我对这个职位很感兴趣",
    "附件是我的简历请查收",
    "请问周四上午十点方便面试吗",
];
const PL: &[&str] = &[
    "Dzień dobry przesyłam zgłoszenie",
    "Czy możemy porozmawiać w piątek",
    "W załączniku przesyłam aktualne CV",
];

/// A tiny deterministic generator (xorshift), so every run builds the same store.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    (
        ms(samples[samples.len() / 2]),
        ms(samples[(samples.len() * 95).div_ceil(100) - 1]),
    )
}

/// A store in `dir` with a Bench account and its Inbox.
fn new_store(dir: &std::path::Path) -> (Store, i64, i64) {
    let mut store = common::open_store(dir, "bench");
    let account = store
        .insert_server_account(&NewServerAccount {
            name: "Bench".into(),
            email: "recruiter@test".into(),
            protocol: "imap".into(),
            host: "localhost".into(),
            port: 993,
            security: "tls".into(),
            username: "recruiter".into(),
            pinned_certificate_pem: None,
            pop3_delete_after_days: None,
            pop3_delete_when_deleted_here: false,
            outgoing: None,
        })
        .expect("account");
    let inbox = store
        .upsert_folder(account, "INBOX", Some("/"), Some("inbox"), true)
        .expect("inbox");
    (store, account, inbox)
}

/// `count` candidates, the n-th with the address of conversation n's
/// correspondent (so each has mail once the messages are stored).
fn add_candidates(store: &mut Store, count: usize) -> Vec<i64> {
    (0..count)
        .map(|n| {
            store
                .insert_record(&candidate(n, &[format!("cand{n}@example.com")]), false)
                .expect("candidate")
        })
        .collect()
}

fn candidate(n: usize, emails: &[String]) -> RecordInput {
    RecordInput {
        fields: RecordFields::Candidate {
            first_name: "Candidate".into(),
            last_name: n.to_string(),
            emails: emails.to_vec(),
            phones: Vec::new(),
            current_title: None,
            current_employer: None,
        },
        notes: String::new(),
    }
}

/// Stores `count` generated messages as a sync would (batches of about 200
/// in one transaction) and returns the conversations and the time taken.
fn fill(store: &mut Store, account: i64, inbox: i64, count: usize) -> (Vec<Vec<i64>>, Duration) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    let mut groups: Vec<Vec<i64>> = Vec::new();
    // Messages not yet stored, and where each of their conversations ends.
    let mut pending: Vec<NewMessage> = Vec::new();
    let mut conversations: Vec<usize> = Vec::new();
    let mut made = 0;
    while made < count {
        let size = [1, 1, 2, 2, 3, 4, 5, 8][rng.below(8)].min(count - made);
        let conversation = groups.len() + conversations.len();
        let person = format!("cand{conversation}@example.com");
        let lang = rng.below(10);
        for k in 0..size {
            let pool = match lang {
                0..=5 => EN,
                6 | 7 => ZH,
                _ => PL,
            };
            let text = (0..4)
                .map(|_| pool[rng.below(pool.len())])
                .collect::<Vec<_>>()
                .join(". ");
            let at = 1_730_000_000 + (made as i64) * 600;
            let attachment = rng.below(6) == 0;
            let m = NewMessage {
                account_id: account,
                folder_id: inbox,
                uid: Some(made as i64 + 1),
                pop3_uidl: None,
                message_id_header: Some(format!("m{made}@bench")),
                in_reply_to: None,
                references: None,
                subject: format!(
                    "{}Application {conversation}",
                    if k > 0 { "Re: " } else { "" }
                ),
                sent_at: Some(at),
                received_at: at,
                is_seen: rng.below(5) > 0,
                is_flagged: false,
                is_answered: false,
                is_draft: false,
                addresses: vec![
                    NewAddress {
                        role: AddressRole::From,
                        address: if k % 2 == 1 {
                            "recruiter@test".into()
                        } else {
                            person.clone()
                        },
                        display_name: Some("Anna Nowak".into()),
                    },
                    NewAddress {
                        role: AddressRole::To,
                        address: if k % 2 == 1 {
                            person.clone()
                        } else {
                            "recruiter@test".into()
                        },
                        display_name: None,
                    },
                ],
                text_plain: Some(text),
                text_html: None,
                attachments: if attachment {
                    vec![NewAttachment {
                        filename: Some(format!("CV-{made}.pdf")),
                        content_type: "application/pdf".into(),
                        content_id: None,
                        is_inline: false,
                        data: candor_store::messages::AttachmentBytes::Stored(vec![0x25; 2_000]),
                    }]
                } else {
                    Vec::new()
                },
                parse_error: None,
                raw: format!("Message-ID: <m{made}@bench>\r\n\r\nbody {made}\r\n").into_bytes(),
                prepared_source: None,
            };
            pending.push(m);
            made += 1;
        }
        // Stored some conversations at a time (about 200 messages a transaction).
        conversations.push(pending.len());
        if pending.len() >= 200 || made == count {
            let stored = store.insert_messages(&pending).expect("insert");
            let mut ids = stored.into_iter().map(candor_store::messages::Inserted::id);
            let mut start = 0;
            for end in conversations.drain(..) {
                groups.push(ids.by_ref().take(end - start).collect());
                start = end;
            }
            pending.clear();
        }
    }
    (groups, started.elapsed())
}

/// The store the window benchmark opens: the same mail in a local account
/// (the app's background sync leaves it alone), plus the newest
/// conversation, 20 messages long, for "open a 20-message conversation".
fn build_ui_store(dir: &std::path::Path, count: usize) {
    let mut store = common::open_store(dir, "bench");
    let account = store
        .insert_local_account("Bench", "recruiter@test")
        .expect("account");
    let inbox = store
        .upsert_folder(account, "INBOX", Some("/"), Some("inbox"), true)
        .expect("inbox");
    let (mut groups, built) = fill(&mut store, account, inbox, count);
    let newest = 1_730_000_000 + (count as i64 + 10) * 600;
    let long: Vec<NewMessage> = (0..20)
        .map(|k| NewMessage {
            account_id: account,
            folder_id: inbox,
            uid: None,
            pop3_uidl: None,
            message_id_header: Some(format!("long{k}@bench")),
            in_reply_to: None,
            references: None,
            subject: format!("{}Twenty messages", if k > 0 { "Re: " } else { "" }),
            sent_at: Some(newest + k * 60),
            received_at: newest + k * 60,
            is_seen: true,
            is_flagged: false,
            is_answered: false,
            is_draft: false,
            addresses: vec![NewAddress {
                role: AddressRole::From,
                address: if k % 2 == 1 {
                    "recruiter@test".into()
                } else {
                    "anna@example.com".into()
                },
                display_name: Some("Anna Nowak".into()),
            }],
            text_plain: Some(
                EN.iter()
                    .cycle()
                    .skip(k as usize)
                    .take(6)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(". "),
            ),
            text_html: None,
            attachments: Vec::new(),
            parse_error: None,
            raw: format!("Message-ID: <long{k}@bench>\r\n\r\nbody\r\n").into_bytes(),
            prepared_source: None,
        })
        .collect();
    let stored = store.insert_messages(&long).expect("insert");
    groups.push(
        stored
            .into_iter()
            .map(candor_store::messages::Inserted::id)
            .collect(),
    );
    store.apply_threads(&groups).expect("threads");
    println!(
        "window benchmark store: {} messages in {} conversations at {}, built in {:.1} s",
        count + 20,
        groups.len(),
        dir.display(),
        built.as_secs_f64()
    );
}

fn main() {
    let count: usize = std::env::var("CANDOR_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    if let Some(dir) = std::env::var_os("CANDOR_BENCH_UI_STORE") {
        build_ui_store(std::path::Path::new(&dir), count);
        return;
    }
    const RECORDS: usize = 10_000;

    // What auto-linking costs a sync: the same 20,000 messages stored with
    // no records, and with 10,000 candidates whose addresses they carry.
    let sample = count.min(20_000);
    // Three times each, alternating, keeping the fastest run: a lone run on
    // a two-core machine varies by ±15%, more than the difference measured.
    let mut linking = [Duration::MAX, Duration::MAX];
    for _round in 0..3 {
        for (slot, with_records) in [false, true].into_iter().enumerate() {
            let dir = tempfile::tempdir().expect("tempdir");
            let (mut store, account, inbox) = new_store(dir.path());
            if with_records {
                add_candidates(&mut store, RECORDS);
            }
            linking[slot] = linking[slot].min(fill(&mut store, account, inbox, sample).1);
        }
    }
    println!(
        "storing {sample} messages: {:.2} s without records, {:.2} s with {RECORDS} candidates linked as they arrive (best of three each): linking adds {:.1}% (target < 10%)",
        linking[0].as_secs_f64(),
        linking[1].as_secs_f64(),
        (linking[1].as_secs_f64() / linking[0].as_secs_f64() - 1.0) * 100.0
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, account, inbox) = new_store(dir.path());
    let (groups, built) = fill(&mut store, account, inbox, count);
    let threading = Instant::now();
    store.apply_threads(&groups).expect("threads");
    let threaded = threading.elapsed();
    println!(
        "store: {count} messages in {} conversations, stored and indexed in {:.1} s, threaded in {:.1} s",
        groups.len(),
        built.as_secs_f64(),
        threaded.as_secs_f64()
    );

    // Every sync that brings mail ends by threading the whole store again:
    // what that costs the store when one reply has arrived (reading what
    // threading needs, and writing the conversations; the threading itself,
    // in candor-mail, comes on top).
    let mut groups = groups;
    let samples: Vec<(Duration, Duration)> = (0..5)
        .map(|i| {
            let n = (count + i + 1) as i64;
            let reply = NewMessage {
                uid: Some(n),
                message_id_header: Some(format!("reply{i}@bench")),
                subject: "Re: Application 7".into(),
                sent_at: Some(1_900_000_000),
                received_at: 1_900_000_000,
                addresses: Vec::new(),
                text_plain: Some("Thank you".into()),
                raw: format!("Message-ID: <reply{i}@bench>\r\n\r\nThank you\r\n").into_bytes(),
                ..common::message(account, inbox, n, false)
            };
            let id = store.insert_messages(&[reply]).expect("insert")[0].id();
            groups[7].push(id);
            let t = Instant::now();
            let rows = store.threading_rows().expect("rows");
            let read = t.elapsed();
            assert!(rows.len() > count);
            let t = Instant::now();
            store.apply_threads(&groups).expect("threads");
            (read, t.elapsed())
        })
        .collect();
    let (read, _) = stats(samples.iter().map(|s| s.0).collect());
    let (applied, _) = stats(samples.iter().map(|s| s.1).collect());
    println!(
        "one new message, the store threaded again: reading what threading needs {read:.0} ms, writing the conversations {applied:.0} ms (medians of 5)"
    );

    let first_page = ThreadFilter {
        limit: 50,
        ..ThreadFilter::default()
    };
    let samples: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            let page = store.list_threads(&first_page).expect("list");
            assert_eq!(page.len(), 50);
            t.elapsed()
        })
        .collect();
    let (median, p95) = stats(samples);
    println!(
        "thread list, first page of 50: median {median:.2} ms, p95 {p95:.2} ms (target < 10 ms)"
    );

    // The folder pane's counts, asked for at start and after every sync
    // and action that changes them.
    let samples: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            let folders = store.folder_overview().expect("folders");
            assert!(folders.iter().any(|f| f.unread > 0));
            t.elapsed()
        })
        .collect();
    let (median, p95) = stats(samples);
    println!("folders with their unread and total counts: median {median:.2} ms, p95 {p95:.2} ms");

    let query = |terms: &[&str], from: &[&str], has_attachment: bool| SearchQuery {
        terms: terms.iter().map(|s| (*s).to_owned()).collect(),
        from: from.iter().map(|s| (*s).to_owned()).collect(),
        to: Vec::new(),
        subject: Vec::new(),
        has_attachment,
        before: None,
        after: None,
        folder: None,
        limit: 50,
    };
    let queries = [
        ("a common English word", query(&["hiring"], &[], false)),
        (
            "a rare English word",
            query(&["Application 4242"], &[], false),
        ),
        ("Chinese inside unspaced text", query(&["简历"], &[], false)),
        ("Polish with diacritics", query(&["piątek"], &[], false)),
        (
            "from: and has:attachment",
            query(&[], &["cand77@example.com"], true),
        ),
    ];
    let mut all = Vec::new();
    for (what, q) in &queries {
        let samples: Vec<Duration> = (0..40)
            .map(|_| {
                let t = Instant::now();
                store.search(q).expect("search");
                t.elapsed()
            })
            .collect();
        all.extend(samples.iter().copied());
        let (median, p95) = stats(samples);
        println!("search, {what}: median {median:.2} ms, p95 {p95:.2} ms");
    }
    let (median, p95) = stats(all);
    println!("search, all queries: median {median:.2} ms, p95 {p95:.2} ms (target p95 < 50 ms)");

    // Record pages on this store: 10,000 candidates, each with mail.
    let t = Instant::now();
    let candidates = add_candidates(&mut store, RECORDS);
    println!(
        "{RECORDS} candidates added and linked to their existing mail in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let samples: Vec<Duration> = (0..200)
        .map(|_| {
            let id = candidates[rng.below(candidates.len())];
            let t = Instant::now();
            let threads = store.record_threads(id, 200).expect("record threads");
            assert!(!threads.is_empty());
            t.elapsed()
        })
        .collect();
    let (median, p95) = stats(samples);
    println!("a record's Emails list: median {median:.2} ms, p95 {p95:.2} ms (target < 10 ms)");

    // The list page's search over the 10,000 candidates.
    let query = candor_store::records::RecordQuery {
        text: Some("candidate 42".into()),
        ..Default::default()
    };
    let samples: Vec<Duration> = (0..50)
        .map(|_| {
            let t = Instant::now();
            store
                .search_records(candor_store::records::RecordKind::Candidate, &query)
                .expect("search records");
            t.elapsed()
        })
        .collect();
    let (median, p95) = stats(samples);
    println!("searching {RECORDS} candidates by name: median {median:.2} ms, p95 {p95:.2} ms");

    // Adding a second address links that address's existing mail, in the
    // record's own write transaction.
    let samples: Vec<Duration> = (0..100)
        .map(|i| {
            let id = candidates[i];
            let other = RECORDS + i;
            let emails = vec![
                format!("cand{i}@example.com"),
                format!("cand{other}@example.com"),
            ];
            let t = Instant::now();
            store
                .update_record(id, &candidate(i, &emails))
                .expect("update");
            t.elapsed()
        })
        .collect();
    let (median, p95) = stats(samples);
    println!(
        "adding an address to a record, linking its mail: median {median:.2} ms, p95 {p95:.2} ms (target < 100 ms)"
    );
}

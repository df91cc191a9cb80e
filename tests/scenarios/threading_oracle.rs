//! Candor's threading (RFC 5256 mode) against Dovecot's own
//! `THREAD REFERENCES`, an independent implementation of the same algorithm,
//! on a mailing-list-like archive with the usual damage: truncated
//! References, In-Reply-To only, parents missing from the archive, duplicate
//! and absent Message-IDs, replies that kept only the subject, list tags.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;

use candor_mail::threading::{SubjectMerge, ThreadInput, thread};
use candor_tests::dovecot::{Dovecot, USERS};

/// A small deterministic generator, so a failure can be reproduced.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

struct Generated {
    raw: Vec<u8>,
    input: ThreadInput,
    delivered: bool,
}

fn archive() -> Vec<Generated> {
    let mut rng = Lcg(20_261_122);
    let mut out: Vec<Generated> = Vec::new();
    let mut date = 1_767_225_600_i64; // 2026-01-01
    for t in 0..40 {
        let tag = if t % 3 == 0 { "[rust-jobs] " } else { "" };
        let subject = format!("Thread topic {t}: senior engineer role");
        let mut ids: Vec<String> = Vec::new();
        let mut chains: Vec<Vec<String>> = Vec::new();
        let replies = 1 + rng.next(7);
        for k in 0..=replies {
            date += 60 + i64::try_from(rng.next(3_600)).unwrap_or(0);
            let id = format!("t{t}.m{k}@lists.example");
            let roll = rng.next(100);
            let (subj, refs, irt, message_id): (
                String,
                Vec<String>,
                Option<String>,
                Option<String>,
            ) = if k == 0 {
                (
                    format!("{tag}{subject}"),
                    Vec::new(),
                    None,
                    Some(id.clone()),
                )
            } else {
                let parent = usize::try_from(rng.next(ids.len() as u64)).unwrap_or(0);
                let mut chain = chains[parent].clone();
                chain.push(ids[parent].clone());
                let reply_subject = format!("Re: {tag}{subject}");
                match roll {
                    0..=9 => (
                        reply_subject,
                        Vec::new(),
                        Some(ids[parent].clone()),
                        Some(id.clone()),
                    ),
                    10..=19 => (
                        reply_subject,
                        vec![ids[parent].clone()],
                        None,
                        Some(id.clone()),
                    ),
                    20..=22 => (reply_subject, Vec::new(), None, Some(id.clone())),
                    23..=24 => (reply_subject, chain.clone(), None, None),
                    25..=26 => (reply_subject, chain.clone(), None, Some(ids[0].clone())),
                    _ => (reply_subject, chain.clone(), None, Some(id.clone())),
                }
            };
            // About one message in twelve never reached the archive.
            let delivered = k == 0 || rng.next(12) != 0;
            let mut raw = format!(
                "From: user{k}@example.org\r\nTo: rust-jobs@lists.example\r\nSubject: {subj}\r\n"
            );
            raw.push_str(&format!("Date: {}\r\n", rfc2822(date)));
            if let Some(mid) = &message_id {
                raw.push_str(&format!("Message-ID: <{mid}>\r\n"));
            }
            if let Some(irt) = &irt {
                raw.push_str(&format!("In-Reply-To: <{irt}>\r\n"));
            }
            if !refs.is_empty() {
                let list: Vec<String> = refs.iter().map(|r| format!("<{r}>")).collect();
                raw.push_str(&format!("References: {}\r\n", list.join("\r\n ")));
            }
            raw.push_str("\r\nBody text.\r\n");
            out.push(Generated {
                raw: raw.into_bytes(),
                input: ThreadInput {
                    message_id: message_id.clone(),
                    references: refs.clone(),
                    in_reply_to: irt.into_iter().collect(),
                    subject: subj,
                    date,
                    participants: Vec::new(),
                },
                delivered,
            });
            chains.push(refs);
            ids.push(id);
        }
    }
    out
}

fn rfc2822(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day} {} {year} {:02}:{:02}:{:02} +0000",
        DAYS[usize::try_from(days.rem_euclid(7)).unwrap_or(0)],
        MONTHS[usize::try_from(month - 1).unwrap_or(0)],
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// Runs one tagged IMAP command and returns the untagged lines before its OK.
fn command(reader: &mut BufReader<TcpStream>, tag: &str, line: &str) -> Vec<String> {
    reader
        .get_mut()
        .write_all(format!("{tag} {line}\r\n").as_bytes())
        .expect("send");
    let mut lines = Vec::new();
    loop {
        let mut buf = String::new();
        assert!(
            reader.read_line(&mut buf).expect("read") > 0,
            "server closed the connection after {line}"
        );
        if buf.starts_with(&format!("{tag} ")) {
            assert!(
                buf.starts_with(&format!("{tag} OK")),
                "{line} failed: {buf}"
            );
            return lines;
        }
        lines.push(buf.trim_end().to_owned());
    }
}

/// `* THREAD (1 2)(3 (4)(5))` as sets of sequence numbers, one per thread.
fn parse_thread_response(line: &str) -> BTreeSet<BTreeSet<u32>> {
    let body = line.strip_prefix("* THREAD").expect("a THREAD response");
    let mut groups = BTreeSet::new();
    let mut current = BTreeSet::new();
    let mut depth = 0;
    let mut number = String::new();
    for c in body.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            current.insert(number.parse().expect("sequence number"));
            number.clear();
        }
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    groups.insert(std::mem::take(&mut current));
                }
            }
            _ => {}
        }
    }
    groups
}

#[test]
fn threads_match_dovecots_thread_references() {
    let server = Dovecot::start().expect("start dovecot");
    let messages = archive();
    let delivered: Vec<&Generated> = messages.iter().filter(|m| m.delivered).collect();
    for m in &delivered {
        server
            .deliver("recruiter", "INBOX", &m.raw)
            .expect("deliver");
    }

    let stream = TcpStream::connect(("127.0.0.1", server.imap_port)).expect("connect");
    let mut reader = BufReader::new(stream);
    let mut greeting = String::new();
    reader.read_line(&mut greeting).expect("greeting");
    let (user, password) = USERS[0];
    command(&mut reader, "a1", &format!("LOGIN {user} {password}"));
    let selected = command(&mut reader, "a2", "SELECT INBOX");
    assert!(
        selected
            .iter()
            .any(|l| l == &format!("* {} EXISTS", delivered.len())),
        "every delivered message is in the mailbox, in order: {selected:?}"
    );
    let response = command(&mut reader, "a3", "THREAD REFERENCES UTF-8 ALL");
    let dovecot = parse_thread_response(
        response
            .iter()
            .find(|l| l.starts_with("* THREAD"))
            .expect("THREAD line"),
    );

    let inputs: Vec<ThreadInput> = delivered.iter().map(|m| m.input.clone()).collect();
    let ours: BTreeSet<BTreeSet<u32>> = thread(&inputs, &SubjectMerge::Rfc5256)
        .iter()
        .map(|t| {
            t.message_indices()
                .map(|i| u32::try_from(i + 1).unwrap_or(0))
                .collect()
        })
        .collect();

    assert!(
        delivered.len() > 150,
        "a sizeable archive: {}",
        delivered.len()
    );
    assert!(
        ours.len() < delivered.len() / 3,
        "replies are grouped into conversations ({} threads for {} messages)",
        ours.len(),
        delivered.len()
    );
    // The product's own rule keeps subject-only replies apart unless they share
    // a correspondent; with no participants given it must yield more threads.
    let product = thread(
        &inputs,
        &SubjectMerge::RepliesSharingACorrespondent {
            own_addresses: Default::default(),
        },
    );
    assert!(
        product.len() > ours.len(),
        "the archive has subject-only replies that RFC 5256 merges"
    );
    assert_eq!(
        ours,
        dovecot,
        "Candor's RFC 5256 threading must group the {} messages exactly as Dovecot does",
        delivered.len()
    );
}

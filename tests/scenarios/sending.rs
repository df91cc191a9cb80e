//! `candor send` through a real Postfix into a real Dovecot: the message
//! arrives once, BCC leaves no trace, a copy lands in Sent once (here at
//! once, and on the server), the candidate's reply joins the conversation;
//! a dead server keeps the message waiting, a 5xx fails it with the
//! server's words and nothing is retried, and bad input is refused before
//! anything is queued.

use std::time::{Duration, Instant};

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};
use candor_tests::postfix::{Postfix, REJECTED_RECIPIENT};
use candor_tests::proxy::SlowRelay;

struct Mail {
    dovecot: Dovecot,
    postfix: Postfix,
    cli: Cli,
    _tmp: tempfile::TempDir,
}

fn setup() -> Mail {
    setup_through(None)
}

/// With `relay`, the account sends through a slow relay to Postfix.
fn setup_through(relay: Option<&dyn Fn(u16) -> u16>) -> Mail {
    let dovecot = Dovecot::start().expect("dovecot");
    let postfix = Postfix::start(&dovecot).expect("postfix");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "sending scenario");
    cli.run(&["init"]).ok();
    let port = relay.map_or(postfix.submissions_port, |r| r(postfix.submissions_port));
    dovecot.add_sending_account(&cli, port).ok();
    cli.run(&["sync"]).ok();
    Mail {
        dovecot,
        postfix,
        cli,
        _tmp: tmp,
    }
}

/// The account sends through a relay that passes 2 MB/s on to Postfix, and
/// an 8 MB attachment is ready: a message with it is in flight for seconds,
/// long enough to kill a sender or start another. Keep the relay and the
/// directory alive for the test.
fn setup_slow() -> (Mail, SlowRelay, tempfile::TempDir, std::path::PathBuf) {
    let relay = std::cell::RefCell::new(None);
    let m = setup_through(Some(&|target| {
        let r = SlowRelay::start(target, 2 * 1024 * 1024).expect("relay");
        let port = r.port;
        *relay.borrow_mut() = Some(r);
        port
    }));
    let dir = tempfile::tempdir().expect("tempdir");
    let portfolio = dir.path().join("portfolio.zip");
    std::fs::write(&portfolio, vec![0x5a_u8; 8 * 1024 * 1024]).expect("write attachment");
    let relay = relay.into_inner().expect("the relay started");
    (m, relay, dir, portfolio)
}

/// Local messages with this Message-ID, and the folders they are in.
fn local_copies(cli: &Cli, id: &str) -> Vec<String> {
    let threads = cli
        .run(&["--json", "threads", "--limit", "500"])
        .ok()
        .json();
    let mut folders = Vec::new();
    for t in threads.as_array().expect("threads") {
        let thread = cli
            .run(&["--json", "thread", &t["id"].to_string()])
            .ok()
            .json();
        for m in thread["messages"].as_array().expect("messages") {
            if m["message_id_header"]
                .as_str()
                .map(|h| h.trim_matches(['<', '>']))
                == Some(id)
            {
                folders.push(m["folder"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    folders
}

#[test]
fn a_message_goes_out_once_is_filed_once_and_the_reply_joins_it() {
    let m = setup();
    let sent = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            "Candidate <candidate@test>",
            "--bcc",
            "boss@test",
            "--subject",
            "Interview on Thursday",
            "--body",
            "Does 10:00 suit you?",
        ])
        .ok()
        .json();
    assert_eq!(sent[0]["state"], "sent", "{sent}");
    let id = sent[0]["message_id"]
        .as_str()
        .expect("message id")
        .to_owned();
    assert!(
        id.ends_with("@test"),
        "a Message-ID on the sender's domain: {id}"
    );

    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &id),
        1,
        "{}",
        m.postfix.log()
    );
    assert_eq!(
        m.dovecot.delivered("boss", "INBOX", &id),
        1,
        "the BCC recipient has it"
    );
    let received = m.dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        "candidate",
        "hdr",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &id,
    ]);
    assert!(
        !received.to_ascii_lowercase().contains("bcc") && !received.contains("boss@"),
        "the candidate cannot see who else got it: {received}"
    );
    let filed = m.dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        USERS[0].0,
        "flags",
        "mailbox",
        "Sent",
        "header",
        "Message-ID",
        &id,
    ]);
    assert_eq!(
        filed.lines().count(),
        1,
        "one copy in Sent on the server: {filed}"
    );
    assert!(filed.contains("\\Seen"), "marked read: {filed}");
    assert_eq!(
        local_copies(&m.cli, &id),
        ["Sent"],
        "in the local Sent folder at once"
    );

    // The server's copy comes back with the next sync: still one.
    m.cli.run(&["sync"]).ok();
    assert_eq!(
        local_copies(&m.cli, &id),
        ["Sent"],
        "not twice after a sync"
    );

    // The candidate answers; the conversation holds both.
    m.dovecot
        .deliver(
            USERS[0].0,
            "INBOX",
            format!(
                "From: Candidate <candidate@test>\r\nTo: recruiter@test\r\nSubject: Re: Interview on Thursday\r\nMessage-ID: <answer@test>\r\nIn-Reply-To: <{id}>\r\nReferences: <{id}>\r\n\r\n10:00 is fine.\r\n"
            )
            .as_bytes(),
        )
        .expect("deliver");
    m.cli.run(&["sync"]).ok();
    let threads = m.cli.run(&["--json", "threads"]).ok().json();
    let conversation = threads
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["subject"] == "Interview on Thursday")
        .unwrap_or_else(|| panic!("{threads}"));
    assert_eq!(conversation["message_count"], 2, "{conversation}");

    let outbox = m.cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(outbox[0]["state"], "sent", "{outbox}");
}

#[test]
fn dead_servers_wait_refusals_fail_and_bad_input_is_refused_up_front() {
    let m = setup();
    let send = |to: &str, subject: &str, extra: &[&str]| {
        let mut args = vec![
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            to,
            "--subject",
            subject,
            "--body",
            "Hello.",
        ];
        args.extend_from_slice(extra);
        m.cli.run(&args)
    };

    // The outgoing server is down: the message waits, and goes when it is back.
    m.postfix.stop();
    let waiting = send("candidate@test", "While the server was down", &[])
        .ok()
        .json();
    assert_eq!(waiting[0]["state"], "queued", "{waiting}");
    let id = waiting[0]["message_id"].as_str().expect("id").to_owned();
    let outbox = m.cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(outbox[0]["state"], "queued");
    assert!(
        outbox[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("reach")),
        "{outbox}"
    );
    m.postfix.resume();
    let later = m.cli.run(&["--json", "outbox", "send"]).ok().json();
    assert_eq!(later[0]["state"], "sent", "{later}");
    assert_eq!(m.dovecot.delivered("candidate", "INBOX", &id), 1);
    m.cli.run(&["outbox", "send"]).ok();
    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &id),
        1,
        "and only once"
    );

    // A permanent refusal: failed with the server's words, never retried.
    let refused = send(REJECTED_RECIPIENT, "To a closed mailbox", &[]);
    assert_ne!(refused.status, 0);
    assert!(
        refused.stderr.contains("does not accept mail"),
        "{}",
        refused.stderr
    );
    let again = m.cli.run(&["--json", "outbox", "send"]).ok().json();
    assert_eq!(again, serde_json::json!([]), "nothing is retried: {again}");
    let outbox = m.cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(outbox[0]["state"], "failed", "{outbox}");
    assert_eq!(outbox[0]["attempts"], 1);

    // Refused before anything is queued, naming what is wrong.
    let before = outbox.as_array().map(Vec::len);
    let missing = send(
        "candidate@test",
        "With a CV",
        &["--attach", "/nonexistent/cv.pdf"],
    );
    assert_ne!(missing.status, 0);
    assert!(
        missing.stderr.contains("/nonexistent/cv.pdf"),
        "{}",
        missing.stderr
    );
    let invalid = send("not an address", "Hello", &[]);
    assert_ne!(invalid.status, 0);
    assert!(
        invalid.stderr.contains("not an address"),
        "{}",
        invalid.stderr
    );
    assert_eq!(
        m.cli
            .run(&["--json", "outbox"])
            .ok()
            .json()
            .as_array()
            .map(Vec::len),
        before,
        "nothing was queued"
    );

    // Send later, and cancel before it goes.
    let later = send(
        "candidate@test",
        "Next week",
        &["--at", "2099-01-01T09:00:00Z"],
    )
    .ok()
    .json();
    let queued_id = later["id"].to_string();
    m.cli.run(&["outbox", "cancel", &queued_id]).ok();
    let outbox = m.cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(outbox[0]["state"], "cancelled", "{outbox}");
}

/// Killed while the message is being handed over (a relay passes it on at
/// 2 MB/s, so an 8 MB attachment is in flight for seconds): after a
/// restart the sender finds it is not in Sent and sends it again, and the
/// candidate ends up with exactly one copy.
///
/// (A kill in the instant between the server taking the whole message and
/// confirming it cannot be told apart from one before: SMTP has no way to
/// ask. Providers that file sent mail themselves answer the Sent check even
/// then.)
#[test]
fn a_send_killed_mid_handover_is_sent_exactly_once_after_a_restart() {
    let (m, _relay, _dir, portfolio) = setup_slow();

    let mut child = m
        .cli
        .command()
        .args([
            "send",
            "--account",
            "Work",
            "--to",
            "candidate@test",
            "--subject",
            "My portfolio",
            "--body",
            "Attached.",
            "--attach",
        ])
        .arg(&portfolio)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start candor send");
    // Wait until the message is on its way, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(60);
    let id = loop {
        let outbox = m.cli.run(&["--json", "outbox"]).json();
        if outbox[0]["state"] == "unknown" {
            break outbox[0]["message_id_header"]
                .as_str()
                .expect("id")
                .to_owned();
        }
        assert!(
            Instant::now() < deadline && child.try_wait().expect("wait").is_none(),
            "the send finished before it could be interrupted: {outbox}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().expect("kill");
    child.wait().expect("reap");

    let after = m.cli.run(&["--json", "outbox", "send"]).ok().json();
    assert_eq!(after[0]["state"], "sent", "{after}");
    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &id),
        1,
        "exactly one copy reached the candidate\n{}",
        m.postfix.log()
    );
    m.cli.run(&["outbox", "send"]).ok();
    assert_eq!(
        m.dovecot.delivered(USERS[0].0, "Sent", &id),
        1,
        "and Sent holds it once"
    );
}

/// Templates: checked when saved, filled in per record, and a message is
/// refused (naming the field) while the record lacks a value it needs.
#[test]
fn templates_fill_in_records_and_refuse_what_they_cannot_fill() {
    let m = setup();
    let unknown = m.cli.run(&[
        "template",
        "add",
        "Odd",
        "--subject",
        "Hi",
        "--body",
        "Size {{candidate.shoe_size}}",
    ]);
    assert_ne!(unknown.status, 0);
    assert!(
        unknown.stderr.contains("candidate.shoe_size"),
        "{}",
        unknown.stderr
    );

    m.cli
        .run(&[
            "template",
            "add",
            "First call",
            "--subject",
            "Hello {{candidate.first_name}}",
            "--body",
            "Dear {{ candidate.first_name }}, may I call you on {{candidate.phone}}?",
        ])
        .ok();
    let anna = m
        .cli
        .run(&[
            "--json",
            "record",
            "add",
            "candidate",
            "--first-name",
            "Anna",
            "--last-name",
            "Lind",
            "--email",
            "candidate@test",
        ])
        .ok()
        .json()["id"]
        .to_string();
    let outbox_before = m.cli.run(&["--json", "outbox"]).ok().json();
    let refused = m.cli.run(&[
        "send",
        "--account",
        "Work",
        "--template",
        "First call",
        "--record",
        &anna,
    ]);
    assert_ne!(refused.status, 0, "no phone number, no message");
    assert!(
        refused.stderr.contains("{{candidate.phone}}"),
        "{}",
        refused.stderr
    );
    assert_eq!(m.cli.run(&["--json", "outbox"]).ok().json(), outbox_before);

    m.cli
        .run(&["record", "edit", &anna, "--phone", "+48 12 555 0100"])
        .ok();
    let sent = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--template",
            "First call",
            "--record",
            &anna,
        ])
        .ok()
        .json();
    assert_eq!(sent[0]["state"], "sent", "{sent}");
    let id = sent[0]["message_id"].as_str().expect("id").to_owned();
    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &id),
        1,
        "to the record's address"
    );
    let received = m.dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        "candidate",
        "hdr body",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &id,
    ]);
    assert!(received.contains("Subject: Hello Anna"), "{received}");
    assert!(
        received.contains("Dear Anna, may I call you on +48 12 555 0100?"),
        "{received}"
    );

    // A contact's company comes from the client the contact works for.
    m.cli
        .run(&["record", "add", "client", "--name", "Northwind Robotics"])
        .ok();
    let hanna = m
        .cli
        .run(&[
            "--json",
            "record",
            "add",
            "contact",
            "--first-name",
            "Hanna",
            "--last-name",
            "Lindqvist",
            "--email",
            "hanna@northwind.example",
            "--client",
            "Northwind Robotics",
        ])
        .ok()
        .json()["id"]
        .to_string();
    m.cli
        .run(&[
            "template",
            "add",
            "Shortlist",
            "--subject",
            "Shortlist for {{contact.company}}",
            "--body",
            "Hi {{contact.first_name}}",
        ])
        .ok();
    let shown = m
        .cli
        .run(&[
            "--json",
            "template",
            "show",
            "Shortlist",
            "--record",
            &hanna,
        ])
        .ok()
        .json();
    assert_eq!(
        shown["subject"], "Shortlist for Northwind Robotics",
        "{shown}"
    );
    assert_eq!(shown["email"], "hanna@northwind.example");
}

/// Reply-all reaches everyone on the message but the recruiter, in the same
/// conversation; a forward carries the original's text and attachments.
#[test]
fn reply_all_and_forward() {
    let m = setup();
    m.dovecot
        .deliver(
            USERS[0].0,
            "INBOX",
            b"From: Candidate <candidate@test>\r\nTo: recruiter@test\r\nCc: boss@test\r\nSubject: My CV\r\nMessage-ID: <cv@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nPlease find my CV attached.\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv-anna.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        )
        .expect("deliver");
    m.cli.run(&["sync"]).ok();
    m.cli
        .run(&[
            "account",
            "set-signature",
            "Work",
            "--text",
            "Tom Recruiter\nAgency Ltd, +48 12 555 0199",
        ])
        .ok();

    let sent = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--reply-to",
            "cv@test",
            "--reply-all",
            "--body",
            "Thank you, we will be in touch.",
        ])
        .ok()
        .json();
    assert_eq!(sent[0]["state"], "sent", "{sent}");
    let reply = sent[0]["message_id"].as_str().expect("id").to_owned();
    let outbox = m.cli.run(&["--json", "outbox"]).ok().json();
    assert_eq!(
        outbox[0]["recipients"],
        serde_json::json!(["candidate@test", "boss@test"]),
        "everyone but the recruiter: {outbox}"
    );
    assert_eq!(outbox[0]["subject"], "Re: My CV");
    assert_eq!(m.dovecot.delivered("candidate", "INBOX", &reply), 1);
    let answer = m.dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        "candidate",
        "body",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &reply,
    ]);
    let answer = answer.replace("\r\n", "\n");
    let signature = answer
        .find("-- \nTom Recruiter")
        .unwrap_or_else(|| panic!("{answer}"));
    let quote = answer.find("wrote:").unwrap_or_else(|| panic!("{answer}"));
    assert!(
        signature < quote,
        "the signature sits below the reply, above the quoted original: {answer}"
    );
    assert_eq!(m.dovecot.delivered("boss", "INBOX", &reply), 1);
    m.cli.run(&["sync"]).ok();
    let threads = m.cli.run(&["--json", "threads"]).ok().json();
    let conversation = threads
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["subject"] == "My CV")
        .unwrap_or_else(|| panic!("{threads}"));
    assert_eq!(
        conversation["message_count"], 2,
        "the reply is in the conversation"
    );

    let forwarded = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--forward",
            "cv@test",
            "--to",
            "boss@test",
            "--body",
            "FYI, a strong profile.",
        ])
        .ok()
        .json();
    let fwd = forwarded[0]["message_id"].as_str().expect("id").to_owned();
    assert_eq!(m.dovecot.delivered("boss", "INBOX", &fwd), 1);
    let body = m.dovecot.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        "boss",
        "hdr body",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &fwd,
    ]);
    assert!(body.contains("Subject: Fwd: My CV"), "{body}");
    assert!(
        body.contains("Please find my CV attached."),
        "the original's text: {body}"
    );
    assert!(body.contains("cv-anna.pdf"), "and its attachment: {body}");
    assert!(
        body.contains("%PDF-1.4"),
        "with its bytes, decoded from the original's source: {body}"
    );
}

/// `candor sync --watch` sends a message written for later at its time,
/// however long its sync interval.
#[test]
fn the_watcher_sends_a_message_written_for_later_on_time() {
    let m = setup();
    let at = time_in(4);
    let queued = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            "candidate@test",
            "--subject",
            "In a moment",
            "--body",
            "Hello.",
            "--at",
            &at,
        ])
        .ok()
        .json();
    let id = queued["message_id"].as_str().expect("id").to_owned();
    let mut watcher = m
        .cli
        .command()
        .args(["sync", "--watch", "--interval", "3600"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start watch");
    let deadline = Instant::now() + Duration::from_secs(30);
    while m.dovecot.count_message_id("candidate", "INBOX", &id) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = watcher.kill();
    let _ = watcher.wait();
    assert_eq!(
        m.dovecot.count_message_id("candidate", "INBOX", &id),
        1,
        "sent at its time, long before the hourly sync"
    );
}

/// An RFC 3339 time `seconds` from now.
fn time_in(seconds: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// The app sends from two places in one process: the Send button and the
/// background sender. Both asking at the same moment must not send one
/// message twice (the outbox re-sends a message it finds "sending", which is
/// how it recovers from a crash, so the two must take turns).
#[test]
fn two_senders_in_one_process_send_a_message_once() {
    let m = setup();
    let queued = m
        .cli
        .run(&[
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            "candidate@test",
            "--subject",
            "Once only",
            "--body",
            "Hello",
            "--at",
            "2099-01-01T09:00:00Z",
        ])
        .ok()
        .json();
    let message_id = queued["message_id"]
        .as_str()
        .expect("Message-ID")
        .trim_matches(['<', '>'])
        .to_owned();

    let passphrase = m
        .cli
        .envs
        .iter()
        .find(|(k, _)| k == "CANDOR_PASSPHRASE")
        .map(|(_, v)| v.clone())
        .expect("passphrase");
    let candor = candor_core::api::Candor::open(
        &m.cli.data_dir,
        &candor_core::Unlock::Passphrase(zeroize::Zeroizing::new(passphrase)),
        false,
    )
    .expect("open");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (a, b) = runtime.block_on(async {
        use candor_core::api::send::send_due;
        // "Send now" from both at once (everything queued, the later time too).
        tokio::join!(send_due(&candor, None, true), send_due(&candor, None, true))
    });
    let sent: usize = [a.expect("first"), b.expect("second")]
        .iter()
        .flatten()
        .filter(|o| o.state == "sent")
        .count();
    assert_eq!(sent, 1, "one of the two senders sent it");
    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &message_id),
        1,
        "the candidate has it once"
    );
}

/// An HTML message with an image in it (a company logo, an office photo):
/// the image travels as a multipart/related part the HTML shows by its
/// Content-ID, through Postfix into the candidate's mailbox. An image the
/// HTML does not show, or a `cid:` without its image, is refused before
/// anything is queued, naming it.
#[test]
fn an_html_message_carries_its_inline_images_to_the_candidate() {
    let m = setup();
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("note.html");
    std::fs::write(
        &html,
        "<p>Our office:</p><img src=\"cid:office.png\" alt=\"\">",
    )
    .expect("html");
    let png = dir.path().join("office.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n-inline-image-").expect("png");
    let other = dir.path().join("other.png");
    std::fs::write(&other, b"\x89PNG\r\n\x1a\n").expect("png");
    let send = |inline: &[&std::path::Path]| {
        let mut cmd = m.cli.command();
        cmd.args([
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            "candidate@test",
        ])
        .args([
            "--subject",
            "Where we meet",
            "--body",
            "Our office: see the photo.",
        ])
        .arg("--html-file")
        .arg(&html);
        for path in inline {
            cmd.arg("--inline").arg(path);
        }
        candor_tests::CliRun::from(cmd.output().expect("run candor send"))
    };

    let unused = send(&[&png, &other]);
    assert_eq!(unused.status, 1);
    assert!(
        unused.stderr.contains("does not show other.png"),
        "{}",
        unused.stderr
    );
    let missing = send(&[]);
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("cid:office.png"),
        "{}",
        missing.stderr
    );

    let sent = send(&[&png]).ok().json();
    assert_eq!(sent[0]["state"], "sent", "{sent}");
    let id = sent[0]["message_id"]
        .as_str()
        .expect("Message-ID")
        .trim_matches(['<', '>'])
        .to_owned();
    assert_eq!(m.dovecot.delivered("candidate", "INBOX", &id), 1);
    let raw = m.dovecot.doveadm(&[
        "fetch",
        "-u",
        "candidate",
        "text",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &id,
    ]);
    let lower = raw.to_ascii_lowercase();
    assert!(lower.contains("multipart/related"), "{raw}");
    assert!(lower.contains("content-id: <office.png>"), "{raw}");
    assert!(lower.contains("content-disposition: inline"), "{raw}");
    assert!(
        raw.contains("cid:office.png"),
        "the HTML still points at it"
    );
}

/// The app and `candor sync --watch` may run at once on one data directory.
/// While one process is handing a message over (slowly, through a relay),
/// another that looks at the outbox must leave it alone: the candidate gets
/// it once. (Without the lock the second finds it "unknown", does not see it
/// in Sent yet, and sends it again.)
#[test]
fn a_second_process_leaves_a_message_another_is_sending() {
    let (m, _relay, _dir, portfolio) = setup_slow();
    let mut queue = m.cli.command();
    queue
        .args([
            "--json",
            "send",
            "--account",
            "Work",
            "--to",
            "candidate@test",
        ])
        .args([
            "--subject",
            "Portfolio",
            "--body",
            "Attached.",
            "--at",
            "2099-01-01T09:00:00Z",
        ])
        .arg("--attach")
        .arg(&portfolio);
    let queued = candor_tests::CliRun::from(queue.output().expect("queue"))
        .ok()
        .json();
    let id = queued["message_id"]
        .as_str()
        .expect("Message-ID")
        .trim_matches(['<', '>'])
        .to_owned();

    let mut first = m
        .cli
        .command()
        .args(["outbox", "send"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the first sender");
    let deadline = Instant::now() + Duration::from_secs(60);
    while m.cli.run(&["--json", "outbox"]).json()[0]["state"] != "unknown" {
        assert!(
            Instant::now() < deadline && first.try_wait().expect("wait").is_none(),
            "the first sender finished before the second could look"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = m.cli.run(&["--json", "outbox", "send"]).ok().json();
    assert_eq!(
        second,
        serde_json::json!([]),
        "the second process sends nothing while the first is at it"
    );
    assert!(first.wait().expect("first sender").success());
    assert_eq!(
        m.dovecot.delivered("candidate", "INBOX", &id),
        1,
        "exactly one copy reached the candidate"
    );
}

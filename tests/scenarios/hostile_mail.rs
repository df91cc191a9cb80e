//! Mail as it really arrives, synced from a real Dovecot: broken MIME, raw
//! 8-bit headers, unknown charsets, no Message-ID, the same Message-ID twice,
//! and a 50 MB attachment. Every message is stored with its exact source,
//! listed, and accounted for in the ledger; none stops the sync.

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

fn hostile_messages() -> Vec<(&'static str, Vec<u8>)> {
    let mut big = b"From: big@cand.example\r\nTo: recruiter@test\r\nSubject: Portfolio (50 MB)\r\nMessage-ID: <big@cand.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nMy portfolio is attached.\r\n--b1\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename=\"portfolio.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    // 50 MB of attachment: 57-byte chunks make 76-character base64 lines.
    let line = "UEsDBBQAAAAIAGFzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmFzZGZhc2Rm\r\n";
    let lines = 50 * 1024 * 1024 / 54 + 1;
    big.extend(line.repeat(lines).as_bytes());
    big.extend(b"--b1--\r\n");
    vec![
        (
            "a multipart whose boundary never comes",
            b"From: a@cand.example\r\nSubject: Broken boundary\r\nMessage-ID: <broken@cand.example>\r\nContent-Type: multipart/mixed; boundary=\"never-used\"\r\n\r\n--other\r\nContent-Type: text/plain\r\n\r\nCV inside a broken part.\r\n".to_vec(),
        ),
        (
            "raw UTF-8 and raw GBK bytes in headers",
            [
                &b"From: =?broken?= <b@cand.example>\r\nSubject: Zg\xc5\x82oszenie \xbc\xf2\xc0\xfa\r\nMessage-ID: <eightbit@cand.example>\r\n\r\nRaw 8-bit headers.\r\n"[..],
            ]
            .concat(),
        ),
        (
            "an unknown charset",
            b"From: c@cand.example\r\nSubject: Bogus charset\r\nMessage-ID: <bogus@cand.example>\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nbogus-charset-body-text\r\n".to_vec(),
        ),
        (
            "no Message-ID",
            b"From: d@cand.example\r\nSubject: No id at all\r\n\r\nWho am I?\r\n".to_vec(),
        ),
        (
            "a Message-ID used twice (1)",
            b"From: e@cand.example\r\nSubject: Same id, first\r\nMessage-ID: <same@cand.example>\r\n\r\nFirst.\r\n".to_vec(),
        ),
        (
            "a Message-ID used twice (2)",
            b"From: e@cand.example\r\nSubject: Same id, second\r\nMessage-ID: <same@cand.example>\r\n\r\nSecond.\r\n".to_vec(),
        ),
        ("no headers, only a body", b"\r\nJust text.\r\n".to_vec()),
        ("a 50 MB attachment", big),
    ]
}

#[test]
fn hostile_mail_is_stored_listed_and_accounted_for() {
    let server = Dovecot::start().expect("dovecot");
    let messages = hostile_messages();
    for (what, raw) in &messages {
        server
            .deliver(USERS[0].0, "INBOX", raw)
            .unwrap_or_else(|e| panic!("deliver {what}: {e}"));
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "hostile mail scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    let report = cli.run(&["--json", "sync"]).ok().json();
    assert!(report["accounts"][0]["error"].is_null(), "{report}");

    let ledger = cli.run(&["--json", "ledger"]).ok().json();
    let inbox = ledger
        .as_array()
        .expect("ledger")
        .iter()
        .find(|l| l["folder"] == "INBOX")
        .expect("INBOX line")
        .clone();
    assert_eq!(inbox["on_server"], messages.len(), "{inbox}");
    assert_eq!(
        inbox["stored_here"], inbox["on_server"],
        "nothing is missing: {inbox}"
    );
    assert_eq!(inbox["failed"], 0, "{inbox}");

    // Every message is listed, each with its exact source.
    let threads = cli
        .run(&["--json", "threads", "--folder", "inbox", "--limit", "100"])
        .ok()
        .json();
    let mut sources = Vec::new();
    for t in threads.as_array().expect("threads") {
        let thread = cli
            .run(&["--json", "thread", &t["id"].to_string()])
            .ok()
            .json();
        for m in thread["messages"].as_array().expect("messages") {
            let raw = cli
                .command()
                .args(["message", &m["id"].to_string(), "--raw"])
                .output()
                .expect("run candor message --raw");
            assert!(raw.status.success());
            sources.push(raw.stdout);
        }
    }
    assert_eq!(
        sources.len(),
        messages.len(),
        "duplicates and the id-less message are all listed"
    );
    for (what, raw) in &messages {
        assert!(
            sources.iter().any(|s| s == raw),
            "{what}: stored byte for byte"
        );
    }

    for (query, why) in [
        (
            "bogus-charset-body-text",
            "text in an unknown charset is still searchable",
        ),
        ("portfolio", "the big message's attachment name"),
        ("broken", "the broken multipart by its subject"),
    ] {
        let found = cli.run(&["--json", "search", query]).ok().json();
        assert!(
            found.as_array().is_some_and(|a| !a.is_empty()),
            "{why}: {query}"
        );
    }
}

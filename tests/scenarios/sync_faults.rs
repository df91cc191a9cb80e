//! Faults during sync against a real Dovecot: a sync killed part-way resumes
//! with no duplicates and no gaps; a connection cut in the middle of a fetch
//! keeps what had arrived whole; a folder whose UIDVALIDITY changes is
//! fetched again whole, without duplicates.

use std::process::Stdio;
use std::time::{Duration, Instant};

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};
use candor_tests::proxy::CuttingRelay;

fn message(i: usize) -> Vec<u8> {
    // A body large enough that a 800-message sync takes a while to fetch.
    let filler = "Experience with distributed systems, Rust and PostgreSQL. ".repeat(200);
    format!(
        "From: candidate{i}@cand.example\r\nTo: recruiter@test\r\nSubject: Application {i}\r\nMessage-ID: <app{i}@cand.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\n{filler}\r\n"
    )
    .into_bytes()
}

fn setup(server: &Dovecot, tmp: &std::path::Path) -> Cli {
    let cli = Cli::with_passphrase(tmp, "faults scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    cli
}

fn inbox_message_ids(cli: &Cli) -> Vec<String> {
    folder_message_ids(cli, "inbox")
}

fn folder_message_ids(cli: &Cli, folder: &str) -> Vec<String> {
    let threads = cli
        .run(&["--json", "threads", "--folder", folder, "--limit", "100000"])
        .ok()
        .json();
    let mut ids: Vec<String> = threads
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|t| t["message_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_sync_killed_part_way_resumes_without_duplicates_or_gaps() {
    let server = Dovecot::start().expect("dovecot");
    // Four fetches of 200: the kill comes after the first is stored.
    const COUNT: usize = 800;
    for i in 0..COUNT {
        server
            .deliver(USERS[0].0, "INBOX", &message(i))
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(&server, tmp.path());

    // Start a sync and kill it (SIGKILL: no chance to clean up) once it has
    // stored its first batches, but before it could finish.
    let mut child = cli
        .command()
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sync");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stderr).lines();
        // Wait for the first batch of INBOX to be reported stored.
        lines.any(|l| l.map(|l| l.contains("INBOX: 200 of 800")).unwrap_or(false))
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while !reader.is_finished() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill the sync");
    let _ = child.wait();
    assert!(
        reader.join().unwrap_or(false),
        "the sync had started storing INBOX when it was killed"
    );
    let partial = inbox_message_ids(&cli).len();
    assert!(
        partial < COUNT,
        "the kill came before the sync could finish ({partial} stored)"
    );

    cli.run(&["sync"]).ok();
    let ids = inbox_message_ids(&cli);
    let expected: Vec<String> = {
        let mut v: Vec<String> = (0..COUNT).map(|i| format!("app{i}@cand.example")).collect();
        v.sort();
        v
    };
    assert_eq!(
        ids, expected,
        "after the restart every message is here exactly once"
    );
    let ledger = cli.run(&["--json", "ledger"]).ok().json();
    let inbox = ledger
        .as_array()
        .expect("array")
        .iter()
        .find(|e| e["folder"] == "INBOX")
        .expect("INBOX")
        .clone();
    assert_eq!(inbox["stored_here"], COUNT, "{inbox}");
    assert_eq!(
        cli.run(&["--json", "db", "check"]).ok().json()["problems"],
        serde_json::json!([]),
        "the database is intact after the kill"
    );
}

#[test]
fn a_connection_cut_mid_fetch_keeps_what_arrived_and_the_next_sync_completes() {
    let server = Dovecot::start().expect("dovecot");
    // 300 messages of about 40 KB in the Archive (a folder whose first sync
    // stores its mail in few, large transactions): the first fetch of 200
    // is 8 MB, and the connection is cut 10 MB in, inside the second.
    const COUNT: usize = 300;
    let filler = "Experience with distributed systems, Rust and PostgreSQL. ".repeat(700);
    for i in 0..COUNT {
        let raw = format!(
            "From: candidate{i}@cand.example\r\nTo: recruiter@test\r\nSubject: Portfolio {i}\r\nMessage-ID: <portfolio{i}@cand.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\n{filler}\r\n"
        );
        server
            .deliver(USERS[0].0, "Archive", raw.as_bytes())
            .expect("deliver");
    }
    let relay = CuttingRelay::start(server.imaps_port).expect("relay");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "faults scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", relay.port, "tls", USERS[0].1)
        .ok();

    relay.cut_next_after(10 * 1024 * 1024);
    let cut = cli.run(&["sync"]);
    assert!(relay.has_cut(), "the sync's connection was cut");
    assert_ne!(cut.status, 0, "a cut sync does not report success");
    assert!(
        cut.stdout.contains("Work") && cut.stdout.contains("connection to the server was lost"),
        "the report names the account and says what happened: {}",
        cut.stdout
    );
    let kept = folder_message_ids(&cli, "archive").len();
    assert!(
        (200..COUNT).contains(&kept),
        "the 200 messages that arrived whole before the cut are kept ({kept})"
    );

    cli.run(&["sync"]).ok();
    let ids = folder_message_ids(&cli, "archive");
    let mut expected: Vec<String> = (0..COUNT)
        .map(|i| format!("portfolio{i}@cand.example"))
        .collect();
    expected.sort();
    assert_eq!(ids, expected, "the next sync brings the rest, each once");
    assert_eq!(
        cli.run(&["--json", "db", "check"]).ok().json()["problems"],
        serde_json::json!([]),
        "the database is intact after the cut"
    );
}

#[test]
fn a_uidvalidity_change_refetches_the_folder_without_duplicates() {
    let server = Dovecot::start().expect("dovecot");
    for i in 0..5 {
        server
            .deliver(USERS[0].0, "INBOX", &message(i))
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = setup(&server, tmp.path());
    cli.run(&["sync"]).ok();
    assert_eq!(inbox_message_ids(&cli).len(), 5);

    // The server renumbers the folder: every UID Candor holds becomes void.
    server.doveadm(&[
        "mailbox",
        "update",
        "-u",
        USERS[0].0,
        "--uid-validity",
        "4242",
        "INBOX",
    ]);

    let report = cli.run(&["--json", "sync"]).ok().json();
    let inbox = report["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .expect("INBOX")
        .clone();
    assert_eq!(inbox["uid_validity_changed"], true, "{inbox}");
    assert_eq!(
        inbox["fetched"], 5,
        "the folder is fetched again whole: {inbox}"
    );
    assert_eq!(
        inbox_message_ids(&cli).len(),
        5,
        "and holds each message once"
    );
}

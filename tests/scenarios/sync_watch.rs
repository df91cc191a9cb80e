//! `candor sync --watch`: new mail arrives without anyone asking, and an
//! account that fails (here a wrong password) keeps failing on its own
//! back-off schedule without stopping the healthy one.

use std::io::BufRead;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

/// Starts `candor sync --watch` and hands over each report it prints.
fn watch(cli: &Cli, interval: &str) -> (std::process::Child, mpsc::Receiver<serde_json::Value>) {
    let mut child = cli
        .command()
        .args(["--json", "sync", "--watch", "--interval", interval])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if let Ok(v) = serde_json::from_str(&line) {
                let _ = tx.send(v);
            }
        }
    });
    (child, rx)
}

#[test]
fn watch_fetches_new_mail_unasked_and_isolates_a_failing_account() {
    let server = Dovecot::start().expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "watch scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    server
        .add_account(
            &cli,
            "imap",
            "Broken",
            server.imaps_port,
            "tls",
            "wrong-password",
        )
        .ok();

    let (mut child, rx) = watch(&cli, "1");

    let mut broken_errors = 0;
    let mut delivered = false;
    let mut arrived = false;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !arrived {
        let Ok(report) = rx.recv_timeout(Duration::from_secs(5)) else {
            continue;
        };
        if report["account"] == "Broken" {
            assert!(
                report["error"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("password"),
                "{report}"
            );
            broken_errors += 1;
            continue;
        }
        assert!(
            report["error"].is_null(),
            "the healthy account keeps syncing: {report}"
        );
        let fetched: u64 = report["folders"].as_array().map_or(0, |f| {
            f.iter().map(|x| x["fetched"].as_u64().unwrap_or(0)).sum()
        });
        if delivered && fetched == 1 {
            arrived = true;
        } else if !delivered {
            // The first pass is done; now mail arrives while the watcher runs.
            server
                .deliver(USERS[0].0, "INBOX", b"From: late@cand.example\r\nSubject: Late application\r\nMessage-ID: <late@cand.example>\r\n\r\nStill open?\r\n")
                .expect("deliver");
            delivered = true;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        arrived,
        "the watcher fetched the new message without a manual sync"
    );
    assert!(
        broken_errors >= 1,
        "the failing account was tried and reported"
    );

    let found = cli
        .run(&["--json", "search", "Late application"])
        .ok()
        .json();
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(1),
        "and it is stored, threaded and searchable"
    );
}

/// With an hour between periodic syncs, only IDLE can bring new mail in
/// seconds: the watcher's idler reports itself with one extra sync when it
/// starts listening, and the next delivery must arrive right after.
#[test]
fn idle_brings_new_mail_without_waiting_for_the_interval() {
    let server = Dovecot::start().expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "idle scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();

    let (mut child, rx) = watch(&cli, "3600");
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no sync report: {what}"))
    };
    let first = next("the first pass");
    assert!(first["error"].is_null(), "{first}");
    let listening = next("the idler's first wake-up, once it listens");
    assert!(listening["error"].is_null(), "{listening}");

    let delivered_at = Instant::now();
    server
        .deliver(USERS[0].0, "INBOX", b"From: quick@cand.example\r\nSubject: Right away\r\nMessage-ID: <quick@cand.example>\r\n\r\nHello.\r\n")
        .expect("deliver");
    let report = next("IDLE reported the new message");
    let _ = child.kill();
    let _ = child.wait();
    let fetched: u64 = report["folders"].as_array().map_or(0, |f| {
        f.iter().map(|x| x["fetched"].as_u64().unwrap_or(0)).sum()
    });
    assert_eq!(
        fetched, 1,
        "the delivery was fetched long before the hourly sync: {report}"
    );
    eprintln!(
        "new mail arrived {} ms after delivery",
        delivered_at.elapsed().as_millis()
    );
}

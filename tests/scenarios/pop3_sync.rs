//! POP3 accounts against a real Dovecot: downloads are incremental by UIDL,
//! mail stays on the server unless the account says otherwise, STLS is
//! verified like TLS, and a line starting with "." survives byte-stuffing.

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

fn mail(i: usize) -> Vec<u8> {
    format!(
        "From: cand{i}@example.com\r\nTo: recruiter@test\r\nSubject: POP application {i}\r\nMessage-ID: <pop{i}@example.com>\r\n\r\nHello.\r\n.this line starts with a dot\r\n..and this one with two\r\n"
    )
    .into_bytes()
}

fn messages_on_server(server: &Dovecot) -> String {
    server.doveadm(&[
        "-f", "flow", "mailbox", "status", "-u", USERS[0].0, "messages", "INBOX",
    ])
}

fn fetched(report: &serde_json::Value, account: &str) -> u64 {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account"] == account)
        .and_then(|a| a["folders"][0]["fetched"].as_u64())
        .unwrap_or(u64::MAX)
}

#[test]
fn pop3_downloads_incrementally_and_leaves_mail_on_the_server() {
    let server = Dovecot::start().expect("dovecot");
    for i in 0..2 {
        server
            .deliver(USERS[0].0, "INBOX", &mail(i))
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "pop3 scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "pop3", "Pop", server.pop3s_port, "tls", USERS[0].1)
        .ok();

    let first = cli.run(&["--json", "sync"]).ok().json();
    assert_eq!(fetched(&first, "Pop"), 2, "{first}");

    server
        .deliver(USERS[0].0, "INBOX", &mail(2))
        .expect("deliver");
    let second = cli.run(&["--json", "sync"]).ok().json();
    assert_eq!(
        fetched(&second, "Pop"),
        1,
        "only the new message, by UIDL: {second}"
    );
    assert!(
        messages_on_server(&server).ends_with("messages=3"),
        "left on the server by default"
    );

    let threads = cli.run(&["--json", "threads"]).ok().json();
    assert_eq!(threads.as_array().map(Vec::len), Some(3));
    let thread = cli
        .run(&["--json", "thread", &threads[0]["id"].to_string()])
        .ok()
        .json();
    let raw = cli
        .run(&["message", &thread["messages"][0]["id"].to_string(), "--raw"])
        .ok();
    assert!(
        raw.stdout
            .contains("\r\n.this line starts with a dot\r\n..and this one with two\r\n"),
        "POP3 byte-stuffing is undone exactly: {:?}",
        raw.stdout
    );

    // STLS on the plain port: verified against the same pinned certificate.
    server
        .add_account(
            &cli,
            "pop3",
            "PopStls",
            server.pop3_port,
            "starttls",
            USERS[0].1,
        )
        .ok();
    let third = cli
        .run(&["--json", "sync", "--account", "PopStls"])
        .ok()
        .json();
    assert_eq!(fetched(&third, "PopStls"), 3, "{third}");
}

#[test]
fn a_zero_day_delete_policy_is_refused() {
    let server = Dovecot::start().expect("dovecot");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "pop3 scenario");
    cli.run(&["init"]).ok();
    let mut cmd = cli.command();
    cmd.args([
        "account",
        "add",
        "--name",
        "P",
        "--email",
        "r@test",
        "--pop3-host",
        "localhost",
    ])
    .args([
        "--pop3-port",
        &server.pop3s_port.to_string(),
        "--username",
        "u",
        "--password-env",
        "PW",
    ])
    .args(["--pop3-delete", "after-days:0"])
    .env("PW", "x");
    let run = candor_tests::CliRun::from(cmd.output().expect("run"));
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("invalid --pop3-delete"),
        "{}",
        run.stderr
    );
}

//! Disconnecting an account: it stops syncing; its mail stays here as a
//! local account when the recruiter asks, or leaves this computer (never the
//! server) when not.

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

#[test]
fn removing_an_account_keeps_or_deletes_its_mail_as_asked() {
    let server = Dovecot::start().expect("dovecot");
    for i in 0..2 {
        server
            .deliver(
                USERS[0].0,
                "INBOX",
                format!("From: c{i}@cand.example\r\nTo: recruiter@test\r\nSubject: Application {i}\r\nMessage-ID: <app{i}@cand.example>\r\n\r\nMy CV.\r\n").as_bytes(),
            )
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "account remove scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    cli.run(&["sync"]).ok();
    let count = |what: &[&str]| cli.run(what).ok().json().as_array().map_or(0, Vec::len);
    assert_eq!(count(&["--json", "threads"]), 2);

    cli.run(&["account", "remove", "Work", "--keep-mail"]).ok();
    let accounts = cli.run(&["--json", "account", "list"]).ok().json();
    assert_eq!(accounts[0]["protocol"], "local", "{accounts}");
    assert_eq!(accounts[0]["status"], "disconnected", "{accounts}");
    assert_eq!(count(&["--json", "threads"]), 2, "the mail stayed");
    assert_eq!(count(&["--json", "search", "Application"]), 2);
    server
        .deliver(USERS[0].0, "INBOX", b"Subject: After\r\n\r\nLate.\r\n")
        .expect("deliver");
    cli.run(&["sync"]).ok();
    assert_eq!(
        count(&["--json", "threads"]),
        2,
        "a disconnected account fetches nothing"
    );

    cli.run(&["account", "remove", "Work"]).ok();
    assert_eq!(count(&["--json", "account", "list"]), 0);
    assert_eq!(
        count(&["--json", "threads"]),
        0,
        "its mail left this computer"
    );
    assert_eq!(
        count(&["--json", "search", "Application"]),
        0,
        "and the index"
    );
    assert!(
        server
            .doveadm(&[
                "-f", "flow", "mailbox", "status", "-u", USERS[0].0, "messages", "INBOX"
            ])
            .ends_with("messages=3"),
        "the server keeps everything"
    );
    let gone = cli.run(&["account", "remove", "Work"]);
    assert_ne!(gone.status, 0);
    assert!(gone.stderr.contains("no account named"), "{}", gone.stderr);
}

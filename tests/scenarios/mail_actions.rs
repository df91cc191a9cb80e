//! Two-way mail actions against a real Dovecot: what the recruiter does here
//! (read, flag, move, delete) shows at once and reaches the server at the
//! next sync, without the sync fetching moved mail back as new or leaving
//! twins; what is done on the server (flags, moves) comes back here; and a
//! POP3 account set to "delete from the server when deleted here" does so.

use std::collections::HashMap;

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, Profile, USERS};

fn mail(id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: Anna <anna@cand.example>\r\nTo: recruiter@test\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0000\r\n\r\nBody of {subject}.\r\n"
    )
    .into_bytes()
}

/// Every stored message by its Message-ID header (without brackets): its
/// local id, folder, read and flagged state. Fails on a duplicate, which is
/// exactly what a move must never leave behind.
fn messages(cli: &Cli) -> HashMap<String, serde_json::Value> {
    let threads = cli
        .run(&["--json", "threads", "--limit", "500"])
        .ok()
        .json();
    let mut out = HashMap::new();
    for t in threads.as_array().expect("threads") {
        let id = t["id"].to_string();
        let thread = cli.run(&["--json", "thread", &id]).ok().json();
        for m in thread["messages"].as_array().expect("messages") {
            let key = m["message_id_header"]
                .as_str()
                .expect("message id")
                .trim_matches(['<', '>'])
                .to_owned();
            assert!(
                out.insert(key.clone(), m.clone()).is_none(),
                "{key} is stored twice: {thread}"
            );
        }
    }
    out
}

fn id_of(cli: &Cli, message_id: &str) -> String {
    messages(cli)[message_id]["id"].to_string()
}

/// The folders (and flags) a message is in on the server.
fn on_server(server: &Dovecot, message_id: &str) -> String {
    server.doveadm(&[
        "-f",
        "flow",
        "fetch",
        "-u",
        USERS[0].0,
        "mailbox flags",
        "mailbox",
        "*",
        "header",
        "Message-ID",
        message_id,
    ])
}

fn total_fetched(report: &serde_json::Value) -> u64 {
    report["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| f["fetched"].as_u64().unwrap_or(0))
        .sum()
}

#[test]
fn changes_made_here_reach_the_server_and_changes_there_come_back() {
    round_trip(Profile::Current);
}

/// The same with a server that has neither CONDSTORE (flags are compared in
/// full), MOVE (a move is COPY and delete) nor UIDPLUS (EXPUNGE).
#[test]
fn the_same_holds_with_a_plain_imap4rev1_server() {
    round_trip(Profile::Imap4rev1);
}

fn round_trip(profile: Profile) {
    let server = Dovecot::start_as(profile).expect("dovecot");
    for (id, subject) in [
        ("read@cand", "Please read"),
        ("move@cand", "Please archive"),
        ("bin@cand", "Please delete"),
    ] {
        server
            .deliver(USERS[0].0, "INBOX", &mail(id, subject))
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "actions scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    assert_eq!(total_fetched(&cli.run(&["--json", "sync"]).ok().json()), 3);

    // Here, at once: no network needed to see one's own changes.
    let read = id_of(&cli, "read@cand");
    cli.run(&["mark", "read", &read]).ok();
    cli.run(&["mark", "flagged", &read]).ok();
    cli.run(&["move", "--to", "archive", &id_of(&cli, "move@cand")])
        .ok();
    cli.run(&["delete", &id_of(&cli, "bin@cand")]).ok();
    let here = messages(&cli);
    assert_eq!(here["read@cand"]["is_seen"], true);
    assert_eq!(here["read@cand"]["is_flagged"], true);
    assert_eq!(here["move@cand"]["folder"], "Archive");
    assert_eq!(
        here["bin@cand"]["folder"], "Trash",
        "delete puts mail in the Trash first"
    );
    let waiting = cli.run(&["--json", "tasks"]).ok().json();
    assert_eq!(
        waiting.as_array().map(Vec::len),
        Some(4),
        "two flag changes and two moves wait for the server: {waiting}"
    );
    assert!(
        on_server(&server, "read@cand").contains("INBOX"),
        "nothing reached the server before the sync"
    );

    // The sync carries them out, and brings back nothing twice.
    let pushed = cli.run(&["--json", "sync"]).ok().json();
    assert_eq!(
        total_fetched(&pushed),
        0,
        "moved mail is recognised in its new folder, not fetched again: {pushed}"
    );
    let read_there = on_server(&server, "read@cand");
    assert!(
        read_there.contains("\\Seen") && read_there.contains("\\Flagged"),
        "read and flagged on the server: {read_there}"
    );
    let moved_there = on_server(&server, "move@cand");
    assert!(
        moved_there.contains("mailbox=Archive") && !moved_there.contains("INBOX"),
        "archived on the server: {moved_there}"
    );
    assert!(on_server(&server, "bin@cand").contains("mailbox=Trash"));
    assert_eq!(
        cli.run(&["--json", "tasks"]).ok().json(),
        serde_json::json!([]),
        "every change reached the server"
    );
    let here = messages(&cli);
    assert_eq!(here.len(), 3, "no twins, nothing lost: {here:?}");
    assert_eq!(here["move@cand"]["folder"], "Archive");

    // Deleting from the Trash deletes for good, here and there.
    cli.run(&["delete", &id_of(&cli, "bin@cand")]).ok();
    assert!(!messages(&cli).contains_key("bin@cand"));
    cli.run(&["sync"]).ok();
    assert_eq!(on_server(&server, "bin@cand"), "", "expunged on the server");

    // Changes made on the server (another device) come back.
    server.doveadm(&[
        "flags",
        "remove",
        "-u",
        USERS[0].0,
        "\\Seen",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        "read@cand",
    ]);
    server.doveadm(&[
        "move",
        "-u",
        USERS[0].0,
        "Junk",
        "mailbox",
        "Archive",
        "header",
        "Message-ID",
        "move@cand",
    ]);
    cli.run(&["sync"]).ok();
    let here = messages(&cli);
    assert_eq!(
        here["read@cand"]["is_seen"], false,
        "marked unread elsewhere"
    );
    assert_eq!(
        here["read@cand"]["is_flagged"], true,
        "the flag stays as the server has it"
    );
    assert_eq!(
        here["move@cand"]["folder"], "Junk",
        "moved elsewhere: {here:?}"
    );
    assert_eq!(here.len(), 2);

    // A sync with nothing new changes nothing.
    let quiet = cli.run(&["--json", "sync"]).ok().json();
    let changed: u64 = quiet["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| {
            f["fetched"].as_u64().unwrap_or(0)
                + f["removed"].as_u64().unwrap_or(0)
                + f["flags_changed"].as_u64().unwrap_or(0)
        })
        .sum();
    assert_eq!(changed, 0, "{quiet}");
}

#[test]
fn a_change_the_server_has_not_seen_survives_the_sync_that_pulls() {
    let server = Dovecot::start().expect("dovecot");
    server
        .deliver(USERS[0].0, "INBOX", &mail("keep@cand", "Keep me unread"))
        .expect("deliver");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "actions scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    cli.run(&["sync"]).ok();

    // Moved here while the server cannot be reached: the move waits.
    let id = id_of(&cli, "keep@cand");
    cli.run(&["move", "--to", "archive", &id]).ok();
    drop(server);
    let failed = cli.run(&["--json", "sync"]);
    assert_ne!(failed.status, 0, "the sync says the server is unreachable");
    assert_eq!(
        messages(&cli)["keep@cand"]["folder"],
        "Archive",
        "a failed sync does not undo the user's change"
    );
    let waiting = cli.run(&["--json", "tasks"]).ok().json();
    assert_eq!(waiting[0]["state"], "pending", "{waiting}");
}

#[test]
fn pop3_mail_deleted_here_is_deleted_on_the_server_when_the_account_says_so() {
    let server = Dovecot::start().expect("dovecot");
    for (id, subject) in [("p1@cand", "First"), ("p2@cand", "Second")] {
        server
            .deliver(USERS[0].0, "INBOX", &mail(id, subject))
            .expect("deliver");
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "pop3 delete scenario");
    cli.run(&["init"]).ok();
    server
        .add_account_with(
            &cli,
            "pop3",
            "Pop",
            server.pop3s_port,
            "tls",
            USERS[0].1,
            &["--pop3-delete", "when-deleted-here"],
        )
        .ok();
    cli.run(&["sync"]).ok();
    cli.run(&["delete", &id_of(&cli, "p1@cand")]).ok();
    assert!(!messages(&cli).contains_key("p1@cand"));
    cli.run(&["sync"]).ok();
    assert_eq!(
        on_server(&server, "p1@cand"),
        "",
        "deleted here, so deleted there"
    );
    assert!(
        on_server(&server, "p2@cand").contains("INBOX"),
        "the other message stays on the server"
    );
    assert!(
        !messages(&cli).contains_key("p1@cand"),
        "and it is not downloaded again"
    );
}

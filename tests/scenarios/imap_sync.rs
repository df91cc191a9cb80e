//! `candor sync` against a real Dovecot: the whole mailbox arrives, the
//! recruiter's reply from Sent joins the candidate's conversation, later
//! syncs fetch only what is new, read state and deletions made elsewhere
//! follow, the ledger accounts for every message, and a wrong password stops
//! that account with a clear status without touching the others.

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

fn mail(from: &str, to: &str, subject: &str, id: &str, refs: Option<&str>, body: &str) -> Vec<u8> {
    let mut m = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n"
    );
    if let Some(r) = refs {
        m.push_str(&format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n"));
    }
    m.push_str(&format!("\r\n{body}\r\n"));
    m.into_bytes()
}

#[test]
fn a_mailbox_syncs_whole_then_incrementally_with_a_ledger() {
    let server = Dovecot::start().expect("dovecot");
    let recruiter = USERS[0].0;
    server
        .deliver(
            recruiter,
            "INBOX",
            &mail(
                "Anna <anna@cand.example>",
                "recruiter@test",
                "My application",
                "a1@cand",
                None,
                "Hello, here is my CV.",
            ),
        )
        .expect("deliver");
    server
        .deliver(
            recruiter,
            "INBOX",
            &mail(
                "Ben <ben@cand.example>",
                "recruiter@test",
                "Question",
                "b1@cand",
                None,
                "Is the role remote?",
            ),
        )
        .expect("deliver");
    server
        .deliver(
            recruiter,
            "Sent",
            &mail(
                "recruiter@test",
                "anna@cand.example",
                "Re: My application",
                "r1@agency",
                Some("a1@cand"),
                "Thanks Anna, let's talk.",
            ),
        )
        .expect("deliver");

    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "sync scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();

    let first = cli.run(&["--json", "sync"]).ok().json();
    let folders = first["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .clone();
    let fetched: u64 = folders
        .iter()
        .map(|f| f["fetched"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(fetched, 3, "every message of every folder arrives: {first}");

    let threads = cli.run(&["--json", "threads"]).ok().json();
    let anna = threads
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["subject"] == "My application")
        .unwrap_or_else(|| panic!("Anna's thread in {threads}"));
    assert_eq!(
        anna["message_count"], 2,
        "the reply from Sent sits in the candidate's conversation: {threads}"
    );

    // Later: one new message, one read elsewhere, one deleted elsewhere.
    server
        .deliver(
            recruiter,
            "INBOX",
            &mail(
                "Chen <chen@cand.example>",
                "recruiter@test",
                "简历",
                "c1@cand",
                None,
                "附件是我的简历。",
            ),
        )
        .expect("deliver");
    server.doveadm(&[
        "flags",
        "add",
        "-u",
        recruiter,
        "\\Seen",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        "a1@cand",
    ]);
    server.doveadm(&[
        "expunge",
        "-u",
        recruiter,
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        "b1@cand",
    ]);

    let second = cli.run(&["--json", "sync"]).ok().json();
    let inbox = second["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["folder"] == "INBOX")
        .expect("INBOX")
        .clone();
    assert_eq!(
        inbox["fetched"], 1,
        "only the new message is fetched: {inbox}"
    );
    assert_eq!(
        inbox["removed"], 1,
        "a message deleted on the server goes here too: {inbox}"
    );
    assert_eq!(
        inbox["flags_changed"], 1,
        "read on another device, read here: {inbox}"
    );

    let found = cli.run(&["--json", "search", "简历"]).ok().json();
    assert_eq!(
        found.as_array().map(Vec::len),
        Some(1),
        "new mail is searchable at once"
    );
    let threads = cli.run(&["--json", "threads"]).ok().json();
    assert!(
        !threads.to_string().contains("Is the role remote"),
        "the deleted message is gone"
    );

    let third = cli.run(&["--json", "sync"]).ok().json();
    let fetched: u64 = third["accounts"][0]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| f["fetched"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(fetched, 0, "a sync with nothing new fetches nothing");

    let ledger = cli.run(&["--json", "ledger"]).ok().json();
    let inbox = ledger
        .as_array()
        .expect("array")
        .iter()
        .find(|e| e["folder"] == "INBOX")
        .expect("INBOX line")
        .clone();
    assert_eq!(inbox["on_server"], 2, "{inbox}");
    assert_eq!(
        inbox["stored_here"], 2,
        "what the server has is what is here: {inbox}"
    );
    assert_eq!(inbox["failed"], 0);
}

#[test]
fn a_wrong_password_stops_only_that_account_and_says_what_to_do() {
    let server = Dovecot::start().expect("dovecot");
    server
        .deliver(
            USERS[0].0,
            "INBOX",
            &mail("a@x.example", "recruiter@test", "Hi", "h1@x", None, "Hi"),
        )
        .expect("deliver");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "sync scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Good", server.imaps_port, "tls", USERS[0].1)
        .ok();
    server
        .add_account(
            &cli,
            "imap",
            "Bad",
            server.imaps_port,
            "tls",
            "wrong-password",
        )
        .ok();

    let run = cli.run(&["--json", "sync"]);
    assert_eq!(
        run.status, 1,
        "a sync with a failed account is not a success"
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("report on stdout");
    let bad = report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account"] == "Bad")
        .expect("Bad")
        .clone();
    assert!(
        bad["error"]
            .as_str()
            .unwrap_or_default()
            .contains("refused the user name or password"),
        "{bad}"
    );
    let good = report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account"] == "Good")
        .expect("Good")
        .clone();
    assert!(good["error"].is_null(), "the other account synced: {good}");

    let accounts = cli.run(&["--json", "account", "list"]).ok().json();
    let bad = accounts
        .as_array()
        .expect("array")
        .iter()
        .find(|a| a["name"] == "Bad")
        .expect("Bad")
        .clone();
    assert_eq!(bad["status"], "needs_password", "{bad}");
    assert!(
        bad["last_error"]
            .as_str()
            .unwrap_or_default()
            .contains("app-specific password"),
        "{bad}"
    );

    // The passwords are nowhere in clear in the data directory.
    for entry in std::fs::read_dir(&cli.data_dir).expect("data dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        for secret in [USERS[0].1, "wrong-password"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a password is readable on disk"
            );
        }
    }
}

/// A folder deleted on the server (by webmail, another client) leaves this
/// computer too, with its mail, at the next sync.
#[test]
fn a_folder_deleted_on_the_server_goes_here_too() {
    let server = Dovecot::start().expect("dovecot");
    let recruiter = USERS[0].0;
    server.doveadm(&["mailbox", "create", "-u", recruiter, "Clients/Acme"]);
    server
        .deliver(
            recruiter,
            "Clients/Acme",
            &mail(
                "hanna@acme.example",
                "recruiter@test",
                "Shortlist",
                "acme1@acme",
                None,
                "Please send it.",
            ),
        )
        .expect("deliver");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "folder scenario");
    cli.run(&["init"]).ok();
    server
        .add_account(&cli, "imap", "Work", server.imaps_port, "tls", USERS[0].1)
        .ok();
    cli.run(&["sync"]).ok();
    let count = |query: &[&str]| cli.run(query).ok().json().as_array().map_or(0, Vec::len);
    assert_eq!(count(&["--json", "threads", "--folder", "Clients/Acme"]), 1);

    server.doveadm(&["mailbox", "delete", "-u", recruiter, "Clients/Acme"]);
    let report = cli.run(&["--json", "sync"]).ok().json();
    assert_eq!(report["accounts"][0]["folders_removed"], 1, "{report}");
    assert_eq!(count(&["--json", "threads"]), 0, "its mail went with it");
    let ledger = cli.run(&["--json", "ledger"]).ok().json();
    assert!(
        !ledger.to_string().contains("Clients/Acme"),
        "the ledger no longer lists it: {ledger}"
    );
}

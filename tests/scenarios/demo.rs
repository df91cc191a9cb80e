//! `candor demo`, which the README's start command runs on a first start: a
//! newcomer with no account sees real-looking conversations on record pages,
//! searchable in every language the mailbox has, and loading it again
//! changes nothing.

use candor_tests::Cli;

#[test]
fn the_demo_workspace_shows_mail_on_record_pages_and_loads_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "demo scenario");
    let first = cli.run(&["--json", "demo"]).ok().json();
    assert_eq!(first["created"], true, "{first}");
    assert_eq!(first["messages"], 8, "{first}");
    let again = cli.run(&["--json", "demo"]).ok().json();
    assert_eq!(again["created"], false, "a second load changes nothing");

    let candidates = cli
        .run(&["--json", "record", "list", "candidate"])
        .ok()
        .json();
    let wei = candidates
        .as_array()
        .expect("candidates")
        .iter()
        .find(|c| c["display_name"] == "Wei Zhang")
        .unwrap_or_else(|| panic!("Wei Zhang in {candidates}"))["id"]
        .to_string();
    let emails = cli.run(&["--json", "record", "emails", &wei]).ok().json();
    assert_eq!(
        emails[0]["message_count"], 3,
        "Wei's application, the recruiter's reply and the Chinese answer are one conversation: {emails}"
    );

    for (query, why) in [
        ("周四", "Chinese found inside unspaced text"),
        ("zgłoszenie", "Polish"),
        ("from:hanna shortlist", "operators"),
    ] {
        let found = cli.run(&["--json", "search", query]).ok().json();
        assert!(
            found.as_array().is_some_and(|a| !a.is_empty()),
            "{why}: {query} finds the demo mail"
        );
    }
    assert_eq!(
        cli.run(&["--json", "account", "list"]).ok().json()[0]["protocol"],
        "local",
        "the demo is a local account that syncs with nothing"
    );
}

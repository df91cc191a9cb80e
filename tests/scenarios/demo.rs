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

/// The recruiter's own threading outlasts every rebuild of the
/// conversations (here, imports that rethread everything).
#[test]
fn split_and_merged_conversations_stay_so_and_new_replies_follow() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "threading scenario");
    cli.run(&["demo"]).ok();
    let by_subject = |subject: &str| -> serde_json::Value {
        let threads = cli.run(&["--json", "threads"]).ok().json();
        threads
            .as_array()
            .expect("threads")
            .iter()
            .find(|t| t["subject"] == subject)
            .unwrap_or_else(|| panic!("{subject} in {threads}"))
            .clone()
    };
    let wei = by_subject("Application: Senior Rust Engineer");
    assert_eq!(wei["message_count"], 3);
    let detail = cli
        .run(&["--json", "thread", &wei["id"].to_string()])
        .ok()
        .json();
    // Split off the recruiter's reply; Wei's answer to it goes along.
    let reply = detail["messages"][1]["id"].to_string();
    let split = cli.run(&["--json", "split", &reply]).ok().json();
    assert_eq!(split["summary"]["message_count"], 2, "{split}");
    assert_eq!(
        by_subject("Application: Senior Rust Engineer")["message_count"],
        1
    );

    // Merge Agnieszka's conversation into Hanna's.
    let hanna = by_subject("Shortlist for the Rust role");
    let agnieszka = by_subject("Zgłoszenie: Senior Rust Engineer");
    let merged = cli
        .run(&[
            "--json",
            "merge",
            &hanna["id"].to_string(),
            &agnieszka["id"].to_string(),
        ])
        .ok()
        .json();
    assert_eq!(merged["summary"]["message_count"], 4, "{merged}");

    // New mail arrives (an import rebuilds every conversation): a reply to
    // Agnieszka's message joins the merged conversation, and the split holds.
    let late = tmp.path().join("late");
    std::fs::create_dir_all(&late).expect("dir");
    std::fs::write(
        late.join("late.eml"),
        "From: Agnieszka Nowak <agnieszka.nowak@example.pl>\r\nTo: you@candor-demo.example\r\nSubject: Re: Odp: Zgłoszenie\r\nMessage-ID: <an2@example.pl>\r\nIn-Reply-To: <you2@candor-demo.example>\r\nReferences: <an1@example.pl> <you2@candor-demo.example>\r\nDate: Fri, 06 Nov 2026 08:00:00 +0100\r\n\r\nPiątek pasuje.\r\n",
    )
    .expect("write");
    cli.run(&[
        "import",
        "eml",
        late.to_str().expect("utf-8"),
        "--account",
        "Demo",
    ])
    .ok();
    let after = cli
        .run(&["--json", "thread", &merged["summary"]["id"].to_string()])
        .ok()
        .json();
    assert_eq!(
        after["summary"]["message_count"], 5,
        "the merge holds and the new reply joined it: {after}"
    );
    assert_eq!(
        by_subject("Application: Senior Rust Engineer")["message_count"],
        1,
        "the split holds"
    );
}

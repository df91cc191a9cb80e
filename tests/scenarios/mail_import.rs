//! Importing old mail through the `candor` CLI: every message stored once,
//! conversations rebuilt, and the search finding what a recruiter looks for.

use candor_tests::{Cli, corpus_dir};

fn setup() -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "import scenario");
    cli.run(&["init"]).ok();
    cli.run(&[
        "account",
        "add",
        "--name",
        "Archive",
        "--email",
        "tom@agency.example",
        "--local",
    ])
    .ok();
    (tmp, cli)
}

#[test]
fn an_eml_folder_imports_once_threads_and_searches() {
    let (_tmp, cli) = setup();
    let corpus = corpus_dir();
    let corpus = corpus.to_str().expect("utf-8 path");

    let first = cli
        .run(&["--json", "import", "eml", corpus, "--account", "Archive"])
        .ok()
        .json();
    assert_eq!(first["found"], 8);
    assert_eq!(
        first["stored"], 8,
        "every message is stored, the broken one included: {first}"
    );
    assert_eq!(
        first["stored_with_problems"], 1,
        "the broken bulk mail is stored and flagged: {first}"
    );
    let again = cli
        .run(&["--json", "import", "eml", corpus, "--account", "Archive"])
        .ok()
        .json();
    assert_eq!(
        again["stored"], 0,
        "importing the same files again stores nothing twice"
    );
    assert_eq!(again["duplicates"], 8);

    let threads = cli.run(&["--json", "threads"]).ok().json();
    let threads = threads.as_array().expect("array");
    assert_eq!(
        threads.len(),
        7,
        "the Gmail reply joins the Thunderbird original: {threads:?}"
    );
    let conversation = threads
        .iter()
        .find(|t| t["message_count"] == 2)
        .expect("one two-message thread");
    assert_eq!(
        conversation["subject"], "Call about the backend role",
        "a conversation is named after its first message"
    );
    assert_eq!(
        conversation["message_ids"],
        serde_json::json!(["5f1c2a3b-0001@agency.example", "CAF=xyz+Q@mail.gmail.com"]),
        "its messages, oldest first"
    );

    let ids = |query: &str| -> Vec<String> {
        let found = cli.run(&["--json", "search", query]).ok().json();
        found
            .as_array()
            .expect("array")
            .iter()
            .map(|t| t["subject"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        ids("简历"),
        vec!["候选人简历：李明（高级后端工程师）"],
        "two Chinese characters, found inside a sentence"
    );
    assert_eq!(
        ids("高级后端工程师"),
        vec!["候选人简历：李明（高级后端工程师）"],
        "a longer unspaced phrase"
    );
    assert_eq!(
        ids("面接"),
        vec!["面接日程のご連絡"],
        "Japanese from ISO-2022-JP"
    );
    assert_eq!(
        ids("созвониться"),
        vec!["Резюме: ведущий аналитик"],
        "Russian from KOI8-R, in the body"
    );
    assert_eq!(ids("from:zofia"), vec!["Call about the backend role"]);
    assert_eq!(
        ids("życiorys has:attachment"),
        vec!["Życiorys kandydatki"],
        "attachment names are searchable"
    );
    assert!(
        ids("候选人 before:2026-03-01").is_empty(),
        "before: excludes later mail"
    );
    assert_eq!(
        ids("subject:\"ведущий аналитик\""),
        vec!["Резюме: ведущий аналитик"]
    );

    let bad = cli.run(&["search", "after:last-week"]);
    assert_eq!(bad.status, 1);
    assert!(bad.stderr.contains("needs a date like"), "{}", bad.stderr);
}

#[test]
fn an_mbox_imports_with_from_lines_unquoted_and_raw_source_kept() {
    let (tmp, cli) = setup();
    let mbox = tmp.path().join("old.mbox");
    std::fs::write(
        &mbox,
        "From anna@example.pl Mon Mar  2 10:00:00 2026\n\
         From: Anna <anna@example.pl>\nTo: tom@agency.example\nSubject: Portfolio\n\
         Message-ID: <p1@example.pl>\nDate: Mon, 2 Mar 2026 10:00:00 +0100\n\n\
         Here is my portfolio.\n>From the archive: three projects.\n\n\
         From tom@agency.example Mon Mar  2 11:00:00 2026\n\
         From: Tom <tom@agency.example>\nTo: anna@example.pl\nSubject: Re: Portfolio\n\
         Message-ID: <p2@agency.example>\nIn-Reply-To: <p1@example.pl>\nDate: Mon, 2 Mar 2026 11:00:00 +0100\n\n\
         Thanks, Anna!\n",
    )
    .expect("write mbox");

    let report = cli
        .run(&[
            "--json",
            "import",
            "mbox",
            mbox.to_str().expect("utf-8"),
            "--account",
            "Archive",
        ])
        .ok()
        .json();
    assert_eq!(report["stored"], 2, "{report}");
    assert_eq!(
        report["threads"], 1,
        "the reply and the original are one conversation"
    );

    let threads = cli.run(&["--json", "threads"]).ok().json();
    let thread = cli
        .run(&["--json", "thread", &threads[0]["id"].to_string()])
        .ok()
        .json();
    let first = &thread["messages"][0];
    assert!(
        first["text_plain"]
            .as_str()
            .unwrap_or_default()
            .contains("\nFrom the archive"),
        "mboxrd's >From quoting is undone: {first}"
    );
    let raw = cli
        .run(&["message", &first["id"].to_string(), "--raw"])
        .ok();
    assert!(
        raw.stdout.starts_with("From: Anna <anna@example.pl>"),
        "the raw source is kept as it was: {}",
        raw.stdout
    );

    let missing = cli.run(&[
        "import",
        "mbox",
        "/nonexistent.mbox",
        "--account",
        "Archive",
    ]);
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("Could not open /nonexistent.mbox"),
        "{}",
        missing.stderr
    );
    let no_account = cli.run(&[
        "import",
        "mbox",
        mbox.to_str().expect("utf-8"),
        "--account",
        "Nope",
    ]);
    assert!(
        no_account.stderr.contains("candor account list"),
        "{}",
        no_account.stderr
    );
}

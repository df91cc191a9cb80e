//! Every email exchanged with a person is on that person's record page, as
//! the product promises (PRODUCT.md §6): linked by address whatever account
//! it came through, following address changes, job openings showing their
//! primary contact's mail, and hand-made links and unlinks that stick.

use candor_tests::Cli;

fn setup() -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_imported_corpus(tmp.path());
    (tmp, cli)
}

fn subjects(cli: &Cli, record: i64) -> Vec<String> {
    let list = cli
        .run(&["--json", "record", "emails", &record.to_string()])
        .ok()
        .json();
    list.as_array()
        .expect("array")
        .iter()
        .map(|t| t["subject"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn add(cli: &Cli, args: &[&str]) -> i64 {
    let mut full = vec!["--json", "record", "add"];
    full.extend_from_slice(args);
    cli.run(&full).ok().json()["id"].as_i64().expect("id")
}

#[test]
fn mail_follows_the_records_addresses() {
    let (_tmp, cli) = setup();

    // Mail already stored is linked when the record is created; case does not matter.
    let zofia = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Zofia",
            "--email",
            "Zofia.W@Gmail.Example",
        ],
    );
    assert_eq!(
        subjects(&cli, zofia),
        vec!["Call about the backend role"],
        "her reply's conversation is on her page"
    );

    // A record without an address shows no mail.
    let nobody = add(
        &cli,
        &["candidate", "--first-name", "No", "--last-name", "Email"],
    );
    assert!(subjects(&cli, nobody).is_empty());

    // Cc'd mail counts too: the hiring address was only on Cc.
    let hiring = add(
        &cli,
        &[
            "contact",
            "--first-name",
            "Hiring",
            "--last-name",
            "Desk",
            "--email",
            "hiring@client.example",
        ],
    );
    assert_eq!(subjects(&cli, hiring), vec!["Call about the backend role"]);

    // When the address changes, the page shows the new address's mail only.
    cli.run(&[
        "record",
        "edit",
        &zofia.to_string(),
        "--email",
        "irina@example.ru",
    ])
    .ok();
    assert_eq!(subjects(&cli, zofia), vec!["Резюме: ведущий аналитик"]);
    // ...unless the recruiter keeps the old one as a secondary address.
    cli.run(&[
        "record",
        "edit",
        &zofia.to_string(),
        "--email",
        "irina@example.ru",
        "--email",
        "zofia.w@gmail.example",
    ])
    .ok();
    assert_eq!(subjects(&cli, zofia).len(), 2);
}

#[test]
fn a_job_opening_shows_its_primary_contacts_mail() {
    let (_tmp, cli) = setup();
    let client = add(&cli, &["client", "--name", "Client Co"]);
    let wang = add(
        &cli,
        &[
            "contact",
            "--first-name",
            "Wang",
            "--email",
            "wang@client.example.cn",
            "--client",
            &client.to_string(),
        ],
    );
    let job = add(
        &cli,
        &[
            "job",
            "--title",
            "Senior Backend Engineer",
            "--primary-contact",
            &wang.to_string(),
        ],
    );
    assert_eq!(
        subjects(&cli, job),
        vec!["候选人简历：李明（高级后端工程师）"]
    );
}

#[test]
fn links_made_or_removed_by_hand_survive_relinking() {
    let (_tmp, cli) = setup();
    let anna = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Anna",
            "--email",
            "anna.kowalska@example.pl",
        ],
    );
    assert_eq!(subjects(&cli, anna), vec!["Call about the backend role"]);

    // Unlink by Message-ID: off her page, and it stays off when her record changes.
    cli.run(&[
        "record",
        "unlink",
        "<5f1c2a3b-0001@agency.example>",
        &anna.to_string(),
    ])
    .ok();
    assert!(
        subjects(&cli, anna).is_empty(),
        "an unlinked message leaves the page"
    );
    cli.run(&[
        "record",
        "edit",
        &anna.to_string(),
        "--first-name",
        "Anna Maria",
    ])
    .ok();
    assert!(
        subjects(&cli, anna).is_empty(),
        "an edit relinks by address but respects the unlink"
    );

    // Link a message from someone else by hand (the Taiwanese HR mail about her).
    let threads = cli.run(&["--json", "search", "產品經理"]).ok().json();
    let thread = cli
        .run(&["--json", "thread", &threads[0]["id"].to_string()])
        .ok()
        .json();
    let message_id = thread["messages"][0]["id"].to_string();
    cli.run(&["record", "link", &message_id, &anna.to_string()])
        .ok();
    cli.run(&[
        "record",
        "edit",
        &anna.to_string(),
        "--email",
        "anna@new.example",
    ])
    .ok();
    assert_eq!(
        subjects(&cli, anna),
        vec!["面談邀請：產品經理"],
        "a hand-made link stays through address changes"
    );

    let missing = cli.run(&["record", "link", "999999", &anna.to_string()]);
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("no stored message 999999"),
        "{}",
        missing.stderr
    );
}

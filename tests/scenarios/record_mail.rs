//! Every email exchanged with a person is on that person's record page, as
//! the product promises (PRODUCT.md §6): linked by address whatever account
//! it came through, following address changes, job openings showing their
//! primary contact's mail, and hand-made links and unlinks that stick.

use candor_tests::Cli;
use candor_tests::dovecot::{Dovecot, USERS};

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

/// A local account holding the given messages (name, raw source).
fn with_messages(messages: &[(&str, &str)]) -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let eml = tmp.path().join("eml");
    std::fs::create_dir_all(&eml).expect("eml dir");
    for (name, raw) in messages {
        std::fs::write(eml.join(name), raw.replace('\n', "\r\n")).expect("write eml");
    }
    let cli = Cli::with_imported_eml(tmp.path(), &eml);
    (tmp, cli)
}

fn message(from: &str, subject: &str, id: &str) -> String {
    format!(
        "From: {from}\nTo: tom@agency.example\nSubject: {subject}\nDate: Mon, 30 Nov 2026 10:00:00 +0000\nMessage-ID: <{id}>\n\nHello.\n"
    )
}

/// The local id of the first message of the conversation with this subject.
fn message_with_subject(cli: &Cli, subject: &str) -> i64 {
    let threads = cli.run(&["--json", "threads"]).ok().json();
    let thread = threads
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["subject"] == subject)
        .unwrap_or_else(|| panic!("no conversation {subject:?}: {threads}"));
    let detail = cli
        .run(&["--json", "thread", &thread["id"].to_string()])
        .ok()
        .json();
    detail["messages"][0]["id"].as_i64().expect("message id")
}

#[test]
fn plus_addresses_and_gmail_dots_match_only_when_asked() {
    let cv = message(
        "\"Anna Nowak\" <A.Nowak+cv@gmail.com>",
        "CV attached",
        "cv@x",
    );
    let follow = message("anowak@googlemail.com", "Following up", "follow@x");
    let other = message("anna@example.pl", "Someone else", "other@x");
    let (_tmp, cli) = with_messages(&[("1.eml", &cv), ("2.eml", &follow), ("3.eml", &other)]);
    let anna = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Anna",
            "--email",
            "anowak@gmail.com",
        ],
    );
    // By default an address is matched exactly (case ignored): a shared
    // mailbox's tags must not join two people's mail unasked.
    assert!(subjects(&cli, anna).is_empty());

    let on = cli
        .run(&["--json", "record", "matching", "--variants", "on"])
        .ok()
        .json();
    assert_eq!(on["variants"], true);
    let mut listed = subjects(&cli, anna);
    listed.sort();
    assert_eq!(
        listed,
        vec!["CV attached", "Following up"],
        "with variants on, the tagged and the dotted Gmail address are hers; other mail is not"
    );

    // A record added while the option is on is linked the same way.
    let contact = add(
        &cli,
        &[
            "contact",
            "--first-name",
            "A",
            "--email",
            "a.nowak@gmail.com",
        ],
    );
    assert_eq!(subjects(&cli, contact).len(), 2);

    cli.run(&["record", "matching", "--variants", "off"]).ok();
    assert!(
        subjects(&cli, anna).is_empty(),
        "turning it off takes the variant mail off again"
    );
}

#[test]
fn a_record_from_a_messages_sender_in_one_step() {
    let raw = message(
        "\"Nowak, Anna\" <Anna.Nowak@Example.pl>",
        "My application",
        "app@x",
    );
    let (_tmp, cli) = with_messages(&[("1.eml", &raw)]);
    let id = message_with_subject(&cli, "My application");

    let created = cli
        .run(&[
            "--json",
            "record",
            "from-sender",
            &id.to_string(),
            "--as",
            "candidate",
        ])
        .ok()
        .json();
    assert_eq!(
        created["display_name"], "Anna Nowak",
        "the name from the From header"
    );
    assert_eq!(
        created["fields"]["emails"][0]
            .as_str()
            .map(str::to_lowercase)
            .as_deref(),
        Some("anna.nowak@example.pl")
    );
    let candidate = created["id"].as_i64().expect("id");
    assert_eq!(
        subjects(&cli, candidate),
        vec!["My application"],
        "the message is on the new record's page at once"
    );

    // Twice as a candidate is refused, naming the record that has the address.
    let again = cli.run(&[
        "record",
        "from-sender",
        &id.to_string(),
        "--as",
        "candidate",
    ]);
    assert_eq!(again.status, 1);
    assert!(
        again.stderr.contains(&format!("candidate {candidate}")),
        "{}",
        again.stderr
    );

    // As a contact too (a candidate who is also a contact): both show the mail.
    let contact = cli
        .run(&[
            "--json",
            "record",
            "from-sender",
            &id.to_string(),
            "--as",
            "contact",
        ])
        .ok()
        .json()["id"]
        .as_i64()
        .expect("id");
    assert_eq!(subjects(&cli, contact), vec!["My application"]);
    assert_eq!(subjects(&cli, candidate), vec!["My application"]);
}

/// Against the real stack: two IMAP accounts on Dovecot, a candidate who
/// wrote from two addresses (one to each account), and a job opening whose
/// primary contact wrote too. Every synced message lands on the right page,
/// whichever account brought it.
#[test]
fn two_addresses_through_two_accounts_from_a_real_server() {
    let dovecot = Dovecot::start().expect("dovecot");
    let mail = |from: &str, to: &str, subject: &str, id: &str| {
        format!(
            "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Tue, 1 Dec 2026 09:00:00 +0000\r\nMessage-ID: <{id}>\r\n\r\nHello.\r\n"
        )
    };
    dovecot
        .deliver(
            "recruiter",
            "INBOX",
            mail(
                "Wei Zhang <wei@work.example>",
                "recruiter@test",
                "From work",
                "w1@x",
            )
            .as_bytes(),
        )
        .expect("deliver");
    dovecot
        .deliver(
            "boss",
            "INBOX",
            mail(
                "Wei <wei.zhang@home.example>",
                "boss@test",
                "From home",
                "w2@x",
            )
            .as_bytes(),
        )
        .expect("deliver");
    dovecot
        .deliver(
            "recruiter",
            "INBOX",
            mail(
                "Hanna <hanna@client.example>",
                "recruiter@test",
                "Shortlist",
                "h1@x",
            )
            .as_bytes(),
        )
        .expect("deliver");

    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "two accounts");
    cli.run(&["init"]).ok();
    dovecot
        .add_account(&cli, "imap", "Work", dovecot.imaps_port, "tls", USERS[0].1)
        .ok();
    dovecot.add_imap_account_as(&cli, "Second", "boss").ok();
    cli.run(&["sync"]).ok();

    let wei = add(
        &cli,
        &[
            "candidate",
            "--first-name",
            "Wei",
            "--email",
            "wei@work.example",
            "--email",
            "Wei.Zhang@home.example",
        ],
    );
    let mut listed = subjects(&cli, wei);
    listed.sort();
    assert_eq!(
        listed,
        vec!["From home", "From work"],
        "both addresses, both accounts"
    );

    cli.run(&[
        "record",
        "edit",
        &wei.to_string(),
        "--email",
        "wei.zhang@home.example",
    ])
    .ok();
    assert_eq!(
        subjects(&cli, wei),
        vec!["From home"],
        "the new address's mail only"
    );

    let hanna = add(
        &cli,
        &[
            "contact",
            "--first-name",
            "Hanna",
            "--email",
            "hanna@client.example",
        ],
    );
    let job = add(
        &cli,
        &[
            "job",
            "--title",
            "Data lead",
            "--primary-contact",
            &hanna.to_string(),
        ],
    );
    assert_eq!(
        subjects(&cli, job),
        vec!["Shortlist"],
        "the primary contact's mail"
    );

    // New mail from a known address is linked as it is synced.
    dovecot
        .deliver(
            "recruiter",
            "INBOX",
            mail(
                "wei.zhang@home.example",
                "recruiter@test",
                "Later news",
                "w3@x",
            )
            .as_bytes(),
        )
        .expect("deliver");
    cli.run(&["sync"]).ok();
    let mut listed = subjects(&cli, wei);
    listed.sort();
    assert_eq!(listed, vec!["From home", "Later news"]);
}

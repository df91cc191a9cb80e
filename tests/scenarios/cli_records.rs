//! The `candor` CLI's record commands, end to end through the encrypted store.

use candor_tests::Cli;

fn setup() -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "scenario passphrase");
    cli.run(&["init"]).ok();
    (tmp, cli)
}

#[test]
fn records_of_every_kind_round_trip_with_links_between_them() {
    let (_tmp, cli) = setup();

    let client = cli
        .run(&[
            "--json",
            "record",
            "add",
            "client",
            "--name",
            "Acme Robotics",
            "--website",
            "acme.example",
        ])
        .ok()
        .json();
    let client_id = client["id"].as_i64().expect("client id");

    let contact = cli
        .run(&[
            "--json",
            "record",
            "add",
            "contact",
            "--first-name",
            "Hanna",
            "--last-name",
            "Lindqvist",
            "--email",
            "hanna@acme.example",
            "--job-title",
            "VP Engineering",
            "--client",
            "acme robotics",
        ])
        .ok()
        .json();
    let contact_id = contact["id"].as_i64().expect("contact id");
    assert_eq!(
        contact["fields"]["client_id"], client_id,
        "--client accepts the client's name, ignoring case"
    );
    assert_eq!(contact["client_name"], "Acme Robotics");

    let job = cli
        .run(&[
            "--json",
            "record",
            "add",
            "job",
            "--title",
            "Senior Rust Engineer",
            "--client",
            &client_id.to_string(),
            "--primary-contact",
            &contact_id.to_string(),
        ])
        .ok()
        .json();
    assert_eq!(job["primary_contact_name"], "Hanna Lindqvist");
    assert_eq!(job["fields"]["status"], "open");

    let candidate = cli
        .run(&[
            "--json",
            "record",
            "add",
            "candidate",
            "--first-name",
            "Wei",
            "--last-name",
            "Zhang",
            "--email",
            "wei.zhang@example.cn",
            "--email",
            "WZhang@Example.com",
            "--phone",
            "+86 10 5555 0199",
        ])
        .ok()
        .json();
    let candidate_id = candidate["id"].as_i64().expect("candidate id");
    assert_eq!(
        candidate["fields"]["emails"],
        serde_json::json!(["wei.zhang@example.cn", "WZhang@Example.com"]),
        "addresses keep the order and spelling the user gave"
    );

    let list = cli
        .run(&["--json", "record", "list", "candidate"])
        .ok()
        .json();
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "one candidate listed: {list}"
    );
    assert_eq!(list[0]["display_name"], "Wei Zhang");
    assert_eq!(
        list[0]["detail"], "wei.zhang@example.cn",
        "the list shows the primary email"
    );

    let human = cli.run(&["record", "show", &candidate_id.to_string()]).ok();
    assert!(
        human.stdout.contains("Wei Zhang") && human.stdout.contains("+86 10 5555 0199"),
        "{}",
        human.stdout
    );

    let edited = cli
        .run(&[
            "--json",
            "record",
            "edit",
            &candidate_id.to_string(),
            "--title",
            "Staff Engineer",
            "--email",
            "wei@new.example",
        ])
        .ok()
        .json();
    assert_eq!(edited["fields"]["current_title"], "Staff Engineer");
    assert_eq!(
        edited["fields"]["emails"],
        serde_json::json!(["wei@new.example"]),
        "--email on edit replaces the list"
    );
    assert_eq!(
        edited["fields"]["phones"],
        serde_json::json!(["+86 10 5555 0199"]),
        "fields not given stay as they were"
    );

    cli.run(&["record", "delete", &candidate_id.to_string()])
        .ok();
    let gone = cli.run(&["record", "show", &candidate_id.to_string()]);
    assert_ne!(gone.status, 0, "a deleted record cannot be shown");
    assert!(gone.stderr.contains("does not exist"), "{}", gone.stderr);

    // Deleting the contact leaves the job in place, without a primary contact.
    cli.run(&["record", "delete", &contact_id.to_string()]).ok();
    let job = cli
        .run(&["--json", "record", "show", &job["id"].to_string()])
        .ok()
        .json();
    assert_eq!(job["fields"]["primary_contact_id"], serde_json::Value::Null);
}

#[test]
fn invalid_input_is_rejected_with_the_flag_named_and_nothing_stored() {
    let (_tmp, cli) = setup();

    let cases: &[(&[&str], &str)] = &[
        (
            &["record", "add", "candidate", "--email", "a@example.com"],
            "invalid --last-name: Enter a first or last name.",
        ),
        (
            &[
                "record",
                "add",
                "candidate",
                "--last-name",
                "Kowalski",
                "--email",
                "jan.kowalski@",
            ],
            "invalid --email:",
        ),
        (
            &[
                "record",
                "add",
                "contact",
                "--last-name",
                "Kowalski",
                "--email",
                "Jan <jan@example.pl>",
            ],
            "without a name or angle brackets",
        ),
        (
            &[
                "record",
                "add",
                "candidate",
                "--last-name",
                "Kowalski",
                "--email",
                "a@x.pl",
                "--email",
                "A@X.pl",
            ],
            "is listed twice",
        ),
        (
            &[
                "record",
                "add",
                "candidate",
                "--last-name",
                "Kowalski",
                "--phone",
                "call me",
            ],
            "invalid --phone:",
        ),
        (
            &["record", "add", "client", "--name", "   "],
            "invalid --name: Enter the client's name.",
        ),
        (
            &[
                "record",
                "add",
                "job",
                "--title",
                "Engineer",
                "--client",
                "Nobody Inc",
            ],
            "There is no client named \"Nobody Inc\"",
        ),
        (
            &[
                "record",
                "add",
                "job",
                "--title",
                "Engineer",
                "--primary-contact",
                "999",
            ],
            "There is no contact with id 999",
        ),
    ];
    for (args, expected) in cases {
        let run = cli.run(args);
        assert_eq!(run.status, 1, "{args:?} must fail with exit status 1");
        assert!(
            run.stdout.is_empty(),
            "{args:?}: nothing on stdout on error, got {}",
            run.stdout
        );
        assert!(
            run.stderr.contains(expected),
            "{args:?}: stderr should contain {expected:?}, got {:?}",
            run.stderr
        );
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{args:?}: one clear sentence, got {:?}",
            run.stderr
        );
    }

    for kind in ["candidate", "contact", "client", "job"] {
        let list = cli.run(&["--json", "record", "list", kind]).ok().json();
        assert_eq!(
            list,
            serde_json::json!([]),
            "rejected input must store nothing ({kind})"
        );
    }

    let json_error = cli.run(&["--json", "record", "add", "client", "--name", ""]);
    let parsed: serde_json::Value =
        serde_json::from_str(json_error.stderr.trim()).expect("--json errors are JSON on stderr");
    assert_eq!(parsed["error"]["code"], "invalid");
    assert_eq!(parsed["error"]["field"], "name");
}

#[test]
fn commands_before_init_say_how_to_start_and_create_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "whatever");
    let run = cli.run(&["record", "list", "candidate"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("candor init"),
        "the error says how to create the database: {}",
        run.stderr
    );
    assert!(
        !cli.data_dir.exists(),
        "a mistyped --data-dir must not create a database"
    );
}

#[test]
fn a_wrong_passphrase_is_refused_with_advice() {
    let (_tmp, cli) = setup();
    cli.run(&["record", "add", "client", "--name", "Globex"])
        .ok();
    let wrong = Cli {
        data_dir: cli.data_dir.clone(),
        envs: vec![("CANDOR_PASSPHRASE".into(), "not the passphrase".into())],
    };
    let run = wrong.run(&["record", "list", "client"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("could not be decrypted"),
        "{}",
        run.stderr
    );

    let missing = Cli {
        data_dir: cli.data_dir.clone(),
        envs: vec![],
    };
    let run = missing.run(&["record", "list", "client"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("CANDOR_PASSPHRASE"),
        "the user is told how to give the passphrase: {}",
        run.stderr
    );

    let list = cli.run(&["--json", "record", "list", "client"]).ok().json();
    assert_eq!(
        list[0]["display_name"], "Globex",
        "the data is intact after failed unlocks"
    );
}

/// `record list` searches by name, address and company, sorts, filters job
/// openings by status, and says when a limit cut the list.
#[test]
fn record_lists_search_sort_filter_and_say_what_was_cut() {
    let (_tmp, cli) = setup();
    for (first, email) in [
        ("Żaneta", "zaneta@example.pl"),
        ("Adam", "adam@acme.example"),
        ("Łucja", "lucja@example.pl"),
    ] {
        cli.run(&[
            "record",
            "add",
            "candidate",
            "--first-name",
            first,
            "--email",
            email,
        ])
        .ok();
    }
    cli.run(&[
        "record",
        "add",
        "job",
        "--title",
        "Filled role",
        "--status",
        "filled",
    ])
    .ok();
    cli.run(&["record", "add", "job", "--title", "Open role"])
        .ok();

    let names = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["--json", "record", "list"];
        full.extend_from_slice(args);
        cli.run(&full)
            .ok()
            .json()
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["display_name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        names(&["candidate", "--sort", "name"]),
        vec!["Adam", "Łucja", "Żaneta"],
        "Polish letters sort with their base letters"
    );
    assert_eq!(names(&["candidate", "--search", "ACME"]), vec!["Adam"]);
    assert_eq!(
        names(&["candidate", "--search", "zaneta"]),
        vec!["Żaneta"],
        "found when typed without diacritics"
    );
    assert_eq!(names(&["job", "--status", "filled"]), vec!["Filled role"]);

    let cut = cli
        .run(&["record", "list", "candidate", "--limit", "2"])
        .ok();
    assert!(cut.stdout.contains("(2 of 3 shown)"), "{}", cut.stdout);
    let wrong = cli.run(&["record", "list", "candidate", "--status", "open"]);
    assert_eq!(wrong.status, 1, "a status filter on candidates is refused");
    assert!(
        wrong.stderr.contains("Only job openings"),
        "{}",
        wrong.stderr
    );
}

//! A job opening's pipeline through the `candor` CLI: candidates added at a
//! stage, moved, removed, listed by stage; the openings a candidate is in;
//! and the errors a recruiter gets for the wrong record or stage.

use candor_tests::Cli;
use serde_json::{Value, json};

fn setup() -> (tempfile::TempDir, Cli) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "scenario passphrase");
    cli.run(&["init"]).ok();
    (tmp, cli)
}

fn id_of(value: &Value) -> String {
    value["id"].as_i64().expect("record id").to_string()
}

fn add_candidate(cli: &Cli, first: &str, last: &str, email: Option<&str>) -> String {
    let mut args = vec![
        "--json",
        "record",
        "add",
        "candidate",
        "--first-name",
        first,
        "--last-name",
        last,
    ];
    if let Some(email) = email {
        args.extend(["--email", email]);
    }
    id_of(&cli.run(&args).ok().json())
}

fn add_job(cli: &Cli, title: &str, client: Option<&str>) -> String {
    let mut args = vec!["--json", "record", "add", "job", "--title", title];
    if let Some(client) = client {
        args.extend(["--client", client]);
    }
    id_of(&cli.run(&args).ok().json())
}

fn pipeline(cli: &Cli, job: &str) -> Value {
    cli.run(&["--json", "record", "pipeline", job]).ok().json()
}

/// (candidate id, stage) of each row, in the order listed.
fn rows(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .expect("the pipeline is a JSON array")
        .iter()
        .map(|e| {
            (
                e["candidate_id"].to_string(),
                e["stage"].as_str().expect("stage").to_owned(),
            )
        })
        .collect()
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[test]
fn candidates_move_through_a_pipeline_listed_by_stage_then_name() {
    let (_tmp, cli) = setup();
    let job = add_job(&cli, "Senior Rust Engineer", None);
    let zofia = add_candidate(&cli, "Zofia", "Nowak", Some("zofia@example.pl"));
    let anna = add_candidate(&cli, "anna", "Berg", None);
    let wei = add_candidate(&cli, "Wei", "Zhang", Some("wei@example.cn"));

    assert_eq!(
        pipeline(&cli, &job),
        json!([]),
        "a new job opening has an empty pipeline"
    );

    let added = cli
        .run(&["--json", "record", "pipeline", &job, "add", &zofia])
        .ok()
        .json();
    assert_eq!(
        added["stage"], "new",
        "without --stage a candidate starts at the first stage"
    );
    assert_eq!(
        keys(&added),
        [
            "added_at",
            "candidate_id",
            "display_name",
            "email",
            "job_id",
            "stage",
            "stage_changed_at"
        ],
        "add prints the pipeline row: {added}"
    );
    assert_eq!(added["job_id"].to_string(), job);
    assert_eq!(added["display_name"], "Zofia Nowak");
    assert_eq!(
        added["email"], "zofia@example.pl",
        "the first email is shown"
    );
    assert_eq!(
        added["added_at"], added["stage_changed_at"],
        "a row that never moved was last changed when it was added"
    );

    cli.run(&[
        "record",
        "pipeline",
        &job,
        "add",
        &wei,
        "--stage",
        "Interview",
    ])
    .ok();
    let human = cli
        .run(&["record", "pipeline", &job, "add", &anna, "--stage", "new"])
        .ok();
    assert!(
        human.stdout.contains("anna Berg") && human.stdout.contains("stage new"),
        "the human output names the candidate and stage: {}",
        human.stdout
    );

    let list = pipeline(&cli, &job);
    assert_eq!(
        rows(&list),
        [
            (anna.clone(), "new".to_owned()),
            (zofia.clone(), "new".to_owned()),
            (wei.clone(), "interview".to_owned()),
        ],
        "by stage in pipeline order, then by name ignoring case (anna before Zofia): {list}"
    );
    assert_eq!(
        list[0]["email"],
        Value::Null,
        "a candidate without an address has a null email"
    );

    // Moving past interview puts Zofia after Wei; earlier stages sort first.
    let moved = cli
        .run(&[
            "--json", "record", "pipeline", &job, "stage", &zofia, "offer",
        ])
        .ok()
        .json();
    assert_eq!(moved["stage"], "offer");
    cli.run(&["record", "pipeline", &job, "stage", &anna, "rejected"])
        .ok();
    assert_eq!(
        rows(&pipeline(&cli, &job)),
        [
            (wei.clone(), "interview".to_owned()),
            (zofia.clone(), "offer".to_owned()),
            (anna.clone(), "rejected".to_owned()),
        ],
        "rejected sorts last, whatever the name"
    );

    let human = cli.run(&["record", "pipeline", &job]).ok();
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one line per candidate: {}", human.stdout);
    assert!(
        lines[0].contains("interview")
            && lines[0].contains("Wei Zhang")
            && lines[0].contains("<wei@example.cn>"),
        "each line shows stage, name and address: {}",
        lines[0]
    );

    let removed = cli
        .run(&["--json", "record", "pipeline", &job, "remove", &anna])
        .ok()
        .json();
    assert_eq!(
        removed,
        json!({
            "removed": true,
            "job_id": job.parse::<i64>().expect("job id"),
            "candidate_id": anna.parse::<i64>().expect("candidate id"),
        }),
        "remove says what it took out of which pipeline"
    );
    assert_eq!(
        rows(&pipeline(&cli, &job)).len(),
        2,
        "the removed candidate is out of the pipeline"
    );
    cli.run(&["record", "show", &anna]).ok();
}

#[test]
fn a_candidates_openings_are_listed_with_their_stage_and_client() {
    let (_tmp, cli) = setup();
    cli.run(&["record", "add", "client", "--name", "Acme Robotics"])
        .ok();
    let rust = add_job(&cli, "Senior Rust Engineer", Some("Acme Robotics"));
    let lead = add_job(&cli, "Team Lead", None);
    let wei = add_candidate(&cli, "Wei", "Zhang", None);

    assert_eq!(
        cli.run(&["--json", "record", "jobs", &wei]).ok().json(),
        json!([]),
        "a candidate in no pipeline has no openings"
    );
    cli.run(&[
        "record",
        "pipeline",
        &rust,
        "add",
        &wei,
        "--stage",
        "screening",
    ])
    .ok();
    cli.run(&["record", "pipeline", &lead, "add", &wei]).ok();

    let jobs = cli.run(&["--json", "record", "jobs", &wei]).ok().json();
    let jobs = jobs.as_array().expect("an array");
    assert_eq!(jobs.len(), 2, "both openings are listed: {jobs:?}");
    let acme = jobs
        .iter()
        .find(|j| j["job_id"] == rust.parse::<i64>().expect("job id"))
        .expect("the Rust opening is listed");
    assert_eq!(
        keys(acme),
        [
            "added_at",
            "client_id",
            "client_name",
            "job_id",
            "stage",
            "stage_changed_at",
            "status",
            "title"
        ]
    );
    assert_eq!(acme["title"], "Senior Rust Engineer");
    assert_eq!(
        acme["client_name"], "Acme Robotics",
        "the client says which company the opening is for"
    );
    assert_eq!(acme["status"], "open");
    assert_eq!(acme["stage"], "screening");

    let show = cli.run(&["record", "show", &wei]).ok();
    assert!(
        show.stdout
            .contains("Senior Rust Engineer (Acme Robotics): screening")
            && show.stdout.contains("Team Lead: new"),
        "`record show` of a candidate names the openings they are in: {}",
        show.stdout
    );
    let shown = cli.run(&["--json", "record", "show", &wei]).ok().json();
    assert_eq!(
        shown["kind"], "candidate",
        "the JSON of `record show` stays one record object"
    );
}

#[test]
fn wrong_records_unknown_stages_and_duplicates_are_refused_naming_the_field() {
    let (_tmp, cli) = setup();
    let client = id_of(
        &cli.run(&["--json", "record", "add", "client", "--name", "Globex"])
            .ok()
            .json(),
    );
    let contact = id_of(
        &cli.run(&[
            "--json",
            "record",
            "add",
            "contact",
            "--last-name",
            "Lindqvist",
        ])
        .ok()
        .json(),
    );
    let job = add_job(&cli, "Compiler engineer", None);
    let wei = add_candidate(&cli, "Wei", "Zhang", None);
    let anna = add_candidate(&cli, "Anna", "Berg", None);
    cli.run(&["record", "pipeline", &job, "add", &wei, "--stage", "offer"])
        .ok();

    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["record", "pipeline", &wei, "add", &anna],
            "job_id",
            &format!("Record {wei} is a candidate, not a job opening."),
        ),
        (
            &["record", "pipeline", &client],
            "job_id",
            &format!("Record {client} is a client, not a job opening."),
        ),
        (
            &["record", "pipeline", &job, "add", &contact],
            "candidate_id",
            &format!(
                "Record {contact} is a contact, not a candidate; only candidates go in a job opening's pipeline."
            ),
        ),
        (
            &[
                "record",
                "pipeline",
                &job,
                "add",
                &anna,
                "--stage",
                "phone screen",
            ],
            "stage",
            "\"phone screen\" is not a pipeline stage. Use one of: new, contacted, screening, interview, offer, hired, rejected.",
        ),
        (
            &["record", "pipeline", &job, "stage", &wei, "maybe"],
            "stage",
            "Use one of: new, contacted, screening, interview, offer, hired, rejected.",
        ),
        (
            &["record", "pipeline", &job, "add", &wei],
            "candidate_id",
            "Wei Zhang is already in the pipeline of \"Compiler engineer\" at stage offer; change the stage instead.",
        ),
    ];
    for (args, field, expected) in cases {
        let run = cli.run(args);
        assert_eq!(run.status, 1, "{args:?} must fail with exit status 1");
        assert!(
            run.stdout.is_empty(),
            "{args:?}: nothing on stdout on error"
        );
        assert!(
            run.stderr.contains(expected),
            "{args:?}: stderr should contain {expected:?}, got {:?}",
            run.stderr
        );
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        let run = cli.run(&json_args);
        let parsed: Value = serde_json::from_str(run.stderr.trim()).unwrap_or_else(|e| {
            panic!(
                "{args:?}: --json errors are JSON on stderr ({e}): {}",
                run.stderr
            )
        });
        assert_eq!(parsed["error"]["code"], "invalid", "{args:?}");
        assert_eq!(
            parsed["error"]["field"], *field,
            "{args:?}: the error names the field at fault so the UI can point at it"
        );
    }

    // Moving or removing someone who is not in the pipeline says so.
    for args in [
        &["record", "pipeline", &job, "stage", &anna, "hired"][..],
        &["record", "pipeline", &job, "remove", &anna][..],
    ] {
        let run = cli.run(args);
        assert_eq!(run.status, 1, "{args:?}");
        assert!(
            run.stderr
                .contains("Anna Berg is not in the pipeline of \"Compiler engineer\""),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = cli.run(&["--json", "record", "pipeline", "999"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("There is no job opening with id 999")
            && run.stderr.contains("not_found"),
        "{}",
        run.stderr
    );

    assert_eq!(
        rows(&pipeline(&cli, &job)),
        [(wei.clone(), "offer".to_owned())],
        "refused commands change nothing: the duplicate add kept the stage"
    );
}

#[test]
fn deleting_a_candidate_or_a_job_takes_their_pipeline_rows_with_them() {
    let (_tmp, cli) = setup();
    let job = add_job(&cli, "Data engineer", None);
    let other = add_job(&cli, "Analyst", None);
    let wei = add_candidate(&cli, "Wei", "Zhang", None);
    let anna = add_candidate(&cli, "Anna", "Berg", None);
    for (j, c) in [(&job, &wei), (&job, &anna), (&other, &anna)] {
        cli.run(&["record", "pipeline", j, "add", c]).ok();
    }

    cli.run(&["record", "delete", &wei]).ok();
    assert_eq!(
        rows(&pipeline(&cli, &job)),
        [(anna.clone(), "new".to_owned())],
        "a deleted candidate leaves every pipeline (ON DELETE CASCADE), not a dangling row"
    );

    cli.run(&["record", "delete", &job]).ok();
    let jobs = cli.run(&["--json", "record", "jobs", &anna]).ok().json();
    assert_eq!(
        jobs.as_array()
            .map(|a| a.iter().map(|j| j["title"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("Analyst")]),
        "a deleted job opening disappears from its candidates' pages, and they stay: {jobs}"
    );
}

#[test]
fn a_stage_change_is_timed_but_setting_the_same_stage_again_is_not_a_change() {
    let (_tmp, cli) = setup();
    let job = add_job(&cli, "Platform engineer", None);
    let wei = add_candidate(&cli, "Wei", "Zhang", None);
    let added = cli
        .run(&["--json", "record", "pipeline", &job, "add", &wei])
        .ok()
        .json();
    // Times are whole seconds: wait so a change would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let same = cli
        .run(&["--json", "record", "pipeline", &job, "stage", &wei, "new"])
        .ok()
        .json();
    assert_eq!(
        same["stage_changed_at"], added["stage_changed_at"],
        "re-selecting the current stage must not reset how long they have been at it"
    );

    let moved = cli
        .run(&[
            "--json",
            "record",
            "pipeline",
            &job,
            "stage",
            &wei,
            "contacted",
        ])
        .ok()
        .json();
    assert_eq!(
        moved["added_at"], added["added_at"],
        "moving keeps when they were added"
    );
    assert!(
        moved["stage_changed_at"].as_i64() > added["stage_changed_at"].as_i64(),
        "a real move records when it happened: {moved}"
    );
}

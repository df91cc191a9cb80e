//! Contacts sync with the "Candor Contacts" folder through the real
//! `candor` binary against the Graph double: a custom field mapping both
//! ways, full-object updates, imported contacts left out, and the folder
//! deleted in Microsoft 365.

use candor_core::{RecordFields, RecordInput};
use candor_tests::graph::GraphServer;
use serde_json::{Value, json};

use crate::calendar_sync::{open, signed_in};

fn contact(
    first: &str,
    last: &str,
    emails: &[&str],
    phones: &[&str],
    title: &str,
    client: Option<i64>,
) -> RecordInput {
    RecordInput {
        fields: RecordFields::Contact {
            first_name: first.into(),
            last_name: last.into(),
            emails: emails.iter().map(|e| (*e).to_owned()).collect(),
            phones: phones.iter().map(|p| (*p).to_owned()).collect(),
            job_title: Some(title.into()),
            client_id: client,
            address: None,
        },
        notes: "Met at the fair".into(),
    }
}

/// The fields of `record show --json` (which wraps the record when it
/// lists more beside it).
fn fields_of(shown: &Value) -> &Value {
    if shown.get("record").is_some() {
        &shown["record"]["fields"]
    } else {
        &shown["fields"]
    }
}

fn remote_by_name(graph: &GraphServer, name: &str) -> Value {
    graph
        .contacts("Candor Contacts")
        .into_iter()
        .find(|c| c["displayName"] == name)
        .unwrap_or_else(|| panic!("{name} is in the folder"))
}

#[test]
fn contacts_with_a_custom_mapping_round_trip() {
    let env = signed_in();
    let ola = {
        let candor = open(&env);
        let acme = candor_core::api::records::create(
            &candor,
            RecordInput {
                fields: RecordFields::Client {
                    name: "Acme".into(),
                    website: None,
                    phone: None,
                },
                notes: String::new(),
            },
        )
        .expect("client")
        .id;
        candor_core::api::records::create(
            &candor,
            contact(
                "Ola",
                "Nowak",
                &["ola@acme.example"],
                &["+48 600 100 200", "+48 22 111 22 33"],
                "Head of Talent",
                Some(acme),
            ),
        )
        .expect("contact")
        .id
    };
    // Imported from a file: never sent.
    let file = env.cli.data_dir.with_file_name("contacts.csv");
    std::fs::write(
        &file,
        "First name,Last name,Email\nImp,Orted,imp@x.example\n",
    )
    .expect("csv");
    env.cli
        .run(&["import", "csv", "contacts", file.to_str().expect("utf-8")])
        .ok();

    // The user's mapping: the first phone is the mobile, the job title
    // goes to Department, and Microsoft's own job title is left alone.
    let mapping = env
        .cli
        .run(&[
            "--json",
            "contacts-sync",
            "mapping",
            "--set",
            "givenName=first_name",
            "--set",
            "surname=last_name",
            "--set",
            "emailAddresses=emails",
            "--set",
            "mobilePhone=first_phone",
            "--set",
            "department=job_title",
            "--set",
            "companyName=company",
            "--set",
            "personalNotes=notes",
        ])
        .ok()
        .json();
    assert_eq!(mapping.as_array().map(Vec::len), Some(7), "{mapping}");
    let bad = env
        .cli
        .run(&["contacts-sync", "mapping", "--set", "homeAddress=nowhere"]);
    assert_ne!(bad.status, 0, "unknown fields are refused");

    let report = env
        .cli
        .run(&["--json", "contacts-sync", "enable"])
        .ok()
        .json();
    assert_eq!(
        report["created_remote"], 1,
        "imported contacts are not synced: {report}"
    );
    assert_eq!(env.graph.folder_names(), ["Candor Contacts"]);
    let remote = remote_by_name(&env.graph, "Ola Nowak");
    assert_eq!(remote["givenName"], "Ola");
    assert_eq!(remote["surname"], "Nowak");
    assert_eq!(
        remote["mobilePhone"], "+48 600 100 200",
        "a single string, not a list"
    );
    assert_eq!(remote["department"], "Head of Talent");
    assert_eq!(remote["jobTitle"], Value::Null, "not mapped, not sent");
    assert_eq!(remote["companyName"], "Acme");
    assert_eq!(remote["personalNotes"], "Met at the fair");
    assert_eq!(
        remote["emailAddresses"][0]["address"], "ola@acme.example",
        "emailAddresses are objects"
    );

    // Edited in Outlook: back through the same mapping.
    let now = jiff::Timestamp::now().as_second();
    env.graph.user_edits_contact(
        "Ola Nowak",
        &json!({"mobilePhone": "+48 600 999 999", "department": "VP People",
                "personalNotes": "Prefers calls", "jobTitle": "ignored"}),
        now,
    );
    env.cli.run(&["contacts-sync", "sync"]).ok();
    let shown = env
        .cli
        .run(&["--json", "record", "show", &ola.to_string()])
        .ok()
        .json();
    let fields = fields_of(&shown);
    assert_eq!(fields["job_title"], "VP People", "{shown}");
    assert_eq!(fields["phones"][0], "+48 600 999 999", "{shown}");
    assert_eq!(
        fields["phones"][1], "+48 22 111 22 33",
        "the other phone stays"
    );

    // Edited here: a full-object PATCH (displayName included, so Graph
    // does not regenerate it; every mapped field, so none is reset).
    {
        let candor = open(&env);
        let mut input = contact(
            "Ola",
            "Nowak-Kowalska",
            &["ola@acme.example"],
            &["+48 600 999 999"],
            "VP People",
            None,
        );
        input.notes = "Prefers calls".into();
        candor_core::api::records::update(&candor, ola, input).expect("edit");
    }
    env.cli.run(&["contacts-sync", "sync"]).ok();
    let patch = env
        .graph
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH");
    for key in [
        "displayName",
        "givenName",
        "surname",
        "emailAddresses",
        "mobilePhone",
        "department",
        "companyName",
        "personalNotes",
    ] {
        assert!(
            patch.body.get(key).is_some(),
            "{key} is in the PATCH: {}",
            patch.body
        );
    }
    assert!(patch.if_match.is_some(), "the ETag goes with the update");
    let remote = remote_by_name(&env.graph, "Ola Nowak-Kowalska");
    assert_eq!(remote["companyName"], "", "the company was cleared here");

    // The folder deleted in Outlook: sync turns off, the contacts stay.
    env.graph.user_deletes_folder("Candor Contacts");
    let run = env.cli.run(&["contacts-sync", "sync"]);
    assert_ne!(run.status, 0);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("deleted in Microsoft 365"),
        "{} {}",
        run.stdout,
        run.stderr
    );
    assert!(env.graph.folder_names().is_empty(), "not re-created");
    let status = env
        .cli
        .run(&["--json", "contacts-sync", "status"])
        .ok()
        .json();
    assert_eq!(status["enabled"], false);
    env.cli.run(&["record", "show", &ola.to_string()]).ok();

    // Enable again, then disable: the folder goes, the contact stays.
    env.cli.run(&["contacts-sync", "enable"]).ok();
    assert_eq!(env.graph.folder_names(), ["Candor Contacts"]);
    env.cli.run(&["contacts-sync", "disable"]).ok();
    assert!(env.graph.folder_names().is_empty());
    env.cli.run(&["record", "show", &ola.to_string()]).ok();
}

/// The default mapping carries the postal address: Candor's free text goes
/// out whole as the business address's street, and an address the user
/// types in Outlook part by part comes back as lines, nothing dropped.
#[test]
fn a_contacts_address_goes_out_and_comes_back_with_the_default_mapping() {
    let env = signed_in();
    let ola = {
        let candor = open(&env);
        let mut input = contact("Ola", "Nowak", &["ola@acme.example"], &[], "CTO", None);
        if let RecordFields::Contact { address, .. } = &mut input.fields {
            *address = Some("Sveavägen 44\n111 34 Stockholm".into());
        }
        candor_core::api::records::create(&candor, input)
            .expect("contact")
            .id
    };
    env.cli.run(&["contacts-sync", "enable"]).ok();
    let remote = remote_by_name(&env.graph, "Ola Nowak");
    assert_eq!(
        remote["businessAddress"]["street"], "Sveavägen 44\n111 34 Stockholm",
        "{remote}"
    );

    let now = jiff::Timestamp::now().as_second();
    env.graph.user_edits_contact(
        "Ola Nowak",
        &json!({"businessAddress": {"street": "ul. Floriańska 1", "city": "Kraków",
                "postalCode": "31-019", "state": "", "countryOrRegion": "Poland"}}),
        now,
    );
    env.cli.run(&["contacts-sync", "sync"]).ok();
    let shown = env
        .cli
        .run(&["--json", "record", "show", &ola.to_string()])
        .ok()
        .json();
    let fields = fields_of(&shown);
    assert_eq!(
        fields["address"], "ul. Floriańska 1\n31-019 Kraków\nPoland",
        "{shown}"
    );
}

#[test]
fn the_first_contacts_sync_sends_at_most_10000_most_recent_first_and_a_quiet_sync_is_one_request() {
    let env = signed_in();
    {
        let candor = open(&env);
        for i in 0..10_005 {
            candor_core::api::records::create(
                &candor,
                contact(
                    &format!("P{i:05}"),
                    "Person",
                    &[&format!("p{i}@people.example")],
                    &[],
                    "Engineer",
                    None,
                ),
            )
            .expect("contact");
        }
    }
    let started = std::time::Instant::now();
    let report = env
        .cli
        .run(&["--json", "contacts-sync", "enable"])
        .ok()
        .json();
    // The benchmark's figure (not a timed assertion).
    eprintln!(
        "initial contacts sync: {} contacts in {:.1} s, {} HTTP requests over {} connections",
        report["created_remote"],
        started.elapsed().as_secs_f64(),
        report["requests"],
        env.graph.connections()
    );
    assert_eq!(report["created_remote"], 10_000, "{report}");
    assert_eq!(report["set_aside"], 5, "{report}");
    let names: std::collections::HashSet<String> = env
        .graph
        .contacts("Candor Contacts")
        .iter()
        .filter_map(|c| c["givenName"].as_str().map(str::to_owned))
        .collect();
    for oldest in 0..5 {
        assert!(
            !names.contains(&format!("P{oldest:05}")),
            "the least recently updated are the ones left out"
        );
    }
    assert!(names.contains("P10004"));
    assert!(env.graph.max_in_flight() <= 4, "at most 4 requests at once");

    env.cli.run(&["contacts-sync", "sync"]).ok();
    let before = env.graph.request_count();
    env.cli.run(&["contacts-sync", "sync"]).ok();
    assert_eq!(
        env.graph.request_count() - before,
        1,
        "an incremental sync with no changes is one request"
    );
}

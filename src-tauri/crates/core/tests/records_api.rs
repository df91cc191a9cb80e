//! The records API as the app and CLI call it: input is normalised once, here,
//! and every rejection names its field.

use candor_core::api::{Candor, records};
use candor_core::{ErrorCode, JobStatus, RecordFields, RecordInput, RecordKind, Unlock};
use zeroize::Zeroizing;

/// Opened as the app opens it, with the read-only connection its reads
/// (lists, records, conversations, bodies) go through, beside the writer.
fn open(dir: &std::path::Path) -> Candor {
    let candor = Candor::open(
        dir,
        &Unlock::Passphrase(Zeroizing::new("core api test".into())),
        true,
    )
    .expect("open");
    candor.open_reader().expect("the read-only connection");
    candor
}

fn candidate(first: &str, last: &str, emails: &[&str], phones: &[&str]) -> RecordInput {
    RecordInput {
        fields: RecordFields::Candidate {
            first_name: first.into(),
            last_name: last.into(),
            emails: emails.iter().map(|s| (*s).to_owned()).collect(),
            phones: phones.iter().map(|s| (*s).to_owned()).collect(),
            current_title: Some("   ".into()),
            current_employer: Some("  Globex  ".into()),
        },
        notes: "  first call went well \n".into(),
    }
}

#[test]
fn input_is_trimmed_and_blank_entries_dropped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    let record = records::create(
        &candor,
        candidate(
            "  Li ",
            " Na",
            &[" li.na@example.cn ", "", "  "],
            &["", " +48 22 555 01 01 "],
        ),
    )
    .expect("create");
    assert_eq!(record.display_name, "Li Na");
    assert_eq!(
        record.fields,
        RecordFields::Candidate {
            first_name: "Li".into(),
            last_name: "Na".into(),
            emails: vec!["li.na@example.cn".into()],
            phones: vec!["+48 22 555 01 01".into()],
            current_title: None,
            current_employer: Some("Globex".into()),
        },
        "whitespace is trimmed, blank rows dropped, empty optional fields stored as absent"
    );
    assert_eq!(record.notes, "first call went well");
}

#[test]
fn each_rejection_names_the_field() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    let cases = [
        (candidate("", " ", &[], &[]), "last_name"),
        (candidate("Jan", "", &["jan@"], &[]), "emails"),
        (
            candidate("Jan", "", &["jan@example.pl", "JAN@example.pl"], &[]),
            "emails",
        ),
        (candidate("Jan", "", &[], &["12"]), "phones"),
        (candidate(&"x".repeat(301), "", &[], &[]), "first_name"),
    ];
    for (input, field) in cases {
        let err = records::create(&candor, input).expect_err(field);
        assert_eq!(err.code, ErrorCode::Invalid);
        assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
        assert!(
            err.message.ends_with('.'),
            "messages are sentences: {:?}",
            err.message
        );
    }
    assert!(
        records::list(&candor, RecordKind::Candidate)
            .expect("list")
            .is_empty(),
        "nothing was stored"
    );
}

#[test]
fn links_must_point_at_the_right_kind_of_record() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    let person = records::create(&candor, candidate("Eva", "Novak", &[], &[])).expect("candidate");
    let job = RecordInput {
        fields: RecordFields::Job {
            title: "Recruiter".into(),
            client_id: Some(person.id),
            primary_contact_id: None,
            status: JobStatus::OnHold,
        },
        notes: String::new(),
    };
    let err = records::create(&candor, job).expect_err("a candidate is not a client");
    assert_eq!(err.field.as_deref(), Some("client_id"));
    assert!(
        err.message.contains("is a candidate, not a client"),
        "{}",
        err.message
    );

    let err = records::get(&candor, 4242).expect_err("missing");
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = records::delete(&candor, 4242).expect_err("missing");
    assert_eq!(err.code, ErrorCode::NotFound);
}

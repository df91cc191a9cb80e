//! The records table module: kinds, links between records, and what edits and
//! deletes do to the records that point at each other.

use candor_store::Store;
use candor_store::records::{JobStatus, RecordFields, RecordInput, RecordKind};

mod common;

fn open(dir: &std::path::Path) -> Store {
    common::open_store(dir, "records test")
}

fn input(fields: RecordFields) -> RecordInput {
    RecordInput {
        fields,
        notes: String::new(),
    }
}

fn contact(first: &str, client_id: Option<i64>) -> RecordInput {
    input(RecordFields::Contact {
        first_name: first.into(),
        last_name: "Berg".into(),
        emails: vec![format!("{}@acme.example", first.to_lowercase())],
        phones: vec!["+46 8 555 010".into()],
        job_title: None,
        client_id,
        address: Some("Kungsgatan 1\n111 43 Stockholm".into()),
    })
}

#[test]
fn editing_a_contact_keeps_the_jobs_that_point_at_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let client = store
        .insert_record(
            &input(RecordFields::Client {
                name: "Acme".into(),
                website: None,
                phone: None,
            }),
            false,
        )
        .expect("client");
    let person = store
        .insert_record(&contact("Astrid", Some(client)), false)
        .expect("contact");
    let job = store
        .insert_record(
            &input(RecordFields::Job {
                title: "Platform Lead".into(),
                client_id: Some(client),
                primary_contact_id: Some(person),
                status: JobStatus::Open,
            }),
            false,
        )
        .expect("job");

    store
        .update_record(person, &contact("Astrid-Maria", Some(client)))
        .expect("edit contact");

    let job = store.get_record(job).expect("read").expect("job exists");
    assert_eq!(
        job.fields,
        RecordFields::Job {
            title: "Platform Lead".into(),
            client_id: Some(client),
            primary_contact_id: Some(person),
            status: JobStatus::Open,
        },
        "an edit rewrites the contact in place; it must not detach it from its job openings"
    );
    assert_eq!(
        job.primary_contact_name.as_deref(),
        Some("Astrid-Maria Berg")
    );
    assert_eq!(job.client_name.as_deref(), Some("Acme"));
    let astrid = store.get_record(person).expect("read").expect("contact");
    assert_eq!(
        astrid.fields,
        contact("Astrid-Maria", Some(client)).fields,
        "every field of the contact, its postal address included, reads back as written"
    );
}

#[test]
fn an_edit_replaces_addresses_and_phones_and_cannot_change_the_kind() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let id = store
        .insert_record(&contact("Nils", None), false)
        .expect("contact");
    let mut edited = contact("Nils", None);
    if let RecordFields::Contact { emails, phones, .. } = &mut edited.fields {
        *emails = vec!["nils@new.example".into(), "N.Berg@Old.Example".into()];
        phones.clear();
    }
    store.update_record(id, &edited).expect("edit");
    let record = store.get_record(id).expect("read").expect("exists");
    assert_eq!(
        record.fields.emails(),
        ["nils@new.example", "N.Berg@Old.Example"]
    );
    match &record.fields {
        RecordFields::Contact { phones, .. } => {
            assert!(phones.is_empty(), "removed phones are gone")
        }
        other => panic!("still a contact, got {other:?}"),
    }

    let as_client = input(RecordFields::Client {
        name: "Nils AB".into(),
        website: None,
        phone: None,
    });
    let err = store
        .update_record(id, &as_client)
        .expect_err("kind change");
    assert!(
        err.to_string().contains("is a contact, not a client"),
        "{err}"
    );
}

#[test]
fn deleting_a_client_keeps_its_people_and_jobs_unlinked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let client = store
        .insert_record(
            &input(RecordFields::Client {
                name: "Initech".into(),
                website: None,
                phone: None,
            }),
            false,
        )
        .expect("client");
    let person = store
        .insert_record(&contact("Peter", Some(client)), false)
        .expect("contact");
    assert!(
        store.delete_record(client).expect("delete"),
        "the client existed"
    );
    assert!(
        !store.delete_record(client).expect("delete again"),
        "a second delete finds nothing"
    );

    let record = store
        .get_record(person)
        .expect("read")
        .expect("the contact stays");
    assert!(
        matches!(
            record.fields,
            RecordFields::Contact {
                client_id: None,
                ..
            }
        ),
        "{record:?}"
    );
    assert_eq!(
        store.list_records(RecordKind::Client).expect("list"),
        vec![]
    );
    assert_eq!(
        store.list_records(RecordKind::Contact).expect("list").len(),
        1
    );
}

#[test]
fn lists_show_the_newest_change_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let first = store
        .insert_record(&contact("Ada", None), false)
        .expect("a");
    let second = store.insert_record(&contact("Bo", None), false).expect("b");
    let ids: Vec<i64> = store
        .list_records(RecordKind::Contact)
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(
        ids,
        vec![second, first],
        "same second: the later insert comes first"
    );
}

fn candidate(first: &str, emails: &[&str]) -> RecordInput {
    input(RecordFields::Candidate {
        first_name: first.into(),
        last_name: "Nowak".into(),
        emails: emails.iter().map(|e| (*e).to_owned()).collect(),
        phones: Vec::new(),
        current_title: None,
        current_employer: None,
    })
}

/// A candidate who is also a contact: each page names the other record with
/// the same address, so the recruiter knows why the same mail is on both.
#[test]
fn records_sharing_an_address_name_each_other() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let anna = store
        .insert_record(
            &candidate("Anna", &["anna@example.pl", "a.nowak+cv@gmail.com"]),
            false,
        )
        .expect("candidate");
    let contact = store
        .insert_record(
            &input(RecordFields::Contact {
                first_name: "Anna".into(),
                last_name: "Nowak".into(),
                emails: vec!["ANNA@example.pl".into()],
                phones: Vec::new(),
                job_title: None,
                client_id: None,
                address: None,
            }),
            false,
        )
        .expect("contact");
    let gmail = store
        .insert_record(&candidate("Dotted", &["anowak@gmail.com"]), false)
        .expect("candidate");

    let shared = store.shared_addresses(anna).expect("shared");
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(shared[0].record_id, contact);
    assert_eq!(shared[0].kind, RecordKind::Contact);
    assert_eq!(shared[0].display_name, "Anna Nowak");
    assert_eq!(shared[0].address, "anna@example.pl");
    assert_eq!(
        store.shared_addresses(contact).expect("shared")[0].record_id,
        anna
    );

    // With variant matching on, the Gmail variants share mail too, and say so.
    store.set_address_variants(true).expect("variants on");
    let shared: Vec<i64> = store
        .shared_addresses(anna)
        .expect("shared")
        .iter()
        .map(|s| s.record_id)
        .collect();
    assert_eq!(shared, vec![contact, gmail]);
}

/// The list pages search by name, address and company, whatever the case
/// and alphabet (SQLite alone folds ASCII only), and sort and filter.
#[test]
fn record_lists_search_sort_and_filter() {
    use candor_store::records::{RecordQuery, RecordSort};
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let person = |store: &mut Store, first: &str, email: &str, employer: Option<&str>| {
        store
            .insert_record(
                &input(RecordFields::Candidate {
                    first_name: first.into(),
                    last_name: "Nowak".into(),
                    emails: vec![email.into()],
                    phones: Vec::new(),
                    current_title: None,
                    current_employer: employer.map(str::to_owned),
                }),
                false,
            )
            .expect("candidate")
    };
    let lukasz = person(
        &mut store,
        "Łukasz",
        "lukasz@example.pl",
        Some("Kraków Robotics"),
    );
    let anna = person(&mut store, "Anna", "anna@acme.example", None);
    let zofia = person(&mut store, "Zofia", "z@example.pl", Some("Acme"));
    // Imported for the filter below.
    let imported = store
        .insert_record(&candidate("Imported", &["imp@example.pl"]), true)
        .expect("imported");

    let ids = |store: &candor_store::Store, q: RecordQuery| -> Vec<i64> {
        store
            .search_records(RecordKind::Candidate, &q)
            .expect("search")
            .records
            .iter()
            .map(|r| r.id)
            .collect()
    };
    let text = |t: &str| RecordQuery {
        text: Some(t.into()),
        ..RecordQuery::default()
    };
    assert_eq!(
        ids(&store, text("łukasz")),
        vec![lukasz],
        "Polish letters fold case"
    );
    assert_eq!(
        ids(&store, text("KRAKÓW")),
        vec![lukasz],
        "the employer counts"
    );
    assert_eq!(
        ids(&store, text("lukasz krakow")),
        vec![lukasz],
        "typed without diacritics"
    );
    assert_eq!(
        ids(&store, text("acme")).len(),
        2,
        "an address's domain or the employer"
    );
    assert_eq!(
        ids(&store, text("nowak acme")).len(),
        2,
        "every word must appear"
    );
    assert_eq!(ids(&store, text("anna acme")), vec![anna]);
    assert!(ids(&store, text("nobody")).is_empty());

    let by_name = ids(
        &store,
        RecordQuery {
            sort: RecordSort::Name,
            ..RecordQuery::default()
        },
    );
    assert_eq!(
        by_name,
        vec![anna, imported, lukasz, zofia],
        "Ł sorts with L, not after Z"
    );
    let newest = ids(
        &store,
        RecordQuery {
            sort: RecordSort::Created,
            ..RecordQuery::default()
        },
    );
    assert_eq!(newest, vec![imported, zofia, anna, lukasz]);
    assert_eq!(
        ids(
            &store,
            RecordQuery {
                imported: Some(true),
                ..RecordQuery::default()
            }
        ),
        vec![imported]
    );

    let limited = store
        .search_records(
            RecordKind::Candidate,
            &RecordQuery {
                limit: Some(2),
                ..RecordQuery::default()
            },
        )
        .expect("search");
    assert_eq!(
        (limited.records.len(), limited.total),
        (2, 4),
        "the total counts past the limit"
    );
}

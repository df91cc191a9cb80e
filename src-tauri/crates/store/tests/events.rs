//! Events as the calendar and record pages read them: which events a day
//! shows, a record's interviews, and .ics re-imports that update rather
//! than duplicate.

mod common;

use candor_store::Store;
use candor_store::events::{EventAttendee, EventInput};
use candor_store::records::{JobStatus, RecordFields, RecordInput};

fn open(dir: &std::path::Path) -> Store {
    common::open_store(dir, "events test passphrase")
}

fn event(title: &str, starts_at: i64, ends_at: i64) -> EventInput {
    EventInput {
        title: title.into(),
        starts_at,
        ends_at,
        time_zone: "Europe/Warsaw".into(),
        is_all_day: false,
        location: None,
        is_online_meeting: false,
        notes: String::new(),
        candidate_id: None,
        job_id: None,
        attendees: Vec::new(),
    }
}

fn titles(events: &[candor_store::events::Event]) -> Vec<&str> {
    events.iter().map(|e| e.input.title.as_str()).collect()
}

const DAY: i64 = 86_400;
/// 2026-12-01T00:00:00Z.
const DEC_1: i64 = 1_796_083_200;

#[test]
fn a_day_shows_what_overlaps_it_and_not_what_ended_at_its_start() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    // A whole-day event on 1 December ends at midnight, when 2 December
    // starts: a day view of the 2nd must not show it.
    let mut whole_day = event("Offsite", DEC_1, DEC_1 + DAY);
    whole_day.is_all_day = true;
    store.insert_event(&whole_day, false).expect("insert");
    store
        .insert_event(
            &event("Late call", DEC_1 + DAY - 3600, DEC_1 + DAY + 1800),
            false,
        )
        .expect("insert");
    store
        .insert_event(&event("Reminder", DEC_1 + DAY, DEC_1 + DAY), false)
        .expect("insert");
    store
        .insert_event(
            &event("Next day", DEC_1 + 2 * DAY, DEC_1 + 2 * DAY + 60),
            false,
        )
        .expect("insert");

    let dec_2 = store
        .list_events(DEC_1 + DAY, DEC_1 + 2 * DAY)
        .expect("list");
    assert_eq!(titles(&dec_2), vec!["Late call", "Reminder"]);
    let dec_1 = store.list_events(DEC_1, DEC_1 + DAY).expect("list");
    assert_eq!(titles(&dec_1), vec!["Offsite", "Late call"]);
}

#[test]
fn a_record_lists_its_interviews_as_candidate_or_job_by_start() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let anna = store
        .insert_record(
            &RecordInput {
                fields: RecordFields::Candidate {
                    first_name: "Anna".into(),
                    last_name: "Nowak".into(),
                    emails: vec!["anna@example.com".into()],
                    phones: Vec::new(),
                    current_title: None,
                    current_employer: None,
                },
                notes: String::new(),
            },
            false,
        )
        .expect("candidate");
    let job = store
        .insert_record(
            &RecordInput {
                fields: RecordFields::Job {
                    title: "Rust engineer".into(),
                    client_id: None,
                    primary_contact_id: None,
                    status: JobStatus::Open,
                },
                notes: String::new(),
            },
            false,
        )
        .expect("job");

    let mut second = event("Second interview", DEC_1 + 2 * DAY, DEC_1 + 2 * DAY + 3600);
    second.candidate_id = Some(anna);
    second.job_id = Some(job);
    store.insert_event(&second, false).expect("insert");
    let mut first = event("Screening", DEC_1, DEC_1 + 1800);
    first.candidate_id = Some(anna);
    store.insert_event(&first, false).expect("insert");
    let mut briefing = event("Client briefing", DEC_1 + DAY, DEC_1 + DAY + 3600);
    briefing.job_id = Some(job);
    store.insert_event(&briefing, false).expect("insert");
    store
        .insert_event(&event("Unrelated", DEC_1, DEC_1 + 60), false)
        .expect("insert");

    assert_eq!(
        titles(&store.record_events(anna).expect("anna")),
        vec!["Screening", "Second interview"]
    );
    assert_eq!(
        titles(&store.record_events(job).expect("job")),
        vec!["Client briefing", "Second interview"],
        "the interview linked to both appears once on each page"
    );
}

#[test]
fn importing_the_same_event_again_updates_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = open(tmp.path());
    let mut input = event("Team lunch", DEC_1 + 12 * 3600, DEC_1 + 13 * 3600);
    input.attendees = vec![EventAttendee {
        address: "kim@example.com".into(),
        display_name: Some("Kim".into()),
        attendance: "required".into(),
    }];
    let (id, new) = store
        .upsert_imported_event("uid-1@example.com", &input)
        .expect("first import");
    assert!(new);
    input.title = "Team lunch (moved)".into();
    input.starts_at += 3600;
    input.ends_at += 3600;
    let (again, new) = store
        .upsert_imported_event("uid-1@example.com", &input)
        .expect("second import");
    assert_eq!((again, new), (id, false));

    let stored = store.get_event(id).expect("get").expect("the event");
    assert_eq!(stored.input, input);
    assert!(stored.is_imported, "imported events are never synced");
    assert_eq!(
        store.list_events(DEC_1, DEC_1 + DAY).expect("list").len(),
        1,
        "no copy"
    );
    assert!(
        store.events_to_push().expect("push").is_empty(),
        "an imported event is not sent to Microsoft 365, even after an update"
    );
}

//! `candor calendar import`: an .ics export (as Google Calendar and Outlook
//! write them) becomes imported events, never synced; importing the same
//! file again updates rather than duplicates; a file that is not a calendar
//! is refused with a clear message and changes nothing.

use candor_tests::Cli;

/// A Google Calendar export, abridged: a zone block, a repeating event, a
/// whole day, a cancelled event, a folded Polish description, CRLF lines.
const EXPORT: &str = "BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
METHOD:PUBLISH\r
X-WR-CALNAME:Rekrutacja\r
X-WR-TIMEZONE:Europe/Warsaw\r
BEGIN:VTIMEZONE\r
TZID:Europe/Warsaw\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/Warsaw:20261203T100000\r
DTEND;TZID=Europe/Warsaw:20261203T110000\r
UID:1a2b3c@google.com\r
SUMMARY:Rozmowa z Łukaszem\r
DESCRIPTION:Omówić ofertę i termin rozpoczęcia pracy; kandydat prosi o ro\r
 zmowę po polsku.\r
LOCATION:Biuro\\, Kraków\r
ATTENDEE;CN=Łukasz Wiśniewski;ROLE=REQ-PARTICIPANT:mailto:lukasz@example.pl\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20261207\r
DTEND;VALUE=DATE:20261209\r
UID:offsite@google.com\r
SUMMARY:Offsite\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20261201T080000Z\r
DTEND:20261201T081500Z\r
RRULE:FREQ=WEEKLY;BYDAY=TU\r
UID:standup@google.com\r
SUMMARY:Team standup\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART:20261204T130000Z\r
DTEND:20261204T140000Z\r
UID:gone@google.com\r
STATUS:CANCELLED\r
SUMMARY:Cancelled call\r
END:VEVENT\r
END:VCALENDAR\r
";

fn events_in_december(cli: &Cli) -> Vec<serde_json::Value> {
    let out = cli
        .run(&[
            "--json",
            "calendar",
            "events",
            "--from",
            "2026-12-01",
            "--to",
            "2027-01-01",
            "--tz",
            "Europe/Warsaw",
        ])
        .ok()
        .json();
    out.as_array().expect("a list").clone()
}

#[test]
fn an_ics_export_imports_once_and_updates_on_a_second_import() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "scenario passphrase");
    cli.run(&["init"]).ok();
    let file = tmp.path().join("rekrutacja.ics");
    std::fs::write(&file, EXPORT).expect("write");
    let path = file.to_str().expect("utf-8 path");

    let report = cli
        .run(&[
            "--json",
            "calendar",
            "import",
            path,
            "--tz",
            "Europe/Warsaw",
        ])
        .ok()
        .json();
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(report["updated"], 0);
    assert_eq!(report["recurring"], 1, "the standup repeats");
    assert_eq!(report["skipped"][0]["title"], "Cancelled call");
    assert_eq!(report["skipped"][0]["reason"], "cancelled");

    let events = events_in_december(&cli);
    let titles: Vec<&str> = events
        .iter()
        .map(|e| e["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        titles,
        vec!["Team standup", "Rozmowa z Łukaszem", "Offsite"]
    );
    assert!(
        events.iter().all(|e| e["is_imported"] == true),
        "imported events are marked, so sync never sends them"
    );
    let interview = &events[1];
    // 10:00 in Warsaw (UTC+1 in December) is 09:00 UTC.
    assert_eq!(interview["starts_at"], 1_796_288_400);
    assert_eq!(interview["time_zone"], "Europe/Warsaw");
    assert_eq!(interview["location"], "Biuro, Kraków");
    assert_eq!(
        interview["notes"],
        "Omówić ofertę i termin rozpoczęcia pracy; kandydat prosi o rozmowę po polsku."
    );
    assert_eq!(interview["attendees"][0]["address"], "lukasz@example.pl");
    assert_eq!(
        interview["attendees"][0]["display_name"],
        "Łukasz Wiśniewski"
    );
    let offsite = &events[2];
    assert_eq!(offsite["is_all_day"], true);
    // Two whole days from midnight in Warsaw on 7 December.
    assert_eq!(
        offsite["ends_at"].as_i64().expect("end") - offsite["starts_at"].as_i64().expect("start"),
        2 * 86_400
    );

    // The recruiter exports again after the interview moved to 11:00.
    std::fs::write(
        &file,
        EXPORT
            .replace("20261203T100000", "20261203T110000")
            .replace(
                "DTEND;TZID=Europe/Warsaw:20261203T110000",
                "DTEND;TZID=Europe/Warsaw:20261203T120000",
            ),
    )
    .expect("write");
    let again = cli
        .run(&[
            "--json",
            "calendar",
            "import",
            path,
            "--tz",
            "Europe/Warsaw",
        ])
        .ok()
        .json();
    assert_eq!(
        (again["imported"].as_i64(), again["updated"].as_i64()),
        (Some(0), Some(3))
    );
    let events = events_in_december(&cli);
    assert_eq!(events.len(), 3, "no copies");
    let moved = events
        .iter()
        .find(|e| e["title"] == "Rozmowa z Łukaszem")
        .expect("the interview");
    assert_eq!(moved["starts_at"], 1_796_288_400 + 3600);
}

#[test]
fn a_file_that_is_not_a_calendar_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "scenario passphrase");
    cli.run(&["init"]).ok();
    let file = tmp.path().join("contacts.csv");
    std::fs::write(&file, "Name,Email\nAnna,anna@example.com\n").expect("write");

    let run = cli.run(&["calendar", "import", file.to_str().expect("utf-8 path")]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("holds no calendar events"),
        "a clear reason: {}",
        run.stderr
    );
    assert!(events_in_december(&cli).is_empty());
}

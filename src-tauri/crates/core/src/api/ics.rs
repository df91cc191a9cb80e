//! Reading iCalendar (RFC 5545) text: the events of an .ics file the
//! recruiter imports, and the invitation in a `text/calendar` mail part.
//!
//! Parsed with calcard (already here for vCard import), whose time-zone
//! lookup also understands the Windows zone names Outlook writes in TZID
//! (it follows CalConnect's advice to match TZID names rather than trust
//! each file's VTIMEZONE rules).

use std::str::FromStr;

use calcard::common::IanaString as _;
use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationRole, ICalendarProperty, ICalendarStatus,
    ICalendarUserTypes, ICalendarValue,
};

/// One VEVENT as read, before it becomes a Candor event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// UID, with the RECURRENCE-ID of a changed occurrence appended: what
    /// identifies this event when the same file is imported again.
    pub identity: Option<String>,
    pub title: Option<String>,
    /// Unix seconds; None when the time could not be read.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    /// A whole-day event (a date without a time).
    pub all_day: bool,
    /// The IANA zone of its TZID, when it names one.
    pub zone: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    /// The organiser's address (without `mailto:`).
    pub organizer: Option<String>,
    pub attendees: Vec<IcsAttendee>,
    /// It repeats (RRULE/RDATE); only its first occurrence is read.
    pub recurring: bool,
    pub cancelled: bool,
    /// It carries a meeting link (CONFERENCE, or Teams/Google's own).
    pub online: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsAttendee {
    pub address: String,
    pub name: Option<String>,
    /// "required", "optional" or "resource", as Candor's events say it.
    pub attendance: &'static str,
}

/// The calendar's METHOD (REQUEST, CANCEL, REPLY...) and its events, or
/// None when the text is not iCalendar. `floating_zone` is where times
/// without a zone (and whole days) are placed: the user's own zone, which
/// is how every calendar shows them.
pub fn read(text: &str, floating_zone: &str) -> Option<(Option<String>, Vec<IcsEvent>)> {
    let calendar = calcard::icalendar::ICalendar::parse(text).ok()?;
    let floating = Tz::from_str(floating_zone).unwrap_or(Tz::UTC);
    let method = calendar
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VCalendar)
        .and_then(|c| entry(&c.entries, &ICalendarProperty::Method))
        .and_then(|e| e.values.first())
        .map(|v| match v {
            ICalendarValue::Method(m) => m.as_str().to_owned(),
            other => other.as_text().unwrap_or_default().to_uppercase(),
        });
    let events = calendar
        .components
        .iter()
        .filter(|c| c.component_type == ICalendarComponentType::VEvent)
        .map(|c| event(c, floating))
        .collect();
    Some((method, events))
}

fn event(component: &ICalendarComponent, floating: Tz) -> IcsEvent {
    let entries = &component.entries;
    let text_of = |property: &ICalendarProperty| {
        entry(entries, property)
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_text)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let start = time_of(entry(entries, &ICalendarProperty::Dtstart), floating);
    let end = time_of(entry(entries, &ICalendarProperty::Dtend), floating);
    let all_day = start.as_ref().is_some_and(|s| s.all_day);
    let starts_at = start.as_ref().and_then(|s| s.unix);
    let ends_at = end.and_then(|e| e.unix).or_else(|| {
        // No DTEND: DURATION, else a day for a date and no length for a
        // time (RFC 5545 §3.6.1).
        let duration = entry(entries, &ICalendarProperty::Duration)
            .and_then(|e| e.values.first())
            .and_then(|v| match v {
                ICalendarValue::Duration(d) => Some(d.as_seconds()),
                _ => None,
            });
        let length = duration.unwrap_or(if all_day { 86_400 } else { 0 });
        starts_at.map(|s| s + length)
    });
    let recurrence_id =
        time_of(entry(entries, &ICalendarProperty::RecurrenceId), floating).and_then(|r| r.unix);
    let identity = text_of(&ICalendarProperty::Uid).map(|uid| match recurrence_id {
        Some(at) => format!("{uid}#{at}"),
        None => uid,
    });
    let cancelled = entry(entries, &ICalendarProperty::Status)
        .and_then(|e| e.values.first())
        .is_some_and(|v| matches!(v, ICalendarValue::Status(ICalendarStatus::Cancelled)));
    let online = entries.iter().any(|e| match &e.name {
        ICalendarProperty::Conference => true,
        ICalendarProperty::Other(name) => {
            let name = name.to_ascii_uppercase();
            name == "X-MICROSOFT-SKYPETEAMSMEETINGURL" || name == "X-GOOGLE-CONFERENCE"
        }
        _ => false,
    });
    IcsEvent {
        identity,
        title: text_of(&ICalendarProperty::Summary),
        starts_at,
        ends_at,
        all_day,
        zone: start.and_then(|s| s.zone),
        location: text_of(&ICalendarProperty::Location),
        description: text_of(&ICalendarProperty::Description),
        organizer: entry(entries, &ICalendarProperty::Organizer).and_then(address_of),
        attendees: entries
            .iter()
            .filter(|e| e.name == ICalendarProperty::Attendee)
            .filter_map(attendee)
            .collect(),
        recurring: entries
            .iter()
            .any(|e| matches!(e.name, ICalendarProperty::Rrule | ICalendarProperty::Rdate)),
        cancelled,
        online,
    }
}

fn entry<'a>(
    entries: &'a [ICalendarEntry],
    name: &ICalendarProperty,
) -> Option<&'a ICalendarEntry> {
    entries.iter().find(|e| &e.name == name)
}

/// A calendar user's address, without `mailto:`.
fn address_of(entry: &ICalendarEntry) -> Option<String> {
    let value = entry.values.first()?;
    let text = match value {
        ICalendarValue::Uri(uri) => uri.as_str()?.to_owned(),
        other => other.as_text()?.to_owned(),
    };
    let address = text
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map_or(text.as_str(), |_| &text[7..])
        .trim();
    (!address.is_empty()).then(|| address.to_owned())
}

fn attendee(entry: &ICalendarEntry) -> Option<IcsAttendee> {
    let address = address_of(entry)?;
    let mut name = None;
    let mut attendance = "required";
    for param in &entry.params {
        match (&param.name, &param.value) {
            (ICalendarParameterName::Cn, ICalendarParameterValue::Text(cn)) => {
                name = Some(cn.trim().to_owned()).filter(|n| !n.is_empty());
            }
            (
                ICalendarParameterName::Role,
                ICalendarParameterValue::Role(
                    ICalendarParticipationRole::OptParticipant
                    | ICalendarParticipationRole::NonParticipant,
                ),
            ) => attendance = "optional",
            (
                ICalendarParameterName::Cutype,
                ICalendarParameterValue::Cutype(
                    ICalendarUserTypes::Resource | ICalendarUserTypes::Room,
                ),
            ) => attendance = "resource",
            _ => {}
        }
    }
    Some(IcsAttendee {
        address,
        name,
        attendance,
    })
}

struct When {
    unix: Option<i64>,
    all_day: bool,
    /// The IANA name of the TZID, when there was one and it is known.
    zone: Option<String>,
}

/// A DTSTART/DTEND/RECURRENCE-ID: UTC or with an offset as written, else in
/// its TZID's zone (IANA or Windows names), else floating. A date alone is
/// a whole day, from midnight where the user is.
fn time_of(entry: Option<&ICalendarEntry>, floating: Tz) -> Option<When> {
    let entry = entry?;
    let when = entry
        .values
        .first()
        .and_then(ICalendarValue::as_partial_date_time)?;
    let all_day = when.hour.is_none();
    let tzid = entry
        .params
        .iter()
        .find(|p| p.name == ICalendarParameterName::Tzid)
        .and_then(|p| match &p.value {
            ICalendarParameterValue::Text(name) => Tz::from_str(name).ok(),
            _ => None,
        });
    let zone_name = tzid
        .as_ref()
        .and_then(Tz::name)
        .map(|n| n.into_owned())
        .filter(|n| n != "Etc/UTC");
    let zone = if all_day {
        floating
    } else {
        tzid.unwrap_or(floating)
    };
    Some(When {
        unix: timestamp(when, zone),
        all_day,
        zone: zone_name,
    })
}

fn timestamp(when: &PartialDateTime, zone: Tz) -> Option<i64> {
    when.to_date_time_with_tz(zone).map(|dt| dt.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> IcsEvent {
        let (_, mut events) = read(text, "Europe/Warsaw").expect("iCalendar");
        assert_eq!(events.len(), 1);
        events.remove(0)
    }

    fn calendar(event_lines: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n{event_lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    #[test]
    fn a_whole_day_without_an_end_lasts_one_day_from_local_midnight() {
        let e = one(&calendar(
            "UID:a\r\nSUMMARY:Offsite\r\nDTSTART;VALUE=DATE:20261203\r\n",
        ));
        assert!(e.all_day);
        // Midnight in Warsaw on 3 December is 23:00 UTC on the 2nd.
        assert_eq!(e.starts_at, Some(1_796_252_400));
        assert_eq!(e.ends_at, Some(1_796_252_400 + 86_400));
    }

    #[test]
    fn duration_gives_the_end_and_floating_times_are_local() {
        let e = one(&calendar(
            "UID:b\r\nSUMMARY:Call\r\nDTSTART:20261203T100000\r\nDURATION:PT45M\r\n",
        ));
        // 10:00 floating, read in Warsaw (UTC+1 in December): 09:00 UTC.
        assert_eq!(e.starts_at, Some(1_796_288_400));
        assert_eq!(e.ends_at, Some(1_796_288_400 + 45 * 60));
        assert_eq!(e.zone, None);
    }

    #[test]
    fn attendees_roles_and_a_changed_occurrence() {
        let e = one(&calendar(
            "UID:c@example.com\r\n\
RECURRENCE-ID:20261210T090000Z\r\n\
SUMMARY:Weekly sync\r\n\
DTSTART;TZID=America/New_York:20261210T100000\r\n\
DTEND;TZID=America/New_York:20261210T103000\r\n\
ORGANIZER;CN=Hanna:MAILTO:hanna@client.example\r\n\
ATTENDEE;CN=Kim Lee;ROLE=OPT-PARTICIPANT:mailto:kim@example.com\r\n\
ATTENDEE;CUTYPE=ROOM:mailto:room-4@example.com\r\n\
ATTENDEE:mailto:tom@example.com\r\n\
X-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.example/l/meetup\r\n",
        ));
        assert_eq!(e.identity.as_deref(), Some("c@example.com#1796893200"));
        assert_eq!(e.zone.as_deref(), Some("America/New_York"));
        // 10:00 in New York in December is 15:00 UTC.
        assert_eq!(e.starts_at, Some(1_796_914_800));
        assert_eq!(e.organizer.as_deref(), Some("hanna@client.example"));
        let who: Vec<_> = e
            .attendees
            .iter()
            .map(|a| (a.address.as_str(), a.name.as_deref(), a.attendance))
            .collect();
        assert_eq!(
            who,
            vec![
                ("kim@example.com", Some("Kim Lee"), "optional"),
                ("room-4@example.com", None, "resource"),
                ("tom@example.com", None, "required"),
            ]
        );
        assert!(e.online);
        assert!(!e.recurring);
    }

    #[test]
    fn recurring_and_cancelled_events_are_told_apart() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
BEGIN:VEVENT\r\nUID:r\r\nSUMMARY:Standup\r\nDTSTART:20261201T080000Z\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Gone\r\nSTATUS:CANCELLED\r\nDTSTART:20261201T080000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let (_, events) = read(text, "UTC").expect("iCalendar");
        assert!(events[0].recurring && !events[0].cancelled);
        assert!(events[1].cancelled);
    }

    #[test]
    fn text_that_is_not_icalendar_is_none() {
        assert!(read("From: someone\r\n\r\nhello", "UTC").is_none_or(|(_, e)| e.is_empty()));
    }
}

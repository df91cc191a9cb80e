//! Calendar invitations in mail (a `text/calendar` part, RFC 5546): what
//! the conversation view summarises above the message, so a recruiter sees
//! the interview's title, time, place and organiser without opening a file.
//!
//! Read by `ics`, which also serves .ics imports.

use serde::Serialize;

use super::{Candor, ics};
use crate::ApiError;

/// An invitation as the conversation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Invitation {
    /// REQUEST (an invitation or update), CANCEL, REPLY...; None if absent.
    pub method: Option<String>,
    pub title: Option<String>,
    /// Unix seconds; None when the time could not be read.
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    /// A whole-day event (a date without a time).
    pub all_day: bool,
    pub location: Option<String>,
    /// The organiser's address (without `mailto:`).
    pub organizer: Option<String>,
    pub attendees: u32,
}

/// The invitation in a message's calendar part at `position`.
pub fn invitation(candor: &Candor, message_id: i64, position: i64) -> Result<Invitation, ApiError> {
    let (_, _, data) = super::attachments::attachment(&candor.reader(), message_id, position)?;
    parse(&String::from_utf8_lossy(&data)).ok_or_else(|| {
        ApiError::invalid(
            "calendar",
            "This calendar part could not be read; open the attachment to see it.",
        )
    })
}

/// The first event of an iCalendar text, or None when it holds none.
pub fn parse(text: &str) -> Option<Invitation> {
    // Times without a zone are rare in invitations; UTC is how most clients
    // show them.
    let (method, events) = ics::read(text, "UTC")?;
    let event = events.into_iter().next()?;
    Some(Invitation {
        method,
        title: event.title,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        all_day: event.all_day,
        location: event.location,
        organizer: event.organizer,
        attendees: u32::try_from(event.attendees.len()).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTLOOK: &str = "BEGIN:VCALENDAR\r\n\
METHOD:REQUEST\r\n\
PRODID:Microsoft Exchange Server 2010\r\n\
VERSION:2.0\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:Central European Standard Time\r\n\
BEGIN:STANDARD\r\n\
DTSTART:16010101T030000\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\n\
ORGANIZER;CN=Hanna Lindqvist:mailto:hanna@client.example\r\n\
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Anna Nowak:mailto:anna@cand.example\r\n\
ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Tom:mailto:tom@agency.example\r\n\
SUMMARY;LANGUAGE=en-US:Interview: Senior Rust Engineer\r\n\
DTSTART;TZID=Central European Standard Time:20261203T100000\r\n\
DTEND;TZID=Central European Standard Time:20261203T110000\r\n\
UID:040000008200E00074C5B7101A82E00800000000\r\n\
LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

    #[test]
    fn an_outlook_invitation_with_a_windows_zone_name() {
        let inv = parse(OUTLOOK).expect("an event");
        assert_eq!(inv.method.as_deref(), Some("REQUEST"));
        assert_eq!(
            inv.title.as_deref(),
            Some("Interview: Senior Rust Engineer")
        );
        // 10:00 in Warsaw in December is 09:00 UTC.
        assert_eq!(inv.starts_at, Some(1_796_288_400));
        assert_eq!(inv.ends_at, Some(1_796_292_000));
        assert!(!inv.all_day);
        assert_eq!(inv.location.as_deref(), Some("Microsoft Teams Meeting"));
        assert_eq!(inv.organizer.as_deref(), Some("hanna@client.example"));
        assert_eq!(inv.attendees, 2);
    }

    #[test]
    fn utc_iana_and_whole_day_events() {
        let utc = parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Call\r\nDTSTART:20261203T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .expect("event");
        assert_eq!(utc.starts_at, Some(1_796_288_400));
        assert_eq!(utc.method, None);
        let iana = parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Asia/Shanghai:20261203T170000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .expect("event");
        assert_eq!(
            iana.starts_at,
            Some(1_796_288_400),
            "17:00 in Shanghai is 09:00 UTC"
        );
        let day = parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261203\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .expect("event");
        assert!(day.all_day);
    }

    #[test]
    fn text_that_is_no_calendar_holds_no_invitation() {
        assert_eq!(parse("Hello, this is not a calendar."), None);
        assert_eq!(
            parse("BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"),
            None
        );
    }
}

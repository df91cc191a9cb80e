//! Graph's date-times (`dateTimeTimeZone`, notes §4): `dateTime` has no
//! offset and up to seven fractional digits ("2019-03-15T12:00:00.0000000"),
//! `timeZone` is a Windows zone name ("Pacific Standard Time"), an IANA name
//! or "UTC". RFC 3339 parsers refuse these, so they are read as civil times
//! and placed in their zone with jiff (the IANA database, DST included; the
//! database is bundled on Windows, where the system has none).
//!
//! Windows names map to IANA names by CLDR's windowsZones table (the
//! "001" territory, i.e. the zone Windows itself means by the name).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::model::DateTimeTimeZone;

/// CLDR windowsZones.xml, territory 001: Windows name -> IANA name.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Greenland Standard Time", "America/Godthab"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("Coordinated Universal Time", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("India Standard Time", "Asia/Calcutta"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Katmandu"),
    ("Central Asia Standard Time", "Asia/Bishkek"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Rangoon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

/// Other IANA names that are the same zone as a table entry, so an event
/// in, say, Europe/Amsterdam still goes out with a Windows name.
const IANA_ALIASES: &[(&str, &str)] = &[
    ("Europe/Amsterdam", "W. Europe Standard Time"),
    ("Europe/Rome", "W. Europe Standard Time"),
    ("Europe/Vienna", "W. Europe Standard Time"),
    ("Europe/Zurich", "W. Europe Standard Time"),
    ("Europe/Stockholm", "W. Europe Standard Time"),
    ("Europe/Oslo", "W. Europe Standard Time"),
    ("Europe/Madrid", "Romance Standard Time"),
    ("Europe/Brussels", "Romance Standard Time"),
    ("Europe/Copenhagen", "Romance Standard Time"),
    ("Europe/Prague", "Central Europe Standard Time"),
    ("Europe/Belgrade", "Central Europe Standard Time"),
    ("Europe/Zagreb", "Central European Standard Time"),
    ("Europe/Kyiv", "FLE Standard Time"),
    ("Europe/Helsinki", "FLE Standard Time"),
    ("Europe/Vilnius", "FLE Standard Time"),
    ("Europe/Riga", "FLE Standard Time"),
    ("Europe/Tallinn", "FLE Standard Time"),
    ("Europe/Athens", "GTB Standard Time"),
    ("Europe/Dublin", "GMT Standard Time"),
    ("Europe/Lisbon", "GMT Standard Time"),
    ("Asia/Kolkata", "India Standard Time"),
    ("Asia/Hong_Kong", "China Standard Time"),
    ("Asia/Kathmandu", "Nepal Standard Time"),
    ("Asia/Yangon", "Myanmar Standard Time"),
    ("Asia/Ho_Chi_Minh", "SE Asia Standard Time"),
    ("Asia/Jakarta", "SE Asia Standard Time"),
    ("America/Toronto", "Eastern Standard Time"),
    ("America/Detroit", "Eastern Standard Time"),
    ("America/Vancouver", "Pacific Standard Time"),
    ("America/Argentina/Buenos_Aires", "Argentina Standard Time"),
    ("America/Indiana/Indianapolis", "US Eastern Standard Time"),
    ("America/Nuuk", "Greenland Standard Time"),
    ("Australia/Melbourne", "AUS Eastern Standard Time"),
    ("UTC", "UTC"),
    ("Etc/GMT", "UTC"),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("\"{0}\" is not a Graph date-time (yyyy-MM-ddTHH:mm:ss[.fffffff]).")]
    BadDateTime(String),
    #[error("\"{0}\" is not a time zone Candor knows (neither Windows nor IANA).")]
    UnknownZone(String),
}

/// The IANA name of a Windows zone name.
pub fn windows_to_iana(name: &str) -> Option<&'static str> {
    WINDOWS_ZONES
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(name.trim()))
        .map(|(_, i)| *i)
}

/// The Windows name of an IANA zone, when there is one.
pub fn iana_to_windows(name: &str) -> Option<&'static str> {
    WINDOWS_ZONES
        .iter()
        .find(|(_, i)| *i == name)
        .map(|(w, _)| *w)
        .or_else(|| {
            IANA_ALIASES
                .iter()
                .find(|(i, _)| *i == name)
                .map(|(_, w)| *w)
        })
}

/// A zone named by Graph (Windows, IANA or UTC), with its IANA name.
pub fn zone(name: &str) -> Result<(TimeZone, String), TimeError> {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case("utc") || name.eq_ignore_ascii_case("z") {
        return Ok((TimeZone::UTC, "UTC".into()));
    }
    let iana = windows_to_iana(name).unwrap_or(name);
    let iana = if iana == "Etc/UTC" { "UTC" } else { iana };
    TimeZone::get(iana)
        .map(|tz| (tz, iana.to_owned()))
        .map_err(|_| TimeError::UnknownZone(name.to_owned()))
}

/// Whether `name` is an IANA zone Candor can use.
pub fn is_iana_zone(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// A Graph `dateTimeTimeZone` as Unix seconds. A gap (DST spring-forward)
/// resolves forward, an overlap to the earlier instant, as Outlook does.
pub fn parse(value: &DateTimeTimeZone) -> Result<i64, TimeError> {
    let text = value.date_time.trim();
    // An offset or Z is tolerated (some clients send them).
    let (civil_text, offset_given) = split_offset(text);
    let civil: DateTime = civil_text
        .parse()
        .map_err(|_| TimeError::BadDateTime(text.to_owned()))?;
    if offset_given {
        let ts: jiff::Timestamp = text
            .parse()
            .map_err(|_| TimeError::BadDateTime(text.to_owned()))?;
        return Ok(ts.as_second());
    }
    let (tz, _) = zone(&value.time_zone)?;
    let zoned = civil
        .to_zoned(tz)
        .map_err(|_| TimeError::BadDateTime(text.to_owned()))?;
    Ok(zoned.timestamp().as_second())
}

fn split_offset(text: &str) -> (&str, bool) {
    if let Some(stripped) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return (stripped, true);
    }
    // An offset after the time part: ...T12:00:00+02:00
    if let Some(t) = text.find('T') {
        let time = &text[t..];
        if let Some(pos) = time.rfind(['+', '-']) {
            return (&text[..t + pos], true);
        }
    }
    (text, false)
}

/// Unix seconds as a Graph `dateTimeTimeZone` in the IANA zone `iana`:
/// the Windows name when there is one, else UTC (Graph accepts only zones
/// the mailbox supports).
pub fn format(unix: i64, iana: &str) -> DateTimeTimeZone {
    let ts = jiff::Timestamp::from_second(unix).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let (tz, name) = match (iana_to_windows(iana), TimeZone::get(iana)) {
        (Some(windows), Ok(tz)) if windows != "UTC" => (tz, windows.to_owned()),
        _ => (TimeZone::UTC, "UTC".to_owned()),
    };
    let civil = ts.to_zoned(tz).datetime();
    DateTimeTimeZone {
        date_time: civil.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        time_zone: name,
    }
}

/// Unix seconds from RFC 3339 (the CLI's --start/--end).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(jiff::Timestamp::as_second)
}

/// A local date or date-time in `iana` (the CLI's --from/--to: "2026-12-01").
pub fn parse_local_date(text: &str, iana: &str) -> Option<i64> {
    if let Some(ts) = parse_rfc3339(text) {
        return Some(ts);
    }
    let tz = TimeZone::get(iana).unwrap_or(TimeZone::UTC);
    let civil: DateTime = text
        .trim()
        .parse::<jiff::civil::Date>()
        .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        .or_else(|_| text.trim().parse::<DateTime>())
        .ok()?;
    civil.to_zoned(tz).ok().map(|z| z.timestamp().as_second())
}

/// Unix seconds as RFC 3339 in `iana` (for display), e.g. 2026-12-01T09:00:00+01:00.
pub fn display(unix: i64, iana: &str) -> String {
    let ts = jiff::Timestamp::from_second(unix).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let tz = TimeZone::get(iana).unwrap_or(TimeZone::UTC);
    ts.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Unix seconds as a UTC query parameter for calendarView (with a Z).
pub fn utc_param(unix: i64) -> String {
    let ts = jiff::Timestamp::from_second(unix).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(date_time: &str, time_zone: &str) -> DateTimeTimeZone {
        DateTimeTimeZone {
            date_time: date_time.into(),
            time_zone: time_zone.into(),
        }
    }

    #[test]
    fn graph_date_times_with_seven_fractional_digits() {
        // 2019-03-15T12:00:00 UTC = 1552651200
        assert_eq!(
            parse(&dt("2019-03-15T12:00:00.0000000", "UTC")),
            Ok(1_552_651_200)
        );
        assert_eq!(parse(&dt("2019-03-15T12:00:00", "UTC")), Ok(1_552_651_200));
        assert_eq!(parse(&dt("2019-03-15T12:00:00Z", "")), Ok(1_552_651_200));
    }

    #[test]
    fn windows_and_iana_names_mean_the_same_instant() {
        // Pacific Daylight Time in March 2019 (DST began March 10): UTC-7.
        let windows = parse(&dt("2019-03-15T05:00:00.0000000", "Pacific Standard Time"));
        let iana = parse(&dt("2019-03-15T05:00:00", "America/Los_Angeles"));
        assert_eq!(windows, Ok(1_552_651_200));
        assert_eq!(windows, iana);
        assert_eq!(
            parse(&dt("2019-03-15T13:00:00", "W. Europe Standard Time")),
            Ok(1_552_651_200)
        );
        assert!(matches!(
            parse(&dt("2019-03-15T13:00:00", "Mars Standard Time")),
            Err(TimeError::UnknownZone(_))
        ));
        assert!(matches!(
            parse(&dt("15/03/2019 13:00", "UTC")),
            Err(TimeError::BadDateTime(_))
        ));
    }

    #[test]
    fn formats_in_the_windows_zone_and_round_trips() {
        let out = format(1_552_651_200, "Europe/Warsaw");
        assert_eq!(out.time_zone, "Central European Standard Time");
        assert_eq!(out.date_time, "2019-03-15T13:00:00");
        assert_eq!(parse(&out), Ok(1_552_651_200));
        let utc = format(1_552_651_200, "UTC");
        assert_eq!(utc.time_zone, "UTC");
        assert_eq!(utc.date_time, "2019-03-15T12:00:00");
        assert_eq!(
            iana_to_windows("Asia/Shanghai"),
            Some("China Standard Time")
        );
    }
}

//! `candor calendar …`: events and interviews, and their sync with the
//! dedicated "Candor" calendar in Microsoft 365.

use candor_core::ApiError;
use candor_core::api::Candor;
use candor_core::api::calendar;
use candor_core::api::calendar::{EventAttendee, EventInput};
use clap::Subcommand;

use crate::output;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Sync with Microsoft 365: creates the "Candor" calendar in the
    /// Microsoft account's mailbox (sign in first) and sends your events.
    Enable {
        /// The Microsoft account (needed only when there are several).
        #[arg(long)]
        account: Option<String>,
    },
    /// Stop syncing: deletes the "Candor" calendar in Microsoft 365 (and
    /// the copies in it); every event stays in Candor.
    Disable,
    /// Send and fetch changes now.
    Sync,
    /// Whether sync is on, when it last ran, and conflicts it resolved.
    Status,
    /// Events between two dates (default: from today, for 30 days).
    Events {
        /// A date (YYYY-MM-DD, in --tz) or an RFC 3339 time.
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// The zone dates and times are shown in.
        #[arg(long, default_value = "UTC")]
        tz: String,
    },
    /// Create an event, or an interview with --candidate and --job.
    /// Attendees receive an invitation from Microsoft 365 once synced.
    Add {
        #[arg(long)]
        title: String,
        /// RFC 3339, e.g. 2026-12-01T09:00:00+01:00.
        #[arg(long)]
        start: String,
        #[arg(long)]
        end: String,
        /// The event's IANA time zone (e.g. Europe/Warsaw).
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// An attendee's address (interviewers); repeat for several.
        #[arg(long = "attendee", value_name = "ADDR")]
        attendees: Vec<String>,
        #[arg(long, value_name = "ID")]
        candidate: Option<i64>,
        #[arg(long, value_name = "ID")]
        job: Option<i64>,
        #[arg(long)]
        location: Option<String>,
        #[arg(long)]
        online: bool,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Change an event (sent on the next sync).
    Edit {
        id: i64,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        end: Option<String>,
        #[arg(long)]
        notes: Option<String>,
    },
    /// Delete an event (its Microsoft 365 copy goes on the next sync).
    Delete { id: i64 },
    /// Import the events of an .ics file. They are marked imported and never
    /// synced; importing the same file again updates them.
    Import {
        file: std::path::PathBuf,
        /// Where times without a zone, and whole days, are placed.
        #[arg(long, default_value = "UTC")]
        tz: String,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ApiError {
            code: candor_core::ErrorCode::Storage,
            message: format!("Could not start the network runtime: {e}."),
            field: None,
        })
}

fn event_line(e: &candor_core::api::calendar::Event, zone: &str) -> String {
    let mut line = format!(
        "{:>5}  {}  {}  {}",
        e.id,
        calendar::display_time(e.input.starts_at, zone),
        calendar::display_time(e.input.ends_at, zone),
        e.input.title
    );
    if e.input.candidate_id.is_some() && e.input.job_id.is_some() {
        line.push_str("  [interview]");
    }
    if e.is_imported {
        line.push_str("  [imported]");
    } else if e.graph_id.is_some() {
        line.push_str("  [synced]");
    }
    line
}

pub fn run(candor: &Candor, command: CalendarCommand, json: bool) -> Result<(), ApiError> {
    match command {
        CalendarCommand::Enable { account } => {
            let report = runtime()?.block_on(calendar::enable(candor, account.as_deref()))?;
            output::value_or(json, &report, || {
                format!("Calendar sync is on. {}", report_text(&report))
            });
        }
        CalendarCommand::Disable => {
            let status = runtime()?.block_on(calendar::disable(candor))?;
            output::value_or(json, &status, || {
                "Calendar sync is off: the \"Candor\" calendar was deleted in Microsoft 365; your events stay in Candor.".to_owned()
            });
        }
        CalendarCommand::Sync => {
            let report = runtime()?.block_on(calendar::sync(candor))?;
            output::value_or(json, &report, || report_text(&report));
        }
        CalendarCommand::Status => {
            let status = calendar::status(candor)?;
            output::value_or(json, &status, || {
                let mut text = if status.enabled {
                    format!(
                        "Calendar sync is on ({} as {}); {} events synced.",
                        status.container.as_deref().unwrap_or("Candor"),
                        status.account.as_deref().unwrap_or("?"),
                        status.synced
                    )
                } else {
                    "Calendar sync is off.".to_owned()
                };
                if let Some(reason) = &status.disabled_reason {
                    text.push_str(&format!("\n{reason}"));
                }
                if let Some(error) = &status.last_error {
                    text.push_str(&format!("\nLast error: {error}"));
                }
                for c in &status.conflicts {
                    text.push_str(&format!(
                        "\nConflict: the {} version won; overwritten: \"{}\" ({})",
                        if c.winner == "local" {
                            "Candor"
                        } else {
                            "Microsoft 365"
                        },
                        c.overwritten_title,
                        c.detail
                    ));
                }
                text
            });
        }
        CalendarCommand::Events { from, to, tz } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
            let from = match from {
                Some(f) => calendar::parse_day("from", &f, &tz)?,
                None => now - now.rem_euclid(86_400),
            };
            let to = match to {
                Some(t) => calendar::parse_day("to", &t, &tz)?,
                None => from + 30 * 86_400,
            };
            let events = calendar::events(candor, from, to)?;
            output::value_or(json, &events, || {
                if events.is_empty() {
                    "No events.".to_owned()
                } else {
                    events
                        .iter()
                        .map(|e| event_line(e, &tz))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
            });
        }
        CalendarCommand::Add {
            title,
            start,
            end,
            tz,
            attendees,
            candidate,
            job,
            location,
            online,
            notes,
        } => {
            let input = EventInput {
                title,
                starts_at: calendar::parse_instant("start", &start)?,
                ends_at: calendar::parse_instant("end", &end)?,
                time_zone: tz,
                is_all_day: false,
                location,
                is_online_meeting: online,
                notes,
                candidate_id: candidate,
                job_id: job,
                attendees: attendees
                    .into_iter()
                    .map(|a| EventAttendee {
                        address: a,
                        display_name: None,
                        attendance: "required".into(),
                    })
                    .collect(),
            };
            let event = calendar::add(candor, &input)?;
            output::value_or(json, &event, || {
                let mut text = format!("Created event {}: {}", event.id, event.input.title);
                if !event.input.attendees.is_empty() {
                    text.push_str(
                        "\nWith calendar sync on, the attendees will receive an invitation from Microsoft 365.",
                    );
                }
                text
            });
        }
        CalendarCommand::Edit {
            id,
            title,
            start,
            end,
            notes,
        } => {
            let mut input = calendar::get(candor, id)?.input;
            if let Some(t) = title {
                input.title = t;
            }
            if let Some(s) = start {
                input.starts_at = calendar::parse_instant("start", &s)?;
            }
            if let Some(e) = end {
                input.ends_at = calendar::parse_instant("end", &e)?;
            }
            if let Some(n) = notes {
                input.notes = n;
            }
            let event = calendar::edit(candor, id, &input)?;
            output::value_or(json, &event, || format!("Changed event {}.", event.id));
        }
        CalendarCommand::Delete { id } => {
            calendar::delete(candor, id)?;
            output::value_or(json, &serde_json::json!({ "deleted": id }), || {
                format!("Deleted event {id}.")
            });
        }
        CalendarCommand::Import { file, tz } => {
            let bytes = std::fs::read(&file).map_err(|e| {
                ApiError::invalid("file", format!("Could not read {}: {e}.", file.display()))
            })?;
            let report = calendar::import_ics(candor, &String::from_utf8_lossy(&bytes), &tz)?;
            output::value_or(json, &report, || {
                let mut text = format!(
                    "Imported {} new events, updated {} from an earlier import.",
                    report.imported, report.updated
                );
                if report.recurring > 0 {
                    text.push_str(&format!(
                        " {} repeating events were imported as their first occurrence.",
                        report.recurring
                    ));
                }
                for s in &report.skipped {
                    text.push_str(&format!(
                        "\nSkipped \"{}\": {}.",
                        s.title.as_deref().unwrap_or("(no title)"),
                        s.reason
                    ));
                }
                text
            });
        }
    }
    Ok(())
}

fn report_text(r: &calendar::SyncReport) -> String {
    let mut text = format!(
        "Sent {} new, {} changed, {} deleted; received {} changes and {} deletions ({} requests).",
        r.created_remote, r.updated_remote, r.deleted_remote, r.pulled, r.deleted_local, r.requests
    );
    if r.set_aside > 0 {
        text.push_str(&format!(
            " The first sync sends at most {} events: {} older ones stay in Candor only until edited.",
            calendar::FIRST_SYNC_LIMIT,
            r.set_aside
        ));
    }
    if r.conflicts > 0 {
        text.push_str(&format!(
            " {} conflicts resolved (the most recent change won; see `candor calendar status`).",
            r.conflicts
        ));
    }
    if r.full_resync {
        text.push_str(" Microsoft 365 asked for a full resync, which was done.");
    }
    text
}

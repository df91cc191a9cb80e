//! Printing results: human text by default, JSON with `--json`.

use candor_core::api::threads::ThreadSummary;
use candor_core::{ApiError, CheckReport, Record, RecordFields, RecordSummary};
use serde::Serialize;

fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: could not encode the result as JSON: {e}"),
    }
}

/// The CLI flag that sets a field, so errors point at what the user typed.
fn flag_for_field(field: &str) -> String {
    match field {
        "emails" => "--email".into(),
        "phones" => "--phone".into(),
        "client_id" => "--client".into(),
        "primary_contact_id" => "--primary-contact".into(),
        "current_title" => "--title".into(),
        "current_employer" => "--employer".into(),
        "password_env" => "--password-env".into(),
        "job_id" => "JOB_ID".into(),
        "candidate_id" => "CANDIDATE_ID".into(),
        other => format!("--{}", other.replace('_', "-")),
    }
}

pub fn error(json: bool, e: &ApiError) {
    if json {
        match serde_json::to_string(&serde_json::json!({ "error": e })) {
            Ok(text) => eprintln!("{text}"),
            Err(_) => eprintln!("error: {}", e.message),
        }
    } else if let Some(field) = &e.field {
        eprintln!("error: invalid {}: {}", flag_for_field(field), e.message);
    } else {
        eprintln!("error: {}", e.message);
    }
}

pub fn init(json: bool, existed: bool, report: &CheckReport) {
    if json {
        print_json(&serde_json::json!({ "created": !existed, "database": report }));
    } else if existed {
        println!(
            "Candor database already exists at {} (key: {}).",
            report.path, report.key_source
        );
    } else {
        println!(
            "Created the encrypted Candor database at {} (key: {}).",
            report.path, report.key_source
        );
    }
}

pub fn check(json: bool, r: &CheckReport) {
    if json {
        print_json(r);
        return;
    }
    println!("database:        {}", r.path);
    println!(
        "encrypted:       {}",
        if r.encrypted { "yes" } else { "NO" }
    );
    println!("key:             {}", r.key_source);
    println!("sqlcipher:       {}", r.cipher_version);
    println!(
        "schema version:  {} (latest {})",
        r.schema_version, r.latest_schema_version
    );
    println!(
        "full-text:       fts5 {}, trigram {}",
        yes_no(r.fts5),
        yes_no(r.fts5_trigram)
    );
    if r.problems.is_empty() {
        println!("integrity:       ok");
    } else {
        println!("integrity:       {} problem(s)", r.problems.len());
        for p in &r.problems {
            println!("  - {p}");
        }
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

pub fn record(json: bool, record: &Record) {
    if json {
        print_json(record);
        return;
    }
    println!(
        "{} #{}: {}",
        record.kind.as_str(),
        record.id,
        record.display_name
    );
    let line = |label: &str, value: &str| {
        if !value.is_empty() {
            println!("  {label:<16}{value}");
        }
    };
    match &record.fields {
        RecordFields::Candidate {
            emails,
            phones,
            current_title,
            current_employer,
            ..
        } => {
            line("email", &emails.join(", "));
            line("phone", &phones.join(", "));
            line("title", current_title.as_deref().unwrap_or_default());
            line("employer", current_employer.as_deref().unwrap_or_default());
        }
        RecordFields::Contact {
            emails,
            phones,
            job_title,
            ..
        } => {
            line("email", &emails.join(", "));
            line("phone", &phones.join(", "));
            line("job title", job_title.as_deref().unwrap_or_default());
            line("client", record.client_name.as_deref().unwrap_or_default());
        }
        RecordFields::Client { website, phone, .. } => {
            line("website", website.as_deref().unwrap_or_default());
            line("phone", phone.as_deref().unwrap_or_default());
        }
        RecordFields::Job { status, .. } => {
            line("status", status.as_str());
            line("client", record.client_name.as_deref().unwrap_or_default());
            line(
                "primary contact",
                record.primary_contact_name.as_deref().unwrap_or_default(),
            );
        }
    }
    line("notes", &record.notes);
}

pub fn summaries(json: bool, list: &[RecordSummary]) {
    if json {
        print_json(list);
        return;
    }
    if list.is_empty() {
        println!("(none)");
    }
    for s in list {
        match &s.detail {
            Some(detail) => println!("{:>6}  {}  <{}>", s.id, s.display_name, detail),
            None => println!("{:>6}  {}", s.id, s.display_name),
        }
    }
}

pub fn deleted(json: bool, id: i64) {
    if json {
        print_json(&serde_json::json!({ "deleted": id }));
    } else {
        println!("Deleted record {id}.");
    }
}

/// Prints `value` as JSON, or the text `human` makes of it.
pub fn value_or<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        print_json(value);
    } else {
        println!("{}", human());
    }
}

/// A Unix time as `YYYY-MM-DD HH:MM` UTC.
pub fn date(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

pub fn threads(json: bool, list: &[ThreadSummary]) {
    value_or(json, &list, || {
        if list.is_empty() {
            return "(no conversations)".into();
        }
        list.iter()
            .map(|t| {
                format!(
                    "{:>7}  {}  {:>3}  {:<40}  {}",
                    t.id,
                    date(t.latest_at),
                    t.message_count,
                    t.subject.chars().take(40).collect::<String>(),
                    t.participants.join(", ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
}

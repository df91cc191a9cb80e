//! Candidates, contacts, clients and job openings: create, edit, delete, list.

use candor_mail::address::{normalize_address, parse_address};
use candor_store::Store;

use candor_store::messages::ThreadSummary;

use crate::{ApiError, Record, RecordFields, RecordInput, RecordKind, RecordSummary};

use super::Candor;

/// Longest name, title or single-line field we accept, in characters.
const MAX_LINE_CHARS: usize = 300;
/// Longest notes text, in characters.
const MAX_NOTES_CHARS: usize = 100_000;

/// Creates a record from user input and returns it as stored.
pub fn create(candor: &Candor, input: RecordInput) -> Result<Record, ApiError> {
    let mut store = candor.store();
    let input = validate(&store, input)?;
    let id = store.insert_record(&input, false)?;
    fetch(&store, id)
}

/// Replaces a record's fields with `input` (same kind) and returns it.
pub fn update(candor: &Candor, id: i64, input: RecordInput) -> Result<Record, ApiError> {
    let mut store = candor.store();
    let input = validate(&store, input)?;
    store.update_record(id, &input)?;
    fetch(&store, id)
}

/// Deletes a record. Mail stays; only the record and its links go.
pub fn delete(candor: &Candor, id: i64) -> Result<(), ApiError> {
    if candor.store().delete_record(id)? {
        Ok(())
    } else {
        Err(not_found(id))
    }
}

pub fn get(candor: &Candor, id: i64) -> Result<Record, ApiError> {
    fetch(&candor.store(), id)
}

/// Records of one kind, most recently changed first.
pub fn list(candor: &Candor, kind: RecordKind) -> Result<Vec<RecordSummary>, ApiError> {
    Ok(candor.store().list_records(kind)?)
}

/// The conversations on a record's page, newest activity first (for a job
/// opening, also those of its primary contact).
pub fn emails(candor: &Candor, id: i64, limit: u32) -> Result<Vec<ThreadSummary>, ApiError> {
    let store = candor.store();
    if store.record_kind(id)?.is_none() {
        return Err(not_found(id));
    }
    Ok(store.record_threads(id, limit)?)
}

/// Puts a message on a record's page by hand. `message` is a message id, or
/// a Message-ID header (every stored copy is linked).
pub fn link(candor: &Candor, message: &str, record_id: i64) -> Result<usize, ApiError> {
    let mut store = candor.store();
    let messages = resolve_messages(&store, message, record_id)?;
    for &m in &messages {
        store.link_manually(m, record_id)?;
    }
    Ok(messages.len())
}

/// Takes a message off a record's page by hand; it stays off when mail is
/// relinked, even though its addresses match.
pub fn unlink(candor: &Candor, message: &str, record_id: i64) -> Result<usize, ApiError> {
    let mut store = candor.store();
    let messages = resolve_messages(&store, message, record_id)?;
    for &m in &messages {
        store.unlink_manually(m, record_id)?;
    }
    Ok(messages.len())
}

fn resolve_messages(store: &Store, message: &str, record_id: i64) -> Result<Vec<i64>, ApiError> {
    if store.record_kind(record_id)?.is_none() {
        return Err(not_found(record_id));
    }
    let message = message.trim();
    let ids = match message.parse::<i64>() {
        Ok(id) if store.message_exists(id)? => vec![id],
        Ok(_) => Vec::new(),
        Err(_) => {
            store.messages_with_message_id(message.trim_start_matches('<').trim_end_matches('>'))?
        }
    };
    if ids.is_empty() {
        return Err(ApiError::not_found(format!(
            "There is no stored message {message}."
        )));
    }
    Ok(ids)
}

/// Finds a client by id or by exact name (ignoring case), for the CLI's
/// `--client` flag.
pub fn resolve_client(candor: &Candor, id_or_name: &str) -> Result<i64, ApiError> {
    let store = candor.store();
    if let Ok(id) = id_or_name.trim().parse::<i64>() {
        expect_kind(&store, "client_id", id, RecordKind::Client)?;
        return Ok(id);
    }
    let ids = store.find_clients_by_name(id_or_name.trim())?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(ApiError::invalid(
            "client_id",
            format!(
                "There is no client named \"{}\". Create it first, or give the client's record id.",
                id_or_name.trim()
            ),
        )),
        _ => Err(ApiError::invalid(
            "client_id",
            format!(
                "Several clients are named \"{}\" (records {}). Give the record id instead.",
                id_or_name.trim(),
                ids.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn fetch(store: &Store, id: i64) -> Result<Record, ApiError> {
    store.get_record(id)?.ok_or_else(|| not_found(id))
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!(
        "Record {id} does not exist (it may have been deleted)."
    ))
}

/// Trims and checks user input, returning it in its stored form. Errors name
/// the field (as in [`RecordFields`]) and say how to fix it.
fn validate(store: &Store, input: RecordInput) -> Result<RecordInput, ApiError> {
    let notes = input.notes.trim().to_owned();
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(ApiError::invalid(
            "notes",
            format!("Notes are limited to {MAX_NOTES_CHARS} characters."),
        ));
    }
    let fields = match input.fields {
        RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones,
            current_title,
            current_employer,
        } => {
            let (first_name, last_name) = person_names(&first_name, &last_name)?;
            RecordFields::Candidate {
                first_name,
                last_name,
                emails: email_list(&emails)?,
                phones: phone_list(&phones)?,
                current_title: optional_line("current_title", current_title)?,
                current_employer: optional_line("current_employer", current_employer)?,
            }
        }
        RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            client_id,
        } => {
            let (first_name, last_name) = person_names(&first_name, &last_name)?;
            if let Some(id) = client_id {
                expect_kind(store, "client_id", id, RecordKind::Client)?;
            }
            RecordFields::Contact {
                first_name,
                last_name,
                emails: email_list(&emails)?,
                phones: phone_list(&phones)?,
                job_title: optional_line("job_title", job_title)?,
                client_id,
            }
        }
        RecordFields::Client {
            name,
            website,
            phone,
        } => RecordFields::Client {
            name: required_line("name", &name, "Enter the client's name.")?,
            website: optional_line("website", website)?,
            phone: match optional_line("phone", phone)? {
                Some(p) => Some(check_phone("phone", &p)?),
                None => None,
            },
        },
        RecordFields::Job {
            title,
            client_id,
            primary_contact_id,
            status,
        } => {
            if let Some(id) = client_id {
                expect_kind(store, "client_id", id, RecordKind::Client)?;
            }
            if let Some(id) = primary_contact_id {
                expect_kind(store, "primary_contact_id", id, RecordKind::Contact)?;
            }
            RecordFields::Job {
                title: required_line("title", &title, "Enter the job opening's title.")?,
                client_id,
                primary_contact_id,
                status,
            }
        }
    };
    Ok(RecordInput { fields, notes })
}

fn person_names(first: &str, last: &str) -> Result<(String, String), ApiError> {
    let first = first.trim().to_owned();
    let last = last.trim().to_owned();
    if first.is_empty() && last.is_empty() {
        return Err(ApiError::invalid(
            "last_name",
            "Enter a first or last name.",
        ));
    }
    check_length("first_name", &first)?;
    check_length("last_name", &last)?;
    Ok((first, last))
}

fn required_line(field: &str, value: &str, when_empty: &str) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(field, when_empty));
    }
    check_length(field, value)?;
    Ok(value.to_owned())
}

fn optional_line(field: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            check_length(field, v)?;
            Ok(Some(v.to_owned()))
        }
    }
}

fn check_length(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > MAX_LINE_CHARS {
        return Err(ApiError::invalid(
            field,
            format!("This field is limited to {MAX_LINE_CHARS} characters."),
        ));
    }
    Ok(())
}

/// Valid, distinct addresses in the order given; blank entries are dropped.
fn email_list(emails: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for raw in emails.iter().filter(|e| !e.trim().is_empty()) {
        let address =
            parse_address(raw).map_err(|e| ApiError::invalid("emails", format!("{e}.")))?;
        if out
            .iter()
            .any(|seen| normalize_address(seen) == normalize_address(&address))
        {
            return Err(ApiError::invalid(
                "emails",
                format!("\"{address}\" is listed twice."),
            ));
        }
        out.push(address);
    }
    Ok(out)
}

fn phone_list(phones: &[String]) -> Result<Vec<String>, ApiError> {
    phones
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| check_phone("phones", p))
        .collect()
}

/// A phone number as people write it: digits with spaces, +, -, dots, slashes,
/// parentheses, and an optional extension ("x12", "ext. 12", "wew. 12").
fn check_phone(field: &str, phone: &str) -> Result<String, ApiError> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || " +-./()".contains(c) || c.is_alphabetic();
    if digits < 3 || !phone.chars().all(allowed) || phone.chars().count() > 40 {
        return Err(ApiError::invalid(
            field,
            format!("\"{phone}\" is not a phone number; use digits, spaces and + - ( )."),
        ));
    }
    Ok(phone.to_owned())
}

fn expect_kind(store: &Store, field: &str, id: i64, expected: RecordKind) -> Result<(), ApiError> {
    match store.record_kind(id)? {
        Some(kind) if kind == expected => Ok(()),
        Some(kind) => Err(ApiError::invalid(
            field,
            format!(
                "Record {id} is a {}, not a {}.",
                kind.as_str(),
                expected.as_str()
            ),
        )),
        None => Err(ApiError::invalid(
            field,
            format!("There is no {} with id {id}.", expected.as_str()),
        )),
    }
}

//! Candidates, contacts, clients and job openings: create, edit, delete, list.

use candor_mail::address::{normalize_address, parse_address};
use candor_store::Store;

pub use candor_store::links::SharedAddress;
use candor_store::messages::ThreadSummary;

use crate::{
    ApiError, Record, RecordFields, RecordInput, RecordKind, RecordPage, RecordQuery, RecordSummary,
};

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
    fetch(&candor.reader(), id)
}

/// Records of one kind, most recently changed first.
pub fn list(candor: &Candor, kind: RecordKind) -> Result<Vec<RecordSummary>, ApiError> {
    Ok(candor.reader().list_records(kind)?)
}

/// The records of one kind that match a search, filters and order.
pub fn search(
    candor: &Candor,
    kind: RecordKind,
    query: &RecordQuery,
) -> Result<RecordPage, ApiError> {
    if query.job_status.is_some() && kind != RecordKind::Job {
        return Err(ApiError::invalid(
            "job_status",
            "Only job openings have a status to filter by.",
        ));
    }
    Ok(candor.reader().search_records(kind, query)?)
}

/// The conversations on a record's page, newest activity first (for a job
/// opening, also those of its primary contact).
pub fn emails(candor: &Candor, id: i64, limit: u32) -> Result<Vec<ThreadSummary>, ApiError> {
    let store = candor.reader();
    if store.record_kind(id)?.is_none() {
        return Err(not_found(id));
    }
    Ok(store.record_threads(id, limit)?)
}

/// The other records that share one of this record's addresses (a
/// candidate who is also a contact): both pages show that mail, and say so.
pub fn shared_addresses(candor: &Candor, id: i64) -> Result<Vec<SharedAddress>, ApiError> {
    let store = candor.reader();
    if store.record_kind(id)?.is_none() {
        return Err(not_found(id));
    }
    Ok(store.shared_addresses(id)?)
}

/// Creates a candidate or contact from the sender of a stored message, in
/// one step: the name from the From header (or guessed from the address),
/// the address as its email. The message, and all other mail with that
/// address, is linked at once. Refused when a record of that kind already
/// has the address, naming it.
pub fn create_from_sender(
    candor: &Candor,
    message_id: i64,
    kind: RecordKind,
) -> Result<Record, ApiError> {
    if !matches!(kind, RecordKind::Candidate | RecordKind::Contact) {
        return Err(ApiError::invalid(
            "kind",
            "Only a candidate or a contact can be made from a sender.",
        ));
    }
    let mut store = candor.store();
    let message = store
        .message_view(message_id)?
        .ok_or_else(|| ApiError::not_found(format!("Message {message_id} does not exist.")))?;
    let Some(address) = message
        .from_address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    else {
        return Err(ApiError::invalid(
            "from",
            "This message has no sender address to make a record from.",
        ));
    };
    let address = parse_address(address).map_err(|e| ApiError::invalid("from", format!("{e}.")))?;
    if let Some((existing, _)) = store
        .records_with_address(&normalize_address(&address))?
        .into_iter()
        .find(|(_, k)| *k == kind)
    {
        return Err(ApiError::invalid(
            "from",
            format!("{address} already belongs to {} {existing}.", kind.as_str()),
        ));
    }
    let (first_name, last_name) = names_from_sender(message.from_name.as_deref(), &address);
    let emails = vec![address];
    let fields = match kind {
        RecordKind::Candidate => RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones: Vec::new(),
            current_title: None,
            current_employer: None,
        },
        _ => RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones: Vec::new(),
            job_title: None,
            client_id: None,
            address: None,
        },
    };
    let input = validate(
        &store,
        RecordInput {
            fields,
            notes: String::new(),
        },
    )?;
    let id = store.insert_record(&input, false)?;
    fetch(&store, id)
}

/// "Anna Kowalska" -> (Anna, Kowalska); "Kowalska, Anna" -> (Anna, Kowalska);
/// a single word (王小明) is a first name. For names that come whole: a From
/// header's, an imported file's "Name" column.
pub(super) fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    if let Some((last, first)) = name.split_once(',') {
        return (first.trim().to_owned(), last.trim().to_owned());
    }
    match name.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim().to_owned(), last.trim().to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

/// A first and last name from a From header's display name ("Anna Nowak",
/// "Nowak, Anna"), or guessed from the address ("anna.nowak@" gives "Anna"
/// "Nowak") when the header has none. A name without spaces (王小明) is kept
/// whole as the first name. The recruiter can correct it on the record.
fn names_from_sender(display_name: Option<&str>, address: &str) -> (String, String) {
    let name = display_name
        .map(|n| n.trim().trim_matches(['"', '\'', ' ']))
        .filter(|n| !n.is_empty() && !n.contains('@'));
    if let Some(name) = name {
        return split_name(name);
    }
    let local = address.split('@').next().unwrap_or(address);
    let local = local.split('+').next().unwrap_or(local);
    let parts: Vec<&str> = local
        .split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    let capitalized = |word: &str| {
        let mut chars = word.chars();
        chars.next().map_or_else(String::new, |c| {
            c.to_uppercase().chain(chars).collect::<String>()
        })
    };
    match parts.as_slice() {
        [first, last]
            if first.chars().all(char::is_alphabetic) && last.chars().all(char::is_alphabetic) =>
        {
            (capitalized(first), capitalized(last))
        }
        _ => (local.to_owned(), String::new()),
    }
}

/// Whether plus-addresses (`anna+jobs@`) and Gmail's dots link mail to the
/// record with the plain address.
pub fn address_variants(candor: &Candor) -> Result<bool, ApiError> {
    Ok(candor.reader().address_variants_enabled()?)
}

/// Turns matching of address variants on or off; every record's mail is
/// relinked at once (links made or removed by hand stay as they are).
pub fn set_address_variants(candor: &Candor, enabled: bool) -> Result<(), ApiError> {
    Ok(candor.store().set_address_variants(enabled)?)
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
pub(crate) fn validate(store: &Store, input: RecordInput) -> Result<RecordInput, ApiError> {
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
            address,
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
                address: address
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
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

/// The candidates and contacts (and other records) behind addresses, for
/// the conversation view to link a message's people to their pages. Takes
/// bare addresses or `Name <address>`; an address without a record is left
/// out (the view offers to create one).
pub fn known_people(candor: &Candor, addresses: &[String]) -> Result<Vec<SharedAddress>, ApiError> {
    let store = candor.reader();
    let mut out = Vec::new();
    for written in addresses {
        let address = normalize_address(
            written
                .rsplit_once('<')
                .map_or(written.as_str(), |(_, rest)| rest.trim_end_matches('>')),
        );
        if address.is_empty() || out.iter().any(|k: &SharedAddress| k.address == address) {
            continue;
        }
        for (id, kind) in store.records_with_address(&address)? {
            if let Some(record) = store.get_record(id)? {
                out.push(SharedAddress {
                    address: address.clone(),
                    record_id: id,
                    kind,
                    display_name: record.display_name,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::names_from_sender;

    fn names(display: Option<&str>, address: &str) -> (String, String) {
        names_from_sender(display, address)
    }

    #[test]
    fn a_senders_name_becomes_first_and_last_name() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(names(Some("Anna Nowak"), "a@x"), pair("Anna", "Nowak"));
        assert_eq!(names(Some("Nowak, Anna"), "a@x"), pair("Anna", "Nowak"));
        assert_eq!(
            names(Some("Mary Ann Smith"), "a@x"),
            pair("Mary Ann", "Smith")
        );
        assert_eq!(names(Some("\"Zofia\""), "a@x"), pair("Zofia", ""));
        assert_eq!(names(Some("王小明"), "a@x"), pair("王小明", ""));
        // A display name that is only the address again is no name.
        assert_eq!(
            names(Some("jan.kowalski@example.pl"), "jan.kowalski@example.pl"),
            pair("Jan", "Kowalski")
        );
        assert_eq!(names(None, "anna_nowak+jobs@x"), pair("Anna", "Nowak"));
        assert_eq!(names(None, "hr2024@x"), pair("hr2024", ""));
    }
}

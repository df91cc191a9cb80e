//! Importing candidates and contacts from a CSV file or a vCard file.
//!
//! The whole file is read and every row checked before anything is written,
//! so a dry run reports exactly what a real run would do. Rows that cannot be
//! imported (not valid in the file's encoding, a field count that does not
//! match the header, an invalid address, no name and no address) are reported
//! with their row number and the reason, and the rest is imported.
//!
//! Duplicates, by email address ignoring case, are reported and skipped:
//! within the file, and against existing records of the same kind. Rows are
//! stored in batches, one transaction each, with a ledger of the rows already
//! imported (by a digest of their content), so an import that crashed
//! half-way, or the same file grown by a few rows, imports only what is not
//! here yet, rows without an address included. An import asked to stop
//! stops between batches, and resumes the same way.
//!
//! Imported records are marked imported (Microsoft 365 sync never sends
//! them) and get the mail already stored for their addresses.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use calcard::vcard::{VCard, VCardEntry, VCardKind, VCardProperty, VCardValue};
use candor_mail::address::normalize_address;
use candor_store::record_import::{ImportOutcome, ImportRow};
use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Candor;
use super::records::split_name;
use crate::{ApiError, RecordFields, RecordInput, RecordKind};

/// Rows stored per transaction: large enough to be fast, small enough that a
/// crash loses little work and progress moves visibly.
pub const BATCH_ROWS: usize = 500;

/// What an import of a CSV file should do.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Candidates or contacts.
    pub kind: RecordKind,
    /// `COLUMN=FIELD` overrides of the default mapping (see [`ImportField`]).
    pub map: Vec<String>,
    /// An encoding label (WHATWG: windows-1250, iso-8859-2, gbk, big5,
    /// shift_jis, utf-16le ...) for files without a byte-order mark; UTF-8
    /// when none is given.
    pub encoding: Option<String>,
    /// Check and report everything, write nothing.
    pub dry_run: bool,
    /// Set (from another thread) to stop before the next batch: see
    /// [`RecordImportReport::cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
}

/// What an import of a vCard file should do.
#[derive(Debug, Clone)]
pub struct VcardOptions {
    pub kind: RecordKind,
    pub encoding: Option<String>,
    pub dry_run: bool,
    pub cancel: Option<Arc<AtomicBool>>,
}

/// A field of a candidate or contact that a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    FirstName,
    LastName,
    /// A whole name ("Anna Kowalska" or "Kowalska, Anna"), split in two when
    /// no first or last name column fills the row.
    Name,
    /// One or more addresses (several columns may map here; a cell may hold
    /// several, separated by `;` or `,`).
    Email,
    Phone,
    /// A candidate's current title, a contact's job title.
    Title,
    /// A candidate's current employer; a contact's client, found by name and
    /// created when there is none.
    Company,
    Notes,
    /// Kept in the notes ("Owner: ..."): on this desktop every record is the
    /// user's own.
    Owner,
    /// A contact's postal address; in a candidate's notes ("Address: ...").
    Address,
    /// Not imported.
    Ignore,
}

impl ImportField {
    const ALL: [Self; 11] = [
        Self::FirstName,
        Self::LastName,
        Self::Name,
        Self::Email,
        Self::Phone,
        Self::Title,
        Self::Company,
        Self::Notes,
        Self::Owner,
        Self::Address,
        Self::Ignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Name => "name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Title => "title",
            Self::Company => "company",
            Self::Notes => "notes",
            Self::Owner => "owner",
            Self::Address => "address",
            Self::Ignore => "ignore",
        }
    }

    /// The field named `text` (as in `--map COLUMN=FIELD`), with the store's
    /// own names accepted too.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_lowercase().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == text)
            .or(match text.as_str() {
                "first" | "given_name" => Some(Self::FirstName),
                "last" | "surname" | "family_name" => Some(Self::LastName),
                "full_name" => Some(Self::Name),
                "emails" | "e_mail" => Some(Self::Email),
                "phones" | "mobile" => Some(Self::Phone),
                "job_title" | "current_title" => Some(Self::Title),
                "employer" | "current_employer" | "client" | "organization" => Some(Self::Company),
                "note" => Some(Self::Notes),
                "postal_address" | "street" => Some(Self::Address),
                "skip" | "none" => Some(Self::Ignore),
                _ => None,
            })
    }

    /// The fields a column can map to, for error messages.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// Which field each column of a CSV file fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ColumnMapping {
    pub column: String,
    /// None: the column is not imported (map it with `COLUMN=FIELD`).
    pub field: Option<ImportField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Already here, or earlier in the file: not imported, nothing wrong.
    Duplicate,
    /// Could not be imported as it is; the reason says what to fix.
    Rejected,
}

/// A row (a vCard: a card) that was not imported.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowProblem {
    /// The row as a spreadsheet numbers it (the header is row 1); for a vCard
    /// file, the card's number (the first card is 1).
    pub row: u64,
    /// The line of the file where the row or card begins.
    pub line: u64,
    pub kind: ProblemKind,
    pub reason: String,
}

/// A record the import created.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedRecord {
    pub row: u64,
    pub id: i64,
}

/// How an import went (or, in a dry run, would go).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordImportReport {
    pub kind: RecordKind,
    pub source: String,
    /// "csv" or "vcard".
    pub format: String,
    pub dry_run: bool,
    /// The encoding the file was read in (by its byte-order mark, the one
    /// asked for, or UTF-8).
    pub encoding: String,
    /// CSV only: the mapping used, column by column.
    pub columns: Vec<ColumnMapping>,
    /// Rows (cards) with something in them.
    pub rows: u64,
    /// Records created (in a dry run: that would be).
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Clients created for contacts' companies (in a dry run: that would be).
    pub clients_created: Vec<String>,
    /// Empty in a dry run.
    pub records: Vec<ImportedRecord>,
    /// Every row not imported, in file order.
    pub problems: Vec<RowProblem>,
    /// Things worth knowing that concern no single row.
    pub warnings: Vec<String>,
    /// Stopped on request before every row was stored: the batches stored
    /// stay, the rows after them are neither imported nor in `problems`, and
    /// importing the same file again brings in just those.
    pub cancelled: bool,
}

/// Progress of an import, reported as each batch is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordImportProgress {
    /// Rows of the file handled so far (stored, found here already, or rejected).
    pub done: u64,
    pub total: u64,
    /// Records created so far.
    pub imported: u64,
}

/// Imports the candidates or contacts of a CSV file.
pub fn csv(
    candor: &Candor,
    file: &Path,
    options: &CsvOptions,
    progress: &mut dyn FnMut(RecordImportProgress),
) -> Result<RecordImportReport, ApiError> {
    let bytes = read(file)?;
    csv_bytes(
        candor,
        &file.display().to_string(),
        &bytes,
        options,
        progress,
    )
}

/// As [`csv`], for a file already in memory (`source` names it in the report).
pub fn csv_bytes(
    candor: &Candor,
    source: &str,
    bytes: &[u8],
    options: &CsvOptions,
    progress: &mut dyn FnMut(RecordImportProgress),
) -> Result<RecordImportReport, ApiError> {
    check_kind(options.kind)?;
    let text = FileText::decode(bytes, options.encoding.as_deref())?;
    let table = read_csv(&text)?;
    let (columns, fields) = mapping(&table.header, &options.map)?;
    let mut warnings = Vec::new();
    if fields.contains(&Some(ImportField::Owner)) {
        warnings.push(
            "The owner column goes into each record's notes: every record on this desktop is yours."
                .to_owned(),
        );
    }
    let rows = table
        .rows
        .into_iter()
        .map(|row| SourceRow {
            row: row.row,
            line: row.line,
            person: row
                .cells
                .and_then(|cells| person_from_cells(&table.header, &fields, cells)),
        })
        .collect();
    let mut report = new_report(options.kind, source, "csv", options.dry_run, &text);
    report.columns = columns;
    report.warnings = warnings;
    run(
        candor,
        options.kind,
        rows,
        report,
        options.cancel.as_deref(),
        progress,
    )
}

/// The columns of a CSV file in memory, each with the field it maps to by
/// default (None: not imported), read without checking the rows or whether
/// any column gives a name or an address: what a mapping form starts from,
/// also for a file whose headers name no field Candor knows.
pub fn csv_columns(bytes: &[u8], encoding: Option<&str>) -> Result<Vec<ColumnMapping>, ApiError> {
    let text = FileText::decode(bytes, encoding)?;
    let table = read_csv(&text)?;
    Ok(table
        .header
        .iter()
        .map(|column| ColumnMapping {
            column: column.clone(),
            field: default_field(column),
        })
        .collect())
}

/// Imports the candidates or contacts of a vCard file (vCard 2.1, 3.0 or 4.0;
/// one or many cards).
pub fn vcard(
    candor: &Candor,
    file: &Path,
    options: &VcardOptions,
    progress: &mut dyn FnMut(RecordImportProgress),
) -> Result<RecordImportReport, ApiError> {
    let bytes = read(file)?;
    vcard_bytes(
        candor,
        &file.display().to_string(),
        &bytes,
        options,
        progress,
    )
}

/// As [`vcard`], for a file already in memory.
pub fn vcard_bytes(
    candor: &Candor,
    source: &str,
    bytes: &[u8],
    options: &VcardOptions,
    progress: &mut dyn FnMut(RecordImportProgress),
) -> Result<RecordImportReport, ApiError> {
    check_kind(options.kind)?;
    let text = FileText::decode(bytes, options.encoding.as_deref())?;
    let cards = split_cards(&text.bytes);
    if cards.is_empty() {
        return Err(ApiError::invalid(
            "file",
            format!("{source} holds no vCard (no BEGIN:VCARD line)."),
        ));
    }
    let rows = cards
        .into_iter()
        .enumerate()
        .map(|(i, card)| SourceRow {
            row: i as u64 + 1,
            line: card.line,
            person: text
                .field(card.bytes)
                .and_then(|card_text| person_from_vcard(&card_text)),
        })
        .collect();
    let report = new_report(options.kind, source, "vcard", options.dry_run, &text);
    run(
        candor,
        options.kind,
        rows,
        report,
        options.cancel.as_deref(),
        progress,
    )
}

fn read(file: &Path) -> Result<Vec<u8>, ApiError> {
    std::fs::read(file)
        .map_err(|e| ApiError::invalid("file", format!("Could not read {}: {e}.", file.display())))
}

fn check_kind(kind: RecordKind) -> Result<(), ApiError> {
    match kind {
        RecordKind::Candidate | RecordKind::Contact => Ok(()),
        RecordKind::Client | RecordKind::Job => Err(ApiError::invalid(
            "kind",
            "Only candidates and contacts can be imported from a file.",
        )),
    }
}

fn new_report(
    kind: RecordKind,
    source: &str,
    format: &str,
    dry_run: bool,
    text: &FileText,
) -> RecordImportReport {
    RecordImportReport {
        kind,
        source: source.to_owned(),
        format: format.to_owned(),
        dry_run,
        encoding: text.label.clone(),
        columns: Vec::new(),
        rows: 0,
        imported: 0,
        duplicates: 0,
        rejected: 0,
        clients_created: Vec::new(),
        records: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
        cancelled: false,
    }
}

// ---------------------------------------------------------------------------
// Encodings

/// A file's bytes as UTF-8 or in an ASCII-compatible legacy encoding, so that
/// rows and cards can be split on bytes and each decoded (and rejected) on
/// its own. UTF-16 files are transcoded as a whole first.
struct FileText {
    bytes: Vec<u8>,
    /// None: UTF-8.
    legacy: Option<&'static Encoding>,
    label: String,
}

impl FileText {
    fn decode(bytes: &[u8], label: Option<&str>) -> Result<Self, ApiError> {
        let asked = match label.map(str::trim).filter(|l| !l.is_empty()) {
            Some(label) => Some(Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                ApiError::invalid(
                    "encoding",
                    format!(
                        "\"{label}\" is not an encoding this import knows; use a label such as utf-8, windows-1250, iso-8859-2, windows-1252, gbk, big5, shift_jis or utf-16le."
                    ),
                )
            })?),
            None => None,
        };
        // A byte-order mark says what the file is, whatever was asked.
        let (encoding, body) = match Encoding::for_bom(bytes) {
            Some((encoding, bom)) => (encoding, &bytes[bom..]),
            None => (asked.unwrap_or(encoding_rs::UTF_8), bytes),
        };
        let label = encoding.name().to_owned();
        if encoding == encoding_rs::UTF_8 {
            return Ok(Self {
                bytes: body.to_vec(),
                legacy: None,
                label,
            });
        }
        if encoding.is_ascii_compatible() && encoding != encoding_rs::ISO_2022_JP {
            return Ok(Self {
                bytes: body.to_vec(),
                legacy: Some(encoding),
                label,
            });
        }
        // UTF-16 (and stateful ISO-2022-JP): lines cannot be found in the raw
        // bytes, so the whole file is decoded at once.
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| {
                ApiError::invalid(
                    "encoding",
                    format!(
                        "The file is not valid {label} text; give its encoding with --encoding."
                    ),
                )
            })?;
        Ok(Self {
            bytes: text.into_owned().into_bytes(),
            legacy: None,
            label,
        })
    }

    /// One field (or a whole card) as text, or why it is not valid in the
    /// file's encoding.
    fn field(&self, bytes: &[u8]) -> Result<String, String> {
        match self.legacy {
            None => std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|_| self.not_valid()),
            Some(encoding) => encoding
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(Cow::into_owned)
                .ok_or_else(|| self.not_valid()),
        }
    }

    fn not_valid(&self) -> String {
        format!(
            "not valid {} text: the file is probably in another encoding; import it again giving its encoding with --encoding (windows-1250 for Polish Excel files, windows-1252 for Western European ones, gbk for Chinese)",
            self.label
        )
    }
}

// ---------------------------------------------------------------------------
// CSV

struct CsvTable {
    header: Vec<String>,
    rows: Vec<CsvRow>,
}

struct CsvRow {
    row: u64,
    line: u64,
    /// The cells, or why the row cannot be read.
    cells: Result<Vec<String>, String>,
}

fn read_csv(text: &FileText) -> Result<CsvTable, ApiError> {
    let delimiter = sniff_delimiter(&text.bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.bytes.as_slice());
    let mut records = reader.byte_records();
    let header_record = loop {
        match records.next() {
            None => {
                return Err(ApiError::invalid(
                    "file",
                    "The file is empty: a CSV import needs a header row naming the columns.",
                ));
            }
            Some(Err(e)) => return Err(csv_error(&e)),
            Some(Ok(r)) if r.iter().all(|c| c.trim_ascii().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let mut header = Vec::with_capacity(header_record.len());
    for (i, cell) in header_record.iter().enumerate() {
        let name = text.field(cell).map_err(|reason| {
            ApiError::invalid("encoding", format!("The header row is {reason}."))
        })?;
        let name = name.trim();
        header.push(if name.is_empty() {
            format!("(column {})", i + 1)
        } else {
            name.to_owned()
        });
    }
    let mut rows = Vec::new();
    // The header is row 1, as a spreadsheet numbers it.
    for (row_number, record) in (2_u64..).zip(records) {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        let fields: Vec<&[u8]> = record.iter().collect();
        let extra_filled = fields
            .iter()
            .skip(header.len())
            .any(|c| !c.trim_ascii().is_empty());
        let cells = if fields.len() < header.len() || extra_filled {
            Err(format!(
                "the row has {} fields where the header has {} (a value with an unquoted {} in it, or a missing column?)",
                fields.len(),
                header.len(),
                match delimiter {
                    b'\t' => "tab".to_owned(),
                    d => format!("\"{}\"", d as char),
                }
            ))
        } else {
            fields
                .iter()
                .take(header.len())
                .map(|cell| text.field(cell))
                .collect::<Result<Vec<_>, _>>()
        };
        rows.push(CsvRow {
            row: row_number,
            line,
            cells,
        });
    }
    Ok(CsvTable { header, rows })
}

fn csv_error(e: &csv::Error) -> ApiError {
    ApiError::invalid("file", format!("The file could not be read as CSV: {e}."))
}

/// Comma, semicolon (what Excel writes where the comma is the decimal
/// separator, as in Poland) or tab: whichever the header line has most of,
/// outside quotes.
fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in bytes {
        if b == b'\n' && !quoted {
            break;
        }
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if *d == b {
                    *n += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .fold((b',', 0), |best, c| if c.1 > best.1 { c } else { best })
        .0
}

/// The default field of a column, by its header in English, Polish or Chinese
/// as common exports (Outlook, Google, LinkedIn, Zoho, Excel) write it.
fn default_field(header: &str) -> Option<ImportField> {
    // "E-mail 2 Address" -> "emailaddress": case, punctuation and numbering go.
    let key: String = header
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    let key = key.as_str();
    let field = match key {
        "firstname" | "givenname" | "forename" | "first" | "imię" | "imie" | "名" | "名字" => {
            ImportField::FirstName
        }
        "lastname" | "surname" | "familyname" | "last" | "nazwisko" | "姓" | "姓氏" => {
            ImportField::LastName
        }
        "name" | "fullname" | "displayname" | "contactname" | "candidatename" | "imięinazwisko"
        | "imieinazwisko" | "姓名" | "名称" => ImportField::Name,
        "email" | "emailaddress" | "emailvalue" | "mail" | "primaryemail" | "secondaryemail"
        | "workemail" | "homeemail" | "personalemail" | "otheremail" | "adresemail"
        | "adresemailowy" | "電子郵件" | "电子邮件" | "电子邮箱" | "邮箱" => {
            ImportField::Email
        }
        "phone" | "phonenumber" | "phonevalue" | "mobile" | "mobilephone" | "mobilenumber"
        | "cell" | "cellphone" | "telephone" | "tel" | "workphone" | "homephone"
        | "businessphone" | "otherphone" | "primaryphone" | "telefon" | "telefonkomórkowy"
        | "komórka" | "numertelefonu" | "电话" | "手机" | "手机号" | "电话号码" => {
            ImportField::Phone
        }
        "title" | "jobtitle" | "position" | "currenttitle" | "currentjobtitle"
        | "currentposition" | "role" | "stanowisko" | "职位" | "职务" => ImportField::Title,
        "company" | "companyname" | "organization" | "organisation" | "organizationname"
        | "employer" | "currentemployer" | "currentcompany" | "client" | "clientname"
        | "account" | "accountname" | "firma" | "pracodawca" | "公司" | "单位" => {
            ImportField::Company
        }
        "notes" | "note" | "comments" | "comment" | "description" | "uwagi" | "notatki"
        | "备注" | "说明" => ImportField::Notes,
        "address" | "postaladdress" | "mailingaddress" | "streetaddress" | "businessaddress"
        | "workaddress" | "homeaddress" | "adres" | "adrespocztowy" | "地址" | "通讯地址"
        | "通信地址" => ImportField::Address,
        "owner" | "candidateowner" | "contactowner" | "recordowner" | "właściciel"
        | "wlasciciel" | "负责人" | "所有者" => ImportField::Owner,
        _ => return None,
    };
    Some(field)
}

/// The field of every column: the defaults, then each `COLUMN=FIELD`.
fn mapping(
    header: &[String],
    overrides: &[String],
) -> Result<(Vec<ColumnMapping>, Vec<Option<ImportField>>), ApiError> {
    let mut fields: Vec<Option<ImportField>> = header.iter().map(|h| default_field(h)).collect();
    for spec in overrides {
        let Some((column, field)) = spec.rsplit_once('=') else {
            return Err(ApiError::invalid(
                "map",
                format!("\"{spec}\" is not COLUMN=FIELD (for example \"Mobile 2=phone\")."),
            ));
        };
        let field = ImportField::parse(field).ok_or_else(|| {
            ApiError::invalid(
                "map",
                format!(
                    "\"{}\" is not a field to import into; use one of: {}.",
                    field.trim(),
                    ImportField::names()
                ),
            )
        })?;
        let column = column.trim();
        let matching: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().to_lowercase() == column.to_lowercase())
            .map(|(i, _)| i)
            .collect();
        if matching.is_empty() {
            return Err(ApiError::invalid(
                "map",
                format!(
                    "The file has no column \"{column}\"; its columns are: {}.",
                    header.join(", ")
                ),
            ));
        }
        for i in matching {
            fields[i] = Some(field);
        }
    }
    let fields: Vec<Option<ImportField>> = fields
        .into_iter()
        .map(|f| f.filter(|&f| f != ImportField::Ignore))
        .collect();
    let has = |wanted: &[ImportField]| fields.iter().flatten().any(|f| wanted.contains(f));
    if !has(&[
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::Name,
        ImportField::Email,
    ]) {
        return Err(ApiError::invalid(
            "map",
            format!(
                "The file has no name or email column, so there is nothing to make records of (its columns are: {}). Name them with COLUMN=FIELD, the field being first_name, last_name, name or email.",
                header.join(", ")
            ),
        ));
    }
    let columns = header
        .iter()
        .zip(&fields)
        .map(|(column, field)| ColumnMapping {
            column: column.clone(),
            field: *field,
        })
        .collect();
    Ok((columns, fields))
}

// ---------------------------------------------------------------------------
// A person, from a row or a card

/// A row's values by field, before validation.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Person {
    first_name: String,
    last_name: String,
    name: String,
    emails: Vec<String>,
    phones: Vec<String>,
    title: String,
    company: String,
    notes: Vec<String>,
    address: String,
}

impl Person {
    fn is_blank(&self) -> bool {
        *self == Self::default()
    }
}

struct SourceRow {
    row: u64,
    line: u64,
    person: Result<Person, String>,
}

fn person_from_cells(
    header: &[String],
    fields: &[Option<ImportField>],
    cells: Vec<String>,
) -> Result<Person, String> {
    let mut person = Person::default();
    let notes_columns = fields
        .iter()
        .filter(|f| **f == Some(ImportField::Notes))
        .count();
    let set = |slot: &mut String, value: &str| {
        if slot.is_empty() {
            value.clone_into(slot);
        }
    };
    for ((column, field), cell) in header.iter().zip(fields).zip(&cells) {
        let value = cell.trim();
        let Some(field) = field else { continue };
        if value.is_empty() {
            continue;
        }
        match field {
            ImportField::FirstName => set(&mut person.first_name, value),
            ImportField::LastName => set(&mut person.last_name, value),
            ImportField::Name => set(&mut person.name, value),
            ImportField::Email => person.emails.extend(split_addresses(value)),
            ImportField::Phone => person.phones.extend(
                value
                    .split([';', '\n'])
                    .flat_map(|p| p.split(":::"))
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            ),
            ImportField::Title => set(&mut person.title, value),
            ImportField::Company => set(&mut person.company, value),
            ImportField::Notes if notes_columns > 1 => {
                person.notes.push(format!("{column}: {value}"));
            }
            ImportField::Notes => person.notes.push(value.to_owned()),
            ImportField::Owner => person.notes.push(format!("Owner: {value}")),
            ImportField::Address if person.address.is_empty() => {
                person.address = value.trim().to_owned();
            }
            // Street, city and country in columns of their own: one per line.
            ImportField::Address => {
                person.address.push('\n');
                person.address.push_str(value.trim());
            }
            ImportField::Ignore => {}
        }
    }
    Ok(person)
}

/// The addresses of a cell: one, or several separated by `;`, `,`, new
/// lines or Google's ` ::: `; "Name <address>" gives the address.
fn split_addresses(cell: &str) -> Vec<String> {
    cell.split([';', ',', '\n'])
        .flat_map(|part| part.split(":::"))
        .map(|part| {
            let part = part.trim();
            match (part.rfind('<'), part.rfind('>')) {
                (Some(open), Some(close)) if open < close => part[open + 1..close].trim(),
                _ => part,
            }
        })
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

fn person_from_vcard(text: &str) -> Result<Person, String> {
    let card = VCard::parse(text).map_err(|_| {
        "the card could not be read as a vCard (no END:VCARD, or a damaged line)".to_owned()
    })?;
    if let Some(kind) = card
        .property(&VCardProperty::Kind)
        .and_then(|e| e.values.first())
    {
        match kind {
            VCardValue::Kind(VCardKind::Group) => {
                return Err("the card is a group (KIND:group), not a person".into());
            }
            VCardValue::Kind(VCardKind::Org) => {
                return Err("the card is an organization (KIND:org), not a person".into());
            }
            _ => {}
        }
    }
    let mut person = Person::default();
    if let Some(n) = card.property(&VCardProperty::N) {
        let part = |i: usize| n.values.get(i).map(value_text).unwrap_or_default();
        person.last_name = part(0);
        person.first_name = [part(1), part(2)]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
    if let Some(name) = card.property(&VCardProperty::Fn).map(first_text) {
        person.name = name;
    }
    for email in card.properties(&VCardProperty::Email) {
        let address = first_text(email);
        let address = address.trim();
        let address = address
            .strip_prefix("mailto:")
            .or_else(|| address.strip_prefix("MAILTO:"))
            .unwrap_or(address);
        if !address.is_empty() {
            person.emails.push(address.to_owned());
        }
    }
    for tel in card.properties(&VCardProperty::Tel) {
        let number = first_text(tel);
        let number = number.trim();
        let number = number.strip_prefix("tel:").unwrap_or(number);
        // tel: URIs write an extension as ";ext=12".
        let number = number.replacen(";ext=", " ext. ", 1);
        if !number.is_empty() {
            person.phones.push(number);
        }
    }
    if let Some(org) = card.property(&VCardProperty::Org) {
        person.company = org.values.first().map(value_text).unwrap_or_default();
    }
    if let Some(title) = card.property(&VCardProperty::Title) {
        person.title = first_text(title);
    }
    if let Some(adr) = card.property(&VCardProperty::Adr) {
        // ADR: PO box; extended; street; city; region; postal code; country.
        person.address = adr_lines(adr);
    }
    person.notes = card
        .properties(&VCardProperty::Note)
        .map(first_text)
        .filter(|n| !n.trim().is_empty())
        .collect();
    Ok(person)
}

/// A vCard ADR as the lines of a postal address: street, "postal code
/// city", region, country.
fn adr_lines(adr: &VCardEntry) -> String {
    let part = |i: usize| {
        adr.values
            .get(i)
            .map(value_text)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let city = [part(5), part(3)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    [part(0), part(1), part(2), city, part(4), part(6)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn first_text(entry: &VCardEntry) -> String {
    entry.values.first().map(value_text).unwrap_or_default()
}

fn value_text(value: &VCardValue) -> String {
    match value {
        VCardValue::Component(parts) => parts.join(" "),
        other => other.as_text().unwrap_or_default().to_owned(),
    }
    .trim()
    .to_owned()
}

/// The record a person makes, validated as a record typed in by hand would
/// be, with the company kept aside for a contact (its client is found or
/// created when the row is stored).
fn record_input(kind: RecordKind, person: Person) -> Result<(RecordInput, Option<String>), String> {
    if person.is_blank() {
        return Err("the row is empty".into());
    }
    let mut emails: Vec<String> = Vec::new();
    for address in person.emails {
        if !emails
            .iter()
            .any(|seen| normalize_address(seen) == normalize_address(&address))
        {
            emails.push(address);
        }
    }
    let (mut first_name, mut last_name) = (person.first_name, person.last_name);
    if first_name.is_empty() && last_name.is_empty() {
        (first_name, last_name) = split_name(&person.name);
    }
    if first_name.is_empty() && last_name.is_empty() {
        match emails.first() {
            // Mail clients show a person without a name by their address.
            Some(address) => last_name = address.trim().to_owned(),
            None => return Err("it has no name and no email address".into()),
        }
    }
    let optional = |s: String| if s.is_empty() { None } else { Some(s) };
    let mut notes = person.notes.join("\n");
    if kind == RecordKind::Candidate && !person.address.is_empty() {
        // Candidates have no address field: it is kept in the notes.
        if !notes.is_empty() {
            notes.push('\n');
        }
        notes.push_str(&format!("Address: {}", person.address.replace('\n', ", ")));
    }
    let (fields, company) = match kind {
        RecordKind::Candidate => (
            RecordFields::Candidate {
                first_name,
                last_name,
                emails,
                phones: person.phones,
                current_title: optional(person.title),
                current_employer: optional(person.company),
            },
            None,
        ),
        _ => (
            RecordFields::Contact {
                first_name,
                last_name,
                emails,
                phones: person.phones,
                job_title: optional(person.title),
                client_id: None,
                address: optional(person.address),
            },
            optional(person.company),
        ),
    };
    if let Some(company) = &company
        && company.chars().count() > 300
    {
        return Err("company: the name is longer than 300 characters".into());
    }
    Ok((RecordInput { fields, notes }, company))
}

/// What identifies a row's content in the import ledger: its validated
/// fields, addresses ignoring case.
fn row_digest(input: &RecordInput, company: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    let mut put = |text: &str| {
        hasher.update(text.as_bytes());
        hasher.update([0x1f]);
    };
    match &input.fields {
        RecordFields::Candidate {
            first_name,
            last_name,
            emails,
            phones,
            current_title,
            current_employer,
        } => {
            put("candidate");
            put(first_name);
            put(last_name);
            put(&emails
                .iter()
                .map(|e| normalize_address(e))
                .collect::<Vec<_>>()
                .join("\x1e"));
            put(&phones.join("\x1e"));
            put(current_title.as_deref().unwrap_or_default());
            put(current_employer.as_deref().unwrap_or_default());
        }
        RecordFields::Contact {
            first_name,
            last_name,
            emails,
            phones,
            job_title,
            ..
        } => {
            put("contact");
            put(first_name);
            put(last_name);
            put(&emails
                .iter()
                .map(|e| normalize_address(e))
                .collect::<Vec<_>>()
                .join("\x1e"));
            put(&phones.join("\x1e"));
            put(job_title.as_deref().unwrap_or_default());
            put(company.unwrap_or_default());
        }
        RecordFields::Client { .. } | RecordFields::Job { .. } => put("other"),
    }
    put(&input.notes);
    hex::encode(hasher.finalize())
}

// ---------------------------------------------------------------------------
// vCard cards

struct CardBytes<'a> {
    line: u64,
    bytes: &'a [u8],
}

/// Each BEGIN:VCARD ... END:VCARD of the file with the line it starts on,
/// found on bytes so that one card in a wrong encoding spoils only itself.
fn split_cards(bytes: &[u8]) -> Vec<CardBytes<'_>> {
    let mut cards = Vec::new();
    let mut start: Option<(usize, u64)> = None;
    let mut offset = 0;
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let trimmed = line.trim_ascii();
        if trimmed.eq_ignore_ascii_case(b"BEGIN:VCARD") && start.is_none() {
            start = Some((offset, i as u64 + 1));
        } else if trimmed.eq_ignore_ascii_case(b"END:VCARD")
            && let Some((from, line_number)) = start.take()
        {
            cards.push(CardBytes {
                line: line_number,
                bytes: &bytes[from..offset + line.len()],
            });
        }
        offset += line.len();
    }
    if let Some((from, line_number)) = start {
        // Unterminated: the parser reports it as the card's problem.
        cards.push(CardBytes {
            line: line_number,
            bytes: &bytes[from..],
        });
    }
    cards
}

// ---------------------------------------------------------------------------
// Checking and storing

/// A row ready to store, with where it came from.
struct Pending {
    row: u64,
    line: u64,
    import: ImportRow,
}

fn run(
    candor: &Candor,
    kind: RecordKind,
    rows: Vec<SourceRow>,
    mut report: RecordImportReport,
    cancel: Option<&AtomicBool>,
    progress: &mut dyn FnMut(RecordImportProgress),
) -> Result<RecordImportReport, ApiError> {
    let mut pending: Vec<Pending> = Vec::new();
    let mut seen_addresses: HashMap<String, u64> = HashMap::new();
    let mut seen_digests: HashMap<String, u64> = HashMap::new();
    let problem = |report: &mut RecordImportReport,
                   row: u64,
                   line: u64,
                   kind: ProblemKind,
                   reason: String| {
        match kind {
            ProblemKind::Duplicate => report.duplicates += 1,
            ProblemKind::Rejected => report.rejected += 1,
        }
        report.problems.push(RowProblem {
            row,
            line,
            kind,
            reason,
        });
    };
    for source in rows {
        let person = match source.person {
            Ok(person) if person.is_blank() => continue,
            Ok(person) => person,
            Err(reason) => {
                report.rows += 1;
                problem(
                    &mut report,
                    source.row,
                    source.line,
                    ProblemKind::Rejected,
                    reason,
                );
                continue;
            }
        };
        report.rows += 1;
        let checked = record_input(kind, person).and_then(|(input, company)| {
            let store = candor.store();
            super::records::validate(&store, input)
                .map(|input| (input, company))
                .map_err(|e| match e.field {
                    Some(field) => format!("{field}: {}", e.message),
                    None => e.message,
                })
        });
        let (input, company) = match checked {
            Ok(checked) => checked,
            Err(reason) => {
                problem(
                    &mut report,
                    source.row,
                    source.line,
                    ProblemKind::Rejected,
                    reason,
                );
                continue;
            }
        };
        let digest = row_digest(&input, company.as_deref());
        let earlier = input
            .fields
            .emails()
            .iter()
            .find_map(|a| {
                seen_addresses
                    .get(&normalize_address(a))
                    .map(|row| format!("the same address ({a}) as row {row}"))
            })
            .or_else(|| {
                seen_digests
                    .get(&digest)
                    .map(|row| format!("the same as row {row}"))
            });
        if let Some(why) = earlier {
            let what = if report.format == "vcard" {
                "card"
            } else {
                "row"
            };
            problem(
                &mut report,
                source.row,
                source.line,
                ProblemKind::Duplicate,
                format!("a duplicate within the file: {}", why.replace("row", what)),
            );
            continue;
        }
        for address in input.fields.emails() {
            seen_addresses.insert(normalize_address(address), source.row);
        }
        seen_digests.insert(digest.clone(), source.row);
        pending.push(Pending {
            row: source.row,
            line: source.line,
            import: ImportRow {
                input,
                company,
                row_digest: digest,
            },
        });
    }

    let total = report.rows;
    let mut done = report.rejected + report.duplicates;
    // A dry run checks everything in one transaction that is rolled back, so
    // a client created for one row is found by the next, as in a real run.
    let batch_size = if report.dry_run {
        pending.len().max(1)
    } else {
        BATCH_ROWS
    };
    for batch in pending.chunks(batch_size) {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            report.cancelled = true;
            break;
        }
        let rows: Vec<ImportRow> = batch.iter().map(|p| p.import.clone()).collect();
        // The store is locked per batch, so the app stays responsive.
        let outcome = candor.store().import_records(&rows, !report.dry_run)?;
        for (p, o) in batch.iter().zip(outcome.outcomes) {
            match o {
                ImportOutcome::Imported { record_id } => {
                    report.imported += 1;
                    if !report.dry_run {
                        report.records.push(ImportedRecord {
                            row: p.row,
                            id: record_id,
                        });
                    }
                }
                ImportOutcome::AlreadyImported { record_id } => problem(
                    &mut report,
                    p.row,
                    p.line,
                    ProblemKind::Duplicate,
                    format!("already imported (record {record_id})"),
                ),
                ImportOutcome::DuplicateAddress { record_id, address } => problem(
                    &mut report,
                    p.row,
                    p.line,
                    ProblemKind::Duplicate,
                    format!("{address} is already on {} {record_id}", kind.as_str()),
                ),
            }
        }
        report.clients_created.extend(outcome.clients_created);
        done += batch.len() as u64;
        progress(RecordImportProgress {
            done,
            total,
            imported: report.imported,
        });
    }
    report.problems.sort_by_key(|p| p.row);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_polish_and_chinese_map_by_default() {
        for (header, field) in [
            ("First Name", ImportField::FirstName),
            ("Given Name", ImportField::FirstName),
            ("Imię", ImportField::FirstName),
            ("Surname", ImportField::LastName),
            ("Nazwisko", ImportField::LastName),
            ("Full Name", ImportField::Name),
            ("E-mail Address", ImportField::Email),
            ("E-mail 2 Address", ImportField::Email),
            ("Email 2", ImportField::Email),
            ("E-mail 1 - Value", ImportField::Email),
            ("Mobile Phone", ImportField::Phone),
            ("Job Title", ImportField::Title),
            ("Organization", ImportField::Company),
            ("Candidate Owner", ImportField::Owner),
            ("电子邮件", ImportField::Email),
            ("Business Address", ImportField::Address),
            ("Adres", ImportField::Address),
            ("地址", ImportField::Address),
        ] {
            assert_eq!(default_field(header), Some(field), "{header}");
        }
        assert_eq!(
            default_field("E-mail 1 - Type"),
            None,
            "an address's type label is no address: mapping it would reject every row"
        );
    }

    #[test]
    fn columns_are_read_even_when_none_gives_a_name_or_an_address() {
        let columns = csv_columns(b"Vorname;Mail;Nazwisko\nAnna;a@x.example;K\n", None)
            .expect("a header is enough");
        assert_eq!(
            columns
                .iter()
                .map(|c| (c.column.as_str(), c.field))
                .collect::<Vec<_>>(),
            vec![
                ("Vorname", None),
                ("Mail", Some(ImportField::Email)),
                ("Nazwisko", Some(ImportField::LastName))
            ],
            "unknown headers are listed unmapped, for the user to map"
        );
        let unmapped = csv_columns(b"Vorname,Firma\nAnna,X\n", None).expect("header");
        assert_eq!(unmapped[0].field, None);
        assert!(
            csv_columns(b"", None).is_err(),
            "an empty file has no columns to map"
        );
    }

    #[test]
    fn names_split_both_ways() {
        assert_eq!(
            split_name("Anna Maria Kowalska"),
            ("Anna Maria".into(), "Kowalska".into())
        );
        assert_eq!(
            split_name("Kowalska, Anna"),
            ("Anna".into(), "Kowalska".into())
        );
        assert_eq!(split_name("王小明"), ("王小明".into(), String::new()));
    }

    #[test]
    fn cells_with_several_addresses_and_display_names() {
        assert_eq!(
            split_addresses("Anna <anna@x.example>; b@y.example ::: c@z.example"),
            vec!["anna@x.example", "b@y.example", "c@z.example"]
        );
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter(b"Imi\xc4\x99;Nazwisko;Email\n"), b';');
        assert_eq!(sniff_delimiter(b"\"Name; full\",Email\n"), b',');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
    }

    #[test]
    fn vcards_read_names_addresses_and_legacy_encodings() {
        let person = person_from_vcard(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalska;Anna;Maria;;\r\nFN:Anna Kowalska\r\n\
             EMAIL;TYPE=work:anna@firma.example\r\nEMAIL:anna.k@home.example\r\n\
             ORG:Firma Sp. z o.o.;Dział IT\r\nTITLE:Engineer\\, Backend\r\n\
             NOTE:Met at the fair\\nCall back\r\nTEL;TYPE=cell:+48 600 100 200\r\n\
             ADR;TYPE=work:;;ul. Floriańska 1;Kraków;;31-019;Poland\r\nEND:VCARD\r\n",
        )
        .expect("card");
        assert_eq!(person.first_name, "Anna Maria");
        assert_eq!(person.last_name, "Kowalska");
        assert_eq!(
            person.emails,
            vec!["anna@firma.example", "anna.k@home.example"]
        );
        assert_eq!(person.company, "Firma Sp. z o.o.");
        assert_eq!(person.title, "Engineer, Backend", "escapes are resolved");
        assert_eq!(person.notes, vec!["Met at the fair\nCall back"]);
        assert_eq!(person.phones, vec!["+48 600 100 200"]);
        assert_eq!(person.address, "ul. Floriańska 1\n31-019 Kraków\nPoland");

        let qp = person_from_vcard(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:W=C4=85sik;=C5=81ukasz\r\n\
             EMAIL;INTERNET:lukasz@example.pl\r\nEND:VCARD\r\n",
        )
        .expect("card");
        assert_eq!(
            (qp.first_name.as_str(), qp.last_name.as_str()),
            ("Łukasz", "Wąsik")
        );
    }

    #[test]
    fn cards_are_split_with_their_lines() {
        let file = b"BEGIN:VCARD\nFN:A\nEND:VCARD\n\nbegin:vcard\nFN:B\nend:vcard\n";
        let cards = split_cards(file);
        assert_eq!(cards.len(), 2);
        assert_eq!((cards[0].line, cards[1].line), (1, 5));
    }

    #[test]
    fn legacy_encodings_decode_per_field_and_utf8_rejects_them() {
        let cp1250 = FileText::decode(b"x", Some("windows-1250")).expect("label");
        assert_eq!(cp1250.field(b"\xa3ukasz").as_deref(), Ok("Łukasz"));
        let utf8 = FileText::decode(b"x", None).expect("utf-8");
        assert!(
            utf8.field(b"\xa3ukasz")
                .expect_err("a windows-1250 byte is not UTF-8")
                .contains("--encoding")
        );
        assert!(FileText::decode(b"x", Some("klingon")).is_err());
        let bom = FileText::decode(b"\xef\xbb\xbfName", Some("windows-1250")).expect("bom");
        assert_eq!(
            (bom.label.as_str(), bom.bytes.as_slice()),
            ("UTF-8", &b"Name"[..])
        );
    }
}

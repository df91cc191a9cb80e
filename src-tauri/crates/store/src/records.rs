//! Records: candidates, contacts, clients and job openings.
//!
//! One id space (`records`) with a typed detail table per kind, plus the email
//! addresses and phones of people. Input is validated by candor-core before it
//! reaches these functions; the schema's CHECK and FOREIGN KEY constraints are
//! the last line of defence.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::time::now_unix;
use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Candidate,
    Contact,
    Client,
    Job,
}

impl RecordKind {
    pub const ALL: [Self; 4] = [Self::Candidate, Self::Contact, Self::Client, Self::Job];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Candidate => "candidate",
            Self::Contact => "contact",
            Self::Client => "client",
            Self::Job => "job",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    #[default]
    Open,
    OnHold,
    Filled,
    Closed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::OnHold => "on_hold",
            Self::Filled => "filled",
            Self::Closed => "closed",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "on_hold" => Self::OnHold,
            "filled" => Self::Filled,
            "closed" => Self::Closed,
            _ => Self::Open,
        }
    }
}

/// The kind-specific fields of a record, as entered and as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordFields {
    Candidate {
        first_name: String,
        last_name: String,
        emails: Vec<String>,
        phones: Vec<String>,
        current_title: Option<String>,
        current_employer: Option<String>,
    },
    Contact {
        first_name: String,
        last_name: String,
        emails: Vec<String>,
        phones: Vec<String>,
        job_title: Option<String>,
        /// The client (company) this person works for.
        client_id: Option<i64>,
        /// Postal address, free text (lines as written).
        #[serde(default)]
        address: Option<String>,
    },
    Client {
        name: String,
        website: Option<String>,
        phone: Option<String>,
    },
    Job {
        title: String,
        client_id: Option<i64>,
        primary_contact_id: Option<i64>,
        status: JobStatus,
    },
}

impl RecordFields {
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::Candidate { .. } => RecordKind::Candidate,
            Self::Contact { .. } => RecordKind::Contact,
            Self::Client { .. } => RecordKind::Client,
            Self::Job { .. } => RecordKind::Job,
        }
    }

    /// The name a person or company goes by, or a job's title.
    pub fn display_name(&self) -> String {
        match self {
            Self::Candidate {
                first_name,
                last_name,
                ..
            }
            | Self::Contact {
                first_name,
                last_name,
                ..
            } => person_name(first_name, last_name),
            Self::Client { name, .. } => name.clone(),
            Self::Job { title, .. } => title.clone(),
        }
    }

    pub fn emails(&self) -> &[String] {
        match self {
            Self::Candidate { emails, .. } | Self::Contact { emails, .. } => emails,
            Self::Client { .. } | Self::Job { .. } => &[],
        }
    }

    fn phones(&self) -> &[String] {
        match self {
            Self::Candidate { phones, .. } | Self::Contact { phones, .. } => phones,
            Self::Client { .. } | Self::Job { .. } => &[],
        }
    }
}

fn person_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// What the user submits to create or edit a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordInput {
    pub fields: RecordFields,
    pub notes: String,
}

/// A stored record with everything its page shows about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// In TypeScript, `Record` would shadow the built-in `Record<K, V>` type.
#[cfg_attr(feature = "specta", specta(rename = "RecordDetail"))]
pub struct Record {
    pub id: i64,
    pub kind: RecordKind,
    pub display_name: String,
    pub fields: RecordFields,
    pub notes: String,
    pub owner_user_id: i64,
    pub is_imported: bool,
    /// Unix seconds, UTC.
    pub created_at: i64,
    pub updated_at: i64,
    /// Names of the records this one points to (client, primary contact), for display.
    pub client_name: Option<String>,
    pub primary_contact_name: Option<String>,
}

/// One line of a record list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordSummary {
    pub id: i64,
    pub kind: RecordKind,
    pub display_name: String,
    /// The most useful second line: a person's first email, a contact's
    /// company, a job's client.
    pub detail: Option<String>,
    pub updated_at: i64,
}

/// How a record list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RecordSort {
    /// Most recently changed first.
    #[default]
    Updated,
    /// Newest first.
    Created,
    /// By name (or title), A to Z, case ignored.
    Name,
}

/// Which records a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordQuery {
    /// Words that must all appear in the name, an email address, or the
    /// company (a candidate's employer and title, a contact's client and
    /// title, a job's client, a client's website), case ignored.
    pub text: Option<String>,
    pub sort: RecordSort,
    /// Job openings in this state only.
    pub job_status: Option<JobStatus>,
    /// Only records created by an import (`true`) or by hand (`false`).
    pub imported: Option<bool>,
    /// At most this many (the total is still counted).
    pub limit: Option<u32>,
}

/// A record list and how many records matched in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordPage {
    pub records: Vec<RecordSummary>,
    pub total: i64,
}

impl Store {
    /// Creates a record owned by the local user and returns its id.
    pub fn insert_record(
        &mut self,
        input: &RecordInput,
        imported: bool,
    ) -> Result<i64, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let id = insert_record_in(&tx, owner, input, imported)?;
        tx.commit()?;
        Ok(id)
    }

    /// Replaces a record's fields. The kind of a record cannot change.
    pub fn update_record(&mut self, id: i64, input: &RecordInput) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let actual = kind_of(&tx, id)?.ok_or(StoreError::RecordNotFound(id))?;
        let expected = input.fields.kind();
        if actual != expected {
            return Err(StoreError::WrongRecordKind {
                id,
                expected: expected.as_str(),
                actual: actual.as_str().to_owned(),
            });
        }
        tx.execute(
            "UPDATE records SET notes = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, input.notes, now_unix()],
        )?;
        write_details(&tx, id, &input.fields)?;
        // The page shows the mail of the record's current addresses.
        crate::links::relink_record(&tx, id)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a record; its detail rows, addresses and mail links go with it.
    /// Returns false when there was no such record.
    pub fn delete_record(&mut self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM records WHERE id = ?1", [id])?
            > 0)
    }

    pub fn record_kind(&self, id: i64) -> Result<Option<RecordKind>, StoreError> {
        Ok(kind_of(&self.conn, id)?)
    }

    pub fn get_record(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let conn = &self.conn;
        let base = conn
            .query_row(
                "SELECT kind, notes, owner_user_id, is_imported, created_at, updated_at
                 FROM records WHERE id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, bool>(3)?,
                        row.get::<_, i64>(4)?,
                        row.get::<_, i64>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((kind, notes, owner_user_id, is_imported, created_at, updated_at)) = base else {
            return Ok(None);
        };
        let kind = RecordKind::parse(&kind).ok_or_else(|| {
            StoreError::Sqlite(rusqlite::Error::InvalidColumnType(
                0,
                "kind".into(),
                rusqlite::types::Type::Text,
            ))
        })?;
        let fields = read_details(conn, id, kind)?;
        let (client_id, contact_id) = match &fields {
            RecordFields::Contact { client_id, .. } => (*client_id, None),
            RecordFields::Job {
                client_id,
                primary_contact_id,
                ..
            } => (*client_id, *primary_contact_id),
            _ => (None, None),
        };
        let client_name = match client_id {
            Some(cid) => conn
                .query_row(
                    "SELECT name FROM clients WHERE record_id = ?1",
                    [cid],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        };
        let primary_contact_name = match contact_id {
            Some(cid) => conn
                .query_row(
                    "SELECT first_name, last_name FROM contacts WHERE record_id = ?1",
                    [cid],
                    |r| {
                        Ok(person_name(
                            &r.get::<_, String>(0)?,
                            &r.get::<_, String>(1)?,
                        ))
                    },
                )
                .optional()?,
            None => None,
        };
        Ok(Some(Record {
            id,
            kind,
            display_name: fields.display_name(),
            fields,
            notes,
            owner_user_id,
            is_imported,
            created_at,
            updated_at,
            client_name,
            primary_contact_name,
        }))
    }

    /// Records of one kind, most recently changed first.
    pub fn list_records(&self, kind: RecordKind) -> Result<Vec<RecordSummary>, StoreError> {
        Ok(self.search_records(kind, &RecordQuery::default())?.records)
    }

    /// The records of one kind that match `query`, in its order.
    ///
    /// Matching and sorting happen here rather than in SQL: SQLite's
    /// `lower()` and `LIKE` fold ASCII only, and a recruiter searching for
    /// "łukasz" must find "Łukasz". Ten thousand records take a few
    /// milliseconds (see the latency benchmark).
    pub fn search_records(
        &self,
        kind: RecordKind,
        query: &RecordQuery,
    ) -> Result<RecordPage, StoreError> {
        // Columns: id, name, detail, updated, created, imported, job status, more searchable text.
        let emails =
            "(SELECT group_concat(address, ' ') FROM record_emails e WHERE e.record_id = r.id)";
        let first_email = "(SELECT address FROM record_emails e WHERE e.record_id = r.id ORDER BY position LIMIT 1)";
        let sql = match kind {
            RecordKind::Candidate => format!(
                "SELECT r.id, trim(c.first_name || ' ' || c.last_name), {first_email},
                        r.updated_at, r.created_at, r.is_imported, NULL,
                        coalesce(c.current_title, '') || ' ' || coalesce(c.current_employer, '') || ' ' || coalesce({emails}, '')
                 FROM records r JOIN candidates c ON c.record_id = r.id"
            ),
            RecordKind::Contact => format!(
                "SELECT r.id, trim(c.first_name || ' ' || c.last_name), coalesce(cl.name, {first_email}),
                        r.updated_at, r.created_at, r.is_imported, NULL,
                        coalesce(c.job_title, '') || ' ' || coalesce(cl.name, '') || ' ' || coalesce({emails}, '')
                 FROM records r JOIN contacts c ON c.record_id = r.id
                 LEFT JOIN clients cl ON cl.record_id = c.client_id"
            ),
            RecordKind::Client => "SELECT r.id, c.name, c.website, r.updated_at, r.created_at, r.is_imported,
                        NULL, coalesce(c.website, '')
                 FROM records r JOIN clients c ON c.record_id = r.id"
                .to_owned(),
            RecordKind::Job => "SELECT r.id, j.title, cl.name, r.updated_at, r.created_at, r.is_imported,
                        j.status, coalesce(cl.name, '')
                 FROM records r JOIN job_openings j ON j.record_id = r.id
                 LEFT JOIN clients cl ON cl.record_id = j.client_id"
                .to_owned(),
        };
        let needle = query
            .text
            .as_deref()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |row| {
            Ok((
                RecordSummary {
                    id: row.get(0)?,
                    kind,
                    display_name: row.get(1)?,
                    detail: row.get(2)?,
                    updated_at: row.get(3)?,
                },
                row.get::<_, i64>(4)?,
                row.get::<_, bool>(5)?,
                row.get::<_, Option<String>>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?;
        let mut matching = Vec::new();
        for row in rows {
            let (summary, created_at, imported, status, more) = row?;
            if query.imported.is_some_and(|wanted| wanted != imported) {
                continue;
            }
            if let Some(wanted) = query.job_status
                && status.as_deref() != Some(wanted.as_str())
            {
                continue;
            }
            if let Some(needle) = &needle {
                // Every word must appear somewhere: "anna kraków" finds Anna
                // whose employer is in Kraków; so does "anna krakow", typed
                // without diacritics, as recruiters often do.
                let haystack = format!("{} {more}", summary.display_name).to_lowercase();
                // Folded only when a word is not found as typed (most rows).
                let mut folded: Option<String> = None;
                if !needle.split_whitespace().all(|word| {
                    haystack.contains(word)
                        || folded
                            .get_or_insert_with(|| deunicode::deunicode(&haystack).to_lowercase())
                            .contains(word)
                }) {
                    continue;
                }
            }
            matching.push((summary, created_at));
        }
        match query.sort {
            RecordSort::Updated => {
                matching.sort_by(|(a, _), (b, _)| {
                    b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id))
                });
            }
            RecordSort::Created => {
                matching.sort_by(|(a, ca), (b, cb)| cb.cmp(ca).then(b.id.cmp(&a.id)));
            }
            RecordSort::Name => {
                // Folded to ASCII first so that Ł sorts with L and Chinese
                // names by their pinyin, not after every Latin letter.
                matching.sort_by_cached_key(|(r, _)| {
                    let lower = r.display_name.to_lowercase();
                    (deunicode::deunicode(&lower), lower, r.id)
                });
            }
        }
        let total = matching.len();
        let limit = query.limit.map_or(usize::MAX, |l| l as usize);
        Ok(RecordPage {
            records: matching.into_iter().take(limit).map(|(r, _)| r).collect(),
            total: i64::try_from(total).unwrap_or(i64::MAX),
        })
    }

    /// Ids of clients whose name matches, ignoring case.
    pub fn find_clients_by_name(&self, name: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT record_id FROM clients WHERE name = ?1 COLLATE NOCASE ORDER BY record_id",
        )?;
        let ids = stmt.query_map([name], |row| row.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }
}

/// Inserts a record, its details and its mail links inside the caller's
/// transaction (a single create, or one row of an import batch).
pub(crate) fn insert_record_in(
    tx: &Transaction<'_>,
    owner: i64,
    input: &RecordInput,
    imported: bool,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO records (kind, owner_user_id, notes, is_imported, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![
            input.fields.kind().as_str(),
            owner,
            input.notes,
            imported,
            now_unix()
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_details(tx, id, &input.fields)?;
    crate::links::relink_record(tx, id)?;
    Ok(id)
}

fn kind_of(conn: &Connection, id: i64) -> rusqlite::Result<Option<RecordKind>> {
    let kind: Option<String> = conn
        .query_row("SELECT kind FROM records WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    Ok(kind.as_deref().and_then(RecordKind::parse))
}

fn write_details(tx: &Transaction<'_>, id: i64, fields: &RecordFields) -> rusqlite::Result<()> {
    // Upserts, not INSERT OR REPLACE: a REPLACE deletes the row first, which
    // would fire ON DELETE SET NULL on every job pointing at this contact.
    match fields {
        RecordFields::Candidate {
            first_name,
            last_name,
            current_title,
            current_employer,
            ..
        } => {
            tx.execute(
                "INSERT INTO candidates (record_id, first_name, last_name, current_title, current_employer)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (record_id) DO UPDATE SET first_name = ?2, last_name = ?3,
                    current_title = ?4, current_employer = ?5",
                params![id, first_name, last_name, current_title, current_employer],
            )?;
        }
        RecordFields::Contact {
            first_name,
            last_name,
            job_title,
            client_id,
            address,
            ..
        } => {
            tx.execute(
                "INSERT INTO contacts (record_id, first_name, last_name, job_title, client_id, address)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (record_id) DO UPDATE SET first_name = ?2, last_name = ?3,
                    job_title = ?4, client_id = ?5, address = ?6",
                params![id, first_name, last_name, job_title, client_id, address],
            )?;
        }
        RecordFields::Client {
            name,
            website,
            phone,
        } => {
            tx.execute(
                "INSERT INTO clients (record_id, name, website, phone) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (record_id) DO UPDATE SET name = ?2, website = ?3, phone = ?4",
                params![id, name, website, phone],
            )?;
        }
        RecordFields::Job {
            title,
            client_id,
            primary_contact_id,
            status,
        } => {
            tx.execute(
                "INSERT INTO job_openings (record_id, title, client_id, primary_contact_id, status)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (record_id) DO UPDATE SET title = ?2, client_id = ?3,
                    primary_contact_id = ?4, status = ?5",
                params![id, title, client_id, primary_contact_id, status.as_str()],
            )?;
        }
    }
    tx.execute("DELETE FROM record_emails WHERE record_id = ?1", [id])?;
    for (position, address) in (0_i64..).zip(fields.emails()) {
        tx.execute(
            "INSERT INTO record_emails (record_id, position, address, address_normalized, address_canonical)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                position,
                address,
                address.to_lowercase(),
                crate::addresses::canonical_address(address)
            ],
        )?;
    }
    tx.execute("DELETE FROM record_phones WHERE record_id = ?1", [id])?;
    for (position, phone) in (0_i64..).zip(fields.phones()) {
        tx.execute(
            "INSERT INTO record_phones (record_id, position, phone) VALUES (?1, ?2, ?3)",
            params![id, position, phone],
        )?;
    }
    Ok(())
}

fn read_details(conn: &Connection, id: i64, kind: RecordKind) -> rusqlite::Result<RecordFields> {
    let emails = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare_cached(
            "SELECT address FROM record_emails WHERE record_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([id], |row| row.get(0))?;
        rows.collect()
    };
    let phones = || -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare_cached(
            "SELECT phone FROM record_phones WHERE record_id = ?1 ORDER BY position",
        )?;
        let rows = stmt.query_map([id], |row| row.get(0))?;
        rows.collect()
    };
    match kind {
        RecordKind::Candidate => {
            let (first_name, last_name, current_title, current_employer) = conn.query_row(
                "SELECT first_name, last_name, current_title, current_employer FROM candidates WHERE record_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            Ok(RecordFields::Candidate {
                first_name,
                last_name,
                emails: emails()?,
                phones: phones()?,
                current_title,
                current_employer,
            })
        }
        RecordKind::Contact => {
            let (first_name, last_name, job_title, client_id, address) = conn.query_row(
                "SELECT first_name, last_name, job_title, client_id, address FROM contacts WHERE record_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
            Ok(RecordFields::Contact {
                first_name,
                last_name,
                emails: emails()?,
                phones: phones()?,
                job_title,
                client_id,
                address,
            })
        }
        RecordKind::Client => conn.query_row(
            "SELECT name, website, phone FROM clients WHERE record_id = ?1",
            [id],
            |r| {
                Ok(RecordFields::Client {
                    name: r.get(0)?,
                    website: r.get(1)?,
                    phone: r.get(2)?,
                })
            },
        ),
        RecordKind::Job => conn.query_row(
            "SELECT title, client_id, primary_contact_id, status FROM job_openings WHERE record_id = ?1",
            [id],
            |r| {
                Ok(RecordFields::Job {
                    title: r.get(0)?,
                    client_id: r.get(1)?,
                    primary_contact_id: r.get(2)?,
                    status: JobStatus::parse(&r.get::<_, String>(3)?),
                })
            },
        ),
    }
}

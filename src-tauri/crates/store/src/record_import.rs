//! Writing imported candidates and contacts, a batch per transaction.
//!
//! candor-core parses and validates the file; this module only decides, row
//! by row and inside the batch's transaction, whether the row is already
//! here (by the import ledger of migration 0007, then by email address among
//! records of the same kind), and otherwise creates the record marked as
//! imported, links its stored mail and notes the row in the ledger. A batch
//! is all or nothing, so a crash leaves whole batches behind and running the
//! import again picks up where it stopped.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::records::{RecordFields, RecordInput, insert_record_in};
use crate::time::now_unix;
use crate::{Store, StoreError};

/// One row of an import, validated and ready to store.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// A candidate or a contact; a contact's `client_id` is set from `company`.
    pub input: RecordInput,
    /// The company a contact works for: the client of that name (ignoring
    /// case), created when there is none yet.
    pub company: Option<String>,
    /// What identifies the row's content in the ledger (made by candor-core).
    pub row_digest: String,
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported {
        record_id: i64,
    },
    /// An address of the row is already on a record of the same kind.
    DuplicateAddress {
        record_id: i64,
        address: String,
    },
    /// The same row was imported before (by an earlier run, perhaps one that
    /// crashed half-way).
    AlreadyImported {
        record_id: i64,
    },
}

/// What one batch did, in the order of its rows.
#[derive(Debug, Clone, Default)]
pub struct ImportBatch {
    pub outcomes: Vec<ImportOutcome>,
    /// Clients created for the `company` of contacts.
    pub clients_created: Vec<String>,
}

impl Store {
    /// Imports `rows` in one transaction, the records owned by the local user
    /// and marked imported (Microsoft 365 sync never sends those). With
    /// `commit` false the transaction is rolled back: a dry run that reports
    /// exactly what a real run would do and leaves nothing behind.
    pub fn import_records(
        &mut self,
        rows: &[ImportRow],
        commit: bool,
    ) -> Result<ImportBatch, StoreError> {
        let owner = self.local_user_id();
        let tx = self.conn.transaction()?;
        let mut batch = ImportBatch::default();
        for row in rows {
            let outcome = import_row(&tx, owner, row, &mut batch.clients_created)?;
            batch.outcomes.push(outcome);
        }
        if commit {
            tx.commit()?;
        }
        // Dropping an uncommitted transaction rolls it back.
        Ok(batch)
    }
}

fn import_row(
    tx: &Transaction<'_>,
    owner: i64,
    row: &ImportRow,
    clients_created: &mut Vec<String>,
) -> rusqlite::Result<ImportOutcome> {
    let kind = row.input.fields.kind();
    let mut ledger = tx.prepare_cached(
        "SELECT record_id FROM record_import_rows WHERE kind = ?1 AND row_digest = ?2",
    )?;
    let seen: Option<i64> = ledger
        .query_row(params![kind.as_str(), row.row_digest], |r| r.get(0))
        .optional()?;
    if let Some(record_id) = seen {
        return Ok(ImportOutcome::AlreadyImported { record_id });
    }
    let mut by_address = tx.prepare_cached(
        "SELECT re.record_id FROM record_emails re JOIN records r ON r.id = re.record_id
         WHERE re.address_normalized = ?1 AND r.kind = ?2
         ORDER BY re.record_id LIMIT 1",
    )?;
    for address in row.input.fields.emails() {
        let existing: Option<i64> = by_address
            .query_row(params![address.to_lowercase(), kind.as_str()], |r| r.get(0))
            .optional()?;
        if let Some(record_id) = existing {
            return Ok(ImportOutcome::DuplicateAddress {
                record_id,
                address: address.clone(),
            });
        }
    }

    let mut input = row.input.clone();
    if let (RecordFields::Contact { client_id, .. }, Some(company)) =
        (&mut input.fields, row.company.as_deref())
    {
        *client_id = Some(client_named(tx, owner, company, clients_created)?);
    }
    let record_id = insert_record_in(tx, owner, &input, true)?;
    tx.execute(
        "INSERT INTO record_import_rows (kind, row_digest, record_id, imported_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![kind.as_str(), row.row_digest, record_id, now_unix()],
    )?;
    Ok(ImportOutcome::Imported { record_id })
}

/// The client called `name` (ignoring case; the oldest when several are),
/// created as an imported record when there is none.
fn client_named(
    tx: &Transaction<'_>,
    owner: i64,
    name: &str,
    clients_created: &mut Vec<String>,
) -> rusqlite::Result<i64> {
    let existing: Option<i64> = tx
        .prepare_cached(
            "SELECT record_id FROM clients WHERE name = ?1 COLLATE NOCASE
             ORDER BY record_id LIMIT 1",
        )?
        .query_row([name], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let input = RecordInput {
        fields: RecordFields::Client {
            name: name.to_owned(),
            website: None,
            phone: None,
        },
        notes: String::new(),
    };
    let id = insert_record_in(tx, owner, &input, true)?;
    clients_created.push(name.to_owned());
    Ok(id)
}

//! Importing old mail: an mbox file or a folder of .eml files, into an
//! account's folder. Every message is stored with its raw source, even one
//! the MIME parser cannot fully read; the same message imported twice is
//! stored once. Conversations are rebuilt at the end.

use std::io::BufReader;
use std::path::Path;

use candor_store::messages::{Inserted, NewMessage};
use serde::Serialize;

use super::Candor;
use super::mail::{NewMessageFrom, rethread};
use crate::ApiError;

/// How an import went, message by message.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub found: u64,
    pub stored: u64,
    /// Already in this account (same raw source).
    pub duplicates: u64,
    /// Stored, but the parser could not read everything (see each message's problems).
    pub stored_with_problems: u64,
    /// Not stored, with the reason.
    pub skipped: Vec<ImportSkip>,
    pub threads: u64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportSkip {
    pub source: String,
    pub reason: String,
}

/// Progress of a long import: messages handled so far, and the total when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub done: u64,
    pub total: Option<u64>,
}

/// Messages stored per transaction.
const IMPORT_CHUNK: usize = 200;

/// The folder imported mail lands in.
const IMPORT_FOLDER: &str = "Imported";

/// Imports every message of an mbox file.
pub fn mbox(
    candor: &Candor,
    account: &str,
    file: &Path,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, ApiError> {
    let reader = std::fs::File::open(file).map_err(|e| {
        ApiError::invalid("file", format!("Could not open {}: {e}.", file.display()))
    })?;
    let messages = candor_mail::mime::mbox_messages(BufReader::new(reader));
    let items = messages.enumerate().map(|(i, m)| {
        let source = format!("{} message {}", file.display(), i + 1);
        (source, m.map_err(|e| e.to_string()))
    });
    import(candor, account, items, None, progress)
}

/// Imports every message of an mbox held in memory (`source` names it in
/// the report).
pub fn mbox_bytes(
    candor: &Candor,
    account: &str,
    source: &str,
    bytes: &[u8],
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, ApiError> {
    let messages = candor_mail::mime::mbox_messages(bytes);
    let items = messages.enumerate().map(|(i, m)| {
        let source = format!("{source} message {}", i + 1);
        (source, m.map_err(|e| e.to_string()))
    });
    import(candor, account, items, None, progress)
}

/// Imports every `.eml` file in a folder (not its subfolders), in name order.
pub fn eml_dir(
    candor: &Candor,
    account: &str,
    dir: &Path,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, ApiError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        ApiError::invalid(
            "dir",
            format!("Could not read the folder {}: {e}.", dir.display()),
        )
    })?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("eml")))
        .collect();
    files.sort();
    let total = files.len() as u64;
    let items = files.into_iter().map(|path| {
        let raw = std::fs::read(&path).map_err(|e| e.to_string());
        (path.display().to_string(), raw)
    });
    import(candor, account, items, Some(total), progress)
}

fn import(
    candor: &Candor,
    account: &str,
    items: impl Iterator<Item = (String, Result<Vec<u8>, String>)>,
    total: Option<u64>,
    progress: &mut dyn FnMut(ImportProgress),
) -> Result<ImportReport, ApiError> {
    let mut store = candor.store();
    let account_id = super::accounts::resolve(&store, account)?;
    let folder_id = store.ensure_folder(account_id, IMPORT_FOLDER, None)?;
    let mut report = ImportReport::default();
    // Stored in chunks, one transaction each (see Store::insert_messages).
    let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
    let mut flush =
        |chunk: &mut Vec<NewMessage>, report: &mut ImportReport| -> Result<(), ApiError> {
            for (message, outcome) in chunk.iter().zip(store.insert_messages(chunk)?) {
                match outcome {
                    Inserted::New(_) => {
                        report.stored += 1;
                        if message.parse_error.is_some() {
                            report.stored_with_problems += 1;
                        }
                    }
                    Inserted::Duplicate(_) => report.duplicates += 1,
                }
            }
            chunk.clear();
            Ok(())
        };
    for (source, raw) in items {
        report.found += 1;
        match raw {
            Err(reason) => report.skipped.push(ImportSkip { source, reason }),
            Ok(raw) if raw.iter().all(u8::is_ascii_whitespace) => report.skipped.push(ImportSkip {
                source,
                reason: "the message is empty".into(),
            }),
            Ok(raw) => {
                chunk.push(NewMessageFrom::raw(account_id, folder_id, raw).into_new_message());
                if chunk.len() == IMPORT_CHUNK {
                    flush(&mut chunk, &mut report)?;
                }
            }
        }
        progress(ImportProgress {
            done: report.found,
            total,
        });
    }
    flush(&mut chunk, &mut report)?;
    report.threads = rethread(&mut store)? as u64;
    Ok(report)
}

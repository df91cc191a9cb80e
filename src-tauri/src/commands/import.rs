//! Importing candidates and contacts from a CSV or vCard file chosen on the
//! import page: the file's columns for the mapping form, a dry run to
//! preview, and the import itself with its progress over a channel, which
//! the page can stop. The work (decoding, checking every row, storing in
//! batches) runs on a blocking thread, off the async runtime's workers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use base64::Engine as _;
use candor_core::api::Candor;
use candor_core::api::record_import::{
    self, ColumnMapping, CsvOptions, ImportField, RecordImportProgress, RecordImportReport,
    VcardOptions,
};
use candor_core::{ApiError, ErrorCode, RecordKind};
use serde::Deserialize;
use specta::Type;
use tauri::State;
use tauri::ipc::Channel;

use crate::state::AppState;

/// The largest file an import takes, in bytes: some 100,000 rows of a
/// typical export, while the file crosses the IPC bridge whole in Base64.
const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The stop flag of the import running now (one window, one import page).
static RUNNING: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);

/// What kind of file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Vcard,
}

impl ImportFormat {
    /// By the file's name: .vcf and .vcard are vCard, anything else CSV (a
    /// spreadsheet export may end in .txt or .tsv).
    fn of_name(name: &str) -> Self {
        let name = name.to_lowercase();
        if name.ends_with(".vcf") || name.ends_with(".vcard") {
            Self::Vcard
        } else {
            Self::Csv
        }
    }
}

/// A file the user chose, its contents in Base64 (the web view has the
/// file's bytes, not its path).
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ImportFile {
    pub name: String,
    pub base64: String,
}

impl ImportFile {
    fn bytes(&self) -> Result<Vec<u8>, ApiError> {
        // Base64 takes 4 characters for 3 bytes: refuse before decoding.
        if self.base64.len() / 4 * 3 > MAX_IMPORT_BYTES + 3 {
            return Err(too_large(&self.name));
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(self.base64.as_bytes())
            .map_err(|_| {
                ApiError::invalid(
                    "file",
                    format!("The file {} could not be read. Choose it again.", self.name),
                )
            })?;
        if data.len() > MAX_IMPORT_BYTES {
            return Err(too_large(&self.name));
        }
        Ok(data)
    }
}

fn too_large(name: &str) -> ApiError {
    ApiError::invalid(
        "file",
        format!(
            "{name} is larger than 20 MB, more than one import takes. Split it into smaller files and import them one after another."
        ),
    )
}

/// What the import page submits, for a preview or for the import.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ImportRequest {
    pub file: ImportFile,
    /// Candidates or contacts.
    pub kind: RecordKind,
    /// None: by the file's name.
    pub format: Option<ImportFormat>,
    /// CSV only: the field of each column, by its header (a null field: not
    /// imported); columns not listed keep their default field.
    pub mapping: Vec<ColumnMapping>,
    /// An encoding label (utf-8, windows-1250, gbk ...) for a file without a
    /// byte-order mark; UTF-8 when null.
    pub encoding: Option<String>,
}

impl ImportRequest {
    /// The mapping as the core takes it, `COLUMN=FIELD`.
    fn map(&self) -> Vec<String> {
        self.mapping
            .iter()
            .map(|m| {
                let field = m.field.unwrap_or(ImportField::Ignore);
                format!("{}={}", m.column, field.as_str())
            })
            .collect()
    }

    fn run(
        self,
        candor: &Candor,
        dry_run: bool,
        cancel: Option<Arc<AtomicBool>>,
        progress: &mut dyn FnMut(RecordImportProgress),
    ) -> Result<RecordImportReport, ApiError> {
        let bytes = self.file.bytes()?;
        let format = self
            .format
            .unwrap_or_else(|| ImportFormat::of_name(&self.file.name));
        match format {
            ImportFormat::Csv => {
                let options = CsvOptions {
                    kind: self.kind,
                    map: self.map(),
                    encoding: self.encoding,
                    dry_run,
                    cancel,
                };
                record_import::csv_bytes(candor, &self.file.name, &bytes, &options, progress)
            }
            ImportFormat::Vcard => {
                let options = VcardOptions {
                    kind: self.kind,
                    encoding: self.encoding,
                    dry_run,
                    cancel,
                };
                record_import::vcard_bytes(candor, &self.file.name, &bytes, &options, progress)
            }
        }
    }
}

/// The columns of a CSV file with their default fields, for the mapping form.
#[tauri::command]
#[specta::specta]
pub async fn records_import_columns(
    file: ImportFile,
    encoding: Option<String>,
) -> Result<Vec<ColumnMapping>, ApiError> {
    blocking(move || record_import::csv_columns(&file.bytes()?, encoding.as_deref())).await
}

/// What importing the file would do, writing nothing.
#[tauri::command]
#[specta::specta]
pub async fn records_import_preview(
    state: State<'_, AppState>,
    request: ImportRequest,
) -> Result<RecordImportReport, ApiError> {
    let candor = state.candor()?;
    blocking(move || request.run(&candor, true, None, &mut |_| {})).await
}

/// Imports the file, reporting rows done of the total as each batch is stored.
#[tauri::command]
#[specta::specta]
pub async fn records_import(
    state: State<'_, AppState>,
    request: ImportRequest,
    on_progress: Channel<RecordImportProgress>,
) -> Result<RecordImportReport, ApiError> {
    let candor = state.candor()?;
    let cancel = Arc::new(AtomicBool::new(false));
    *RUNNING.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&cancel));
    let report = blocking(move || {
        request.run(&candor, false, Some(cancel), &mut |p| {
            // The page may be gone; the import goes on regardless.
            let _ = on_progress.send(p);
        })
    })
    .await;
    *RUNNING.lock().unwrap_or_else(PoisonError::into_inner) = None;
    report
}

/// Stops the running import after the batch being stored (none: nothing to do).
#[tauri::command]
#[specta::specta]
pub async fn records_import_cancel() -> Result<(), ApiError> {
    if let Some(cancel) = &*RUNNING.lock().unwrap_or_else(PoisonError::into_inner) {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| ApiError {
            code: ErrorCode::Storage,
            message: format!(
                "The import stopped unexpectedly ({e}). Try again: rows already imported are not imported twice."
            ),
            field: None,
        })?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> ImportFile {
        ImportFile {
            name: name.into(),
            base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    #[test]
    fn the_format_follows_the_file_name() {
        assert_eq!(ImportFormat::of_name("Contacts.VCF"), ImportFormat::Vcard);
        assert_eq!(ImportFormat::of_name("a.vcard"), ImportFormat::Vcard);
        assert_eq!(ImportFormat::of_name("export.csv"), ImportFormat::Csv);
        assert_eq!(
            ImportFormat::of_name("export.txt"),
            ImportFormat::Csv,
            "spreadsheet exports are CSV whatever they end in"
        );
    }

    #[test]
    fn the_mapping_reaches_the_core_as_column_equals_field() {
        let request = ImportRequest {
            file: file("a.csv", b""),
            kind: RecordKind::Candidate,
            format: None,
            mapping: vec![
                ColumnMapping {
                    column: "Mail = work".into(),
                    field: Some(ImportField::Email),
                },
                ColumnMapping {
                    column: "LinkedIn".into(),
                    field: None,
                },
            ],
            encoding: None,
        };
        assert_eq!(
            request.map(),
            vec!["Mail = work=email", "LinkedIn=ignore"],
            "an unmapped column is ignored explicitly, not left to its default"
        );
    }

    #[test]
    fn files_over_the_cap_are_refused_with_what_to_do() {
        let small = file("small.csv", b"Name,Email\n");
        assert_eq!(small.bytes().expect("small file"), b"Name,Email\n");
        let big = ImportFile {
            name: "huge.csv".into(),
            base64: "A".repeat(MAX_IMPORT_BYTES / 3 * 4 + 8),
        };
        let error = big.bytes().expect_err("too large");
        assert!(
            error.message.contains("20 MB") && error.message.contains("Split"),
            "{}",
            error.message
        );
        let garbled = ImportFile {
            name: "x.csv".into(),
            base64: "not base64!".into(),
        };
        assert_eq!(
            garbled.bytes().expect_err("garbled").field.as_deref(),
            Some("file")
        );
    }
}

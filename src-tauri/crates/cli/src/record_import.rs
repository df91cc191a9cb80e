//! `candor import csv` and `candor import vcard`: candidates and contacts
//! from a file, over `api::record_import`.

use std::io::Write;
use std::path::PathBuf;

use candor_core::api::Candor;
use candor_core::api::record_import::{
    self, CsvOptions, ProblemKind, RecordImportProgress, RecordImportReport, VcardOptions,
};
use candor_core::{ApiError, RecordKind};
use clap::{Args, ValueEnum};

use crate::output;

/// What the rows of the file become.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportKind {
    Candidates,
    Contacts,
}

impl From<ImportKind> for RecordKind {
    fn from(k: ImportKind) -> Self {
        match k {
            ImportKind::Candidates => Self::Candidate,
            ImportKind::Contacts => Self::Contact,
        }
    }
}

#[derive(Debug, Args)]
pub struct CsvArgs {
    /// What each row becomes.
    #[arg(value_enum)]
    kind: ImportKind,
    /// The CSV file (comma, semicolon or tab separated; the first row names the columns).
    file: PathBuf,
    /// Map a column to a field, overriding the default mapping by header
    /// name (repeatable). Fields: first_name, last_name, name, email, phone,
    /// title, company, notes, owner, ignore.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct VcardArgs {
    /// The .vcf file (vCard 2.1, 3.0 or 4.0; one card or many).
    file: PathBuf,
    /// What each card becomes.
    #[arg(long = "as", value_enum, default_value = "contacts")]
    kind: ImportKind,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The file's encoding when it has no byte-order mark and is not UTF-8,
    /// e.g. windows-1250, iso-8859-2, windows-1252, gbk, big5, shift_jis.
    #[arg(long, value_name = "LABEL")]
    encoding: Option<String>,
    /// Check every row and report what would be imported, writing nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn csv(candor: &Candor, args: CsvArgs, json: bool) -> Result<(), ApiError> {
    let options = CsvOptions {
        kind: args.kind.into(),
        map: args.map,
        encoding: args.common.encoding,
        dry_run: args.common.dry_run,
        cancel: None,
    };
    let report = record_import::csv(candor, &args.file, &options, &mut progress(options.dry_run))?;
    print(&report, json);
    Ok(())
}

pub fn vcard(candor: &Candor, args: VcardArgs, json: bool) -> Result<(), ApiError> {
    let options = VcardOptions {
        kind: args.kind.into(),
        encoding: args.common.encoding,
        dry_run: args.common.dry_run,
        cancel: None,
    };
    let report =
        record_import::vcard(candor, &args.file, &options, &mut progress(options.dry_run))?;
    print(&report, json);
    Ok(())
}

/// One stderr line per committed batch, so stdout stays the result.
fn progress(dry_run: bool) -> impl FnMut(RecordImportProgress) {
    move |p| {
        let line = if dry_run {
            format!("checked {} of {} rows...", p.done, p.total)
        } else {
            format!(
                "{} of {} rows done, {} records imported...",
                p.done, p.total, p.imported
            )
        };
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}

fn print(report: &RecordImportReport, json: bool) {
    output::value_or(json, report, || {
        let kinds = match report.kind {
            RecordKind::Candidate => "candidates",
            _ => "contacts",
        };
        let unit = if report.format == "vcard" {
            "card"
        } else {
            "row"
        };
        let mut text = if report.dry_run {
            format!(
                "Dry run, nothing written: {} of {} {unit}s would be imported as {kinds}",
                report.imported, report.rows
            )
        } else {
            format!(
                "Imported {} of {} {unit}s as {kinds}",
                report.imported, report.rows
            )
        };
        text.push_str(&format!(
            " ({}; {} duplicates, {} rejected).",
            report.encoding, report.duplicates, report.rejected
        ));
        if !report.clients_created.is_empty() {
            text.push_str(&format!(
                "\n{}: {}",
                if report.dry_run {
                    "Clients to create"
                } else {
                    "Clients created"
                },
                report.clients_created.join(", ")
            ));
        }
        if !report.columns.is_empty() {
            text.push_str("\nColumns:");
            for c in &report.columns {
                match c.field {
                    Some(field) => {
                        text.push_str(&format!("\n  {} -> {}", c.column, field.as_str()))
                    }
                    None => text.push_str(&format!(
                        "\n  {} -> not imported (--map \"{}=FIELD\" to import it)",
                        c.column, c.column
                    )),
                }
            }
        }
        for p in &report.problems {
            let what = match p.kind {
                ProblemKind::Duplicate => "duplicate",
                ProblemKind::Rejected => "rejected",
            };
            text.push_str(&format!(
                "\n  {unit} {} (line {}) {what}: {}",
                p.row, p.line, p.reason
            ));
        }
        for w in &report.warnings {
            text.push_str(&format!("\nNote: {w}"));
        }
        text
    });
}

//! `candor account`, `candor import`, `candor threads`, `candor thread`,
//! `candor message`, `candor search`.

use std::io::Write;
use std::path::PathBuf;

use candor_core::ApiError;
use candor_core::api::{Candor, accounts, import, search, threads};
use clap::{Args, Subcommand};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account. Today: a local account for imported mail (--local);
    /// IMAP and POP3 accounts come with the sync engine.
    Add(AddAccount),
    /// List the accounts with their status and message counts.
    List,
}

#[derive(Debug, Args)]
pub struct AddAccount {
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: String,
    /// An account that holds imported mail and talks to no server.
    #[arg(long, required = true)]
    local: bool,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import every message of an mbox file.
    Mbox {
        file: PathBuf,
        #[arg(long)]
        account: String,
    },
    /// Import every .eml file in a folder.
    Eml {
        dir: PathBuf,
        #[arg(long)]
        account: String,
    },
}

pub fn account(candor: &Candor, command: AccountCommand, json: bool) -> Result<(), ApiError> {
    match command {
        AccountCommand::Add(add) => {
            let account = accounts::add_local(candor, &add.name, &add.email)?;
            output::value_or(json, &account, || {
                format!(
                    "Added local account \"{}\" <{}>.",
                    account.name, account.email_address
                )
            });
        }
        AccountCommand::List => {
            let list = accounts::list(candor)?;
            output::value_or(json, &list, || {
                if list.is_empty() {
                    return "(no accounts)".into();
                }
                list.iter()
                    .map(|a| {
                        format!(
                            "{:<20} {:<32} {:<6} {:>7} messages  {}",
                            a.name, a.email_address, a.protocol, a.message_count, a.status
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub fn import(candor: &Candor, command: ImportCommand, json: bool) -> Result<(), ApiError> {
    let mut last_shown = 0;
    let mut progress = |p: import::ImportProgress| {
        // Progress goes to stderr, every 500 messages, so stdout stays the result.
        if p.done - last_shown >= 500 {
            last_shown = p.done;
            let total = p.total.map(|t| format!(" of {t}")).unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "imported {}{total} messages...", p.done);
        }
    };
    let report = match command {
        ImportCommand::Mbox { file, account } => {
            import::mbox(candor, &account, &file, &mut progress)?
        }
        ImportCommand::Eml { dir, account } => {
            import::eml_dir(candor, &account, &dir, &mut progress)?
        }
    };
    output::value_or(json, &report, || {
        let mut text = format!(
            "{} found, {} stored ({} with parts that could not be read), {} already here, {} skipped; {} conversations.",
            report.found,
            report.stored,
            report.stored_with_problems,
            report.duplicates,
            report.skipped.len(),
            report.threads
        );
        for skip in &report.skipped {
            text.push_str(&format!("\n  skipped {}: {}", skip.source, skip.reason));
        }
        text
    });
    Ok(())
}

pub fn list_threads(
    candor: &Candor,
    account: Option<&str>,
    folder: Option<&str>,
    limit: u32,
    json: bool,
) -> Result<(), ApiError> {
    let list = threads::list(candor, account, folder, limit)?;
    output::threads(json, &list);
    Ok(())
}

pub fn show_thread(candor: &Candor, id: i64, json: bool) -> Result<(), ApiError> {
    let detail = threads::get(candor, id)?;
    output::value_or(json, &detail, || {
        let mut text = format!(
            "{} ({} messages)\n",
            detail.summary.subject, detail.summary.message_count
        );
        for m in &detail.messages {
            let from = m
                .from_name
                .clone()
                .or_else(|| m.from_address.clone())
                .unwrap_or_default();
            text.push_str(&format!(
                "\n#{}  {}  {}\n",
                m.id,
                output::date(m.sent_at.unwrap_or(m.received_at)),
                from
            ));
            if let Some(body) = &m.text_plain {
                for line in body.lines().take(20) {
                    text.push_str(&format!("    {line}\n"));
                }
            }
        }
        text
    });
    Ok(())
}

pub fn show_message(candor: &Candor, id: i64, raw: bool, json: bool) -> Result<(), ApiError> {
    if raw {
        let bytes = threads::message_raw(candor, id)?;
        let _ = std::io::stdout().write_all(&bytes);
        return Ok(());
    }
    let m = threads::message(candor, id)?;
    output::value_or(json, &m, || {
        let mut text = format!(
            "From:    {}\nTo:      {}\nDate:    {}\nSubject: {}\n",
            match (&m.from_name, &m.from_address) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (None, Some(a)) => a.clone(),
                _ => String::new(),
            },
            m.to.join(", "),
            output::date(m.sent_at.unwrap_or(m.received_at)),
            m.subject
        );
        if !m.attachment_names.is_empty() {
            text.push_str(&format!("Files:   {}\n", m.attachment_names.join(", ")));
        }
        if let Some(problem) = &m.parse_error {
            text.push_str(&format!(
                "Note:    part of this message could not be read ({problem})\n"
            ));
        }
        text.push('\n');
        text.push_str(m.text_plain.as_deref().unwrap_or("(no text)"));
        text
    });
    Ok(())
}

pub fn search(candor: &Candor, query: &str, limit: u32, json: bool) -> Result<(), ApiError> {
    let list = search::search(candor, query, limit)?;
    output::threads(json, &list);
    Ok(())
}

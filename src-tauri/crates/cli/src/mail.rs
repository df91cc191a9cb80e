//! `candor account`, `candor import`, `candor threads`, `candor thread`,
//! `candor message`, `candor search`, `candor mark|move|delete|tasks`,
//! `candor sync`, `candor ledger`.

use std::io::Write;
use std::path::PathBuf;

use candor_core::ApiError;
use candor_core::api::{Candor, accounts, actions, import, search, threads};
use clap::{Args, Subcommand};

use crate::output;

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an IMAP or POP3 account, or a local account for imported mail (--local).
    // Boxed: the many optional flags would make every command value large.
    Add(Box<AddAccount>),
    /// List the accounts with their status and message counts.
    List,
    /// Set the signature added below every message sent from the account
    /// (an empty text removes it).
    SetSignature {
        name: String,
        #[arg(long)]
        text: String,
    },
    /// Disconnect an account: stop syncing and remove its password from the
    /// keyring. Its mail is deleted from this computer (never from the
    /// server) unless --keep-mail keeps it as a local account.
    Remove {
        name: String,
        #[arg(long)]
        keep_mail: bool,
    },
    /// Replace the account's password (or app-specific password) in the keyring.
    SetPassword {
        name: String,
        /// The environment variable holding the new password.
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// Log in to the incoming and outgoing servers and say what is wrong, if anything.
    Test { name: String },
    /// Sign in to Google or Microsoft: prints the page to open, then waits
    /// for the browser to come back to Candor.
    Login {
        name: String,
        /// Seconds to wait for the browser.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
    },
    /// Trust a server certificate (PEM) for this account, after checking its
    /// fingerprint with the provider (`candor account test` shows it).
    TrustCert { name: String, pem_file: PathBuf },
}

#[derive(Debug, Args)]
pub struct AddAccount {
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: String,
    /// An account that holds imported mail and talks to no server.
    #[arg(long, conflicts_with_all = ["imap_host", "pop3_host", "username", "password_env"])]
    local: bool,
    /// Sign in with Google or Microsoft instead of a password (servers
    /// default to Gmail's or Microsoft 365's); then `candor account login NAME`.
    #[arg(long, value_parser = ["google", "microsoft"], conflicts_with_all = ["local", "pop3_host", "password_env"])]
    oauth: Option<String>,
    #[arg(long, conflicts_with = "pop3_host")]
    imap_host: Option<String>,
    #[arg(long, default_value_t = 993)]
    imap_port: u16,
    /// tls (port 993), starttls (port 143), or none (a server on this machine only).
    #[arg(long, default_value = "tls", value_parser = ["tls", "starttls", "none"])]
    imap_security: String,
    #[arg(long)]
    pop3_host: Option<String>,
    #[arg(long, default_value_t = 995)]
    pop3_port: u16,
    /// tls (port 995), starttls (STLS, port 110), or none (a server on this machine only).
    #[arg(long, default_value = "tls", value_parser = ["tls", "starttls", "none"])]
    pop3_security: String,
    /// never (leave mail on the server), after-days:N, or when-deleted-here.
    #[arg(long, default_value = "never")]
    pop3_delete: String,
    /// As the provider wants it (Gmail's `recent:me@gmail.com` works as is).
    #[arg(long)]
    username: Option<String>,
    /// The environment variable holding the password (never a command-line
    /// argument, which other users can see in the process list).
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// A PEM file with the server certificate to trust for this account
    /// (for servers with their own certificate; check its fingerprint first).
    #[arg(long, value_name = "PEM_FILE")]
    trust_cert: Option<PathBuf>,
    /// The outgoing (SMTP) server; it takes the same user name and password.
    #[arg(long)]
    smtp_host: Option<String>,
    #[arg(long, default_value_t = 465)]
    smtp_port: u16,
    /// tls (port 465), starttls (port 587), or none (a server on this machine only).
    #[arg(long, default_value = "tls", value_parser = ["tls", "starttls", "none"])]
    smtp_security: String,
}

fn pop3_delete(text: &str) -> Result<accounts::Pop3Delete, ApiError> {
    match text {
        "never" => Ok(accounts::Pop3Delete::Never),
        "when-deleted-here" => Ok(accounts::Pop3Delete::WhenDeletedHere),
        other => other
            .strip_prefix("after-days:")
            .and_then(|n| n.parse().ok())
            .map(accounts::Pop3Delete::AfterDays)
            .ok_or_else(|| {
                ApiError::invalid(
                    "pop3_delete",
                    "Use never, after-days:N or when-deleted-here.",
                )
            }),
    }
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
    /// Import candidates or contacts from a CSV file, columns mapped by
    /// their headers (override with --map); duplicates by address are skipped.
    Csv(crate::record_import::CsvArgs),
    /// Import contacts (or, with --as, candidates) from a vCard file.
    Vcard(crate::record_import::VcardArgs),
}

pub fn account(candor: &Candor, command: AccountCommand, json: bool) -> Result<(), ApiError> {
    match command {
        AccountCommand::Add(add) => {
            let add = *add;
            let account = if add.local {
                accounts::add_local(candor, &add.name, &add.email)?
            } else if let Some(provider) = add.oauth.as_deref() {
                crate::account::add_oauth(
                    candor,
                    provider,
                    crate::account::OAuthAdd {
                        name: add.name,
                        email: add.email,
                        username: add.username,
                        imap_host: add.imap_host,
                        imap_port: add.imap_port,
                        imap_security: add.imap_security,
                        smtp_host: add.smtp_host,
                        smtp_port: add.smtp_port,
                        smtp_security: add.smtp_security,
                        trust_cert: add.trust_cert,
                    },
                )?
            } else {
                let (protocol, host, port, security) = match (add.imap_host, add.pop3_host) {
                    (Some(host), None) => (
                        accounts::IncomingProtocol::Imap,
                        host,
                        add.imap_port,
                        add.imap_security,
                    ),
                    (None, Some(host)) => (
                        accounts::IncomingProtocol::Pop3,
                        host,
                        add.pop3_port,
                        add.pop3_security,
                    ),
                    _ => {
                        return Err(ApiError::invalid(
                            "imap_host",
                            "Give --imap-host or --pop3-host (or --local for imported mail).",
                        ));
                    }
                };
                let var = add.password_env.ok_or_else(|| {
                    ApiError::invalid(
                        "password_env",
                        "Name the environment variable that holds the password.",
                    )
                })?;
                let password = std::env::var(&var).map_err(|_| {
                    ApiError::invalid(
                        "password_env",
                        format!("The environment variable {var} is not set."),
                    )
                })?;
                let pinned = add
                    .trust_cert
                    .map(|path| {
                        std::fs::read_to_string(&path).map_err(|e| {
                            ApiError::invalid(
                                "trust_cert",
                                format!("Could not read {}: {e}.", path.display()),
                            )
                        })
                    })
                    .transpose()?;
                accounts::add_server(
                    candor,
                    accounts::NewMailAccount {
                        protocol,
                        pop3_delete: pop3_delete(&add.pop3_delete)?,
                        name: add.name,
                        email: add.email,
                        host,
                        port,
                        security,
                        username: add.username.unwrap_or_default(),
                        password: zeroize::Zeroizing::new(password),
                        pinned_certificate_pem: pinned,
                        outgoing: add.smtp_host.map(|host| accounts::OutgoingSettings {
                            host,
                            port: add.smtp_port,
                            security: add.smtp_security,
                        }),
                    },
                )?
            };
            output::value_or(json, &account, || {
                format!(
                    "Added {} account \"{}\" <{}>.",
                    account.protocol, account.name, account.email_address
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
        AccountCommand::SetSignature { name, text } => {
            accounts::set_signature(candor, &name, &text)?;
            let result =
                serde_json::json!({ "account": name.trim(), "signature": !text.trim().is_empty() });
            output::value_or(json, &result, || {
                format!("Saved the signature of \"{}\".", name.trim())
            });
        }
        AccountCommand::SetPassword { name, password_env } => {
            crate::account::set_password(candor, &name, &password_env, json)?;
        }
        AccountCommand::Test { name } => crate::account::test(candor, &name, json)?,
        AccountCommand::Login { name, timeout } => {
            crate::account::login(candor, &name, timeout, json)?;
        }
        AccountCommand::TrustCert { name, pem_file } => {
            crate::account::trust_cert(candor, &name, &pem_file, json)?;
        }
        AccountCommand::Remove { name, keep_mail } => {
            accounts::remove(candor, &name, keep_mail)?;
            let result = serde_json::json!({ "removed": name.trim(), "kept_mail": keep_mail });
            output::value_or(json, &result, || {
                if keep_mail {
                    format!(
                        "Disconnected \"{}\"; its mail stays here as a local account.",
                        name.trim()
                    )
                } else {
                    format!(
                        "Removed \"{}\" and its mail from this computer (the server keeps its copy).",
                        name.trim()
                    )
                }
            });
        }
    }
    Ok(())
}

/// How the user marks messages (`candor mark`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Mark {
    Read,
    Unread,
    Flagged,
    Unflagged,
}

pub fn mark(candor: &Candor, ids: &[i64], how: Mark, json: bool) -> Result<(), ApiError> {
    let (seen, flagged) = match how {
        Mark::Read => (Some(true), None),
        Mark::Unread => (Some(false), None),
        Mark::Flagged => (None, Some(true)),
        Mark::Unflagged => (None, Some(false)),
    };
    let n = actions::mark(candor, ids, seen, flagged)?;
    let result = serde_json::json!({ "changed": n });
    output::value_or(json, &result, || format!("Marked {n} message(s)."));
    Ok(())
}

pub fn move_to(candor: &Candor, ids: &[i64], folder: &str, json: bool) -> Result<(), ApiError> {
    let n = actions::move_to(candor, ids, folder)?;
    let result = serde_json::json!({ "moved": n });
    output::value_or(json, &result, || {
        format!("Moved {n} message(s) to {folder}.")
    });
    Ok(())
}

pub fn delete(candor: &Candor, ids: &[i64], json: bool) -> Result<(), ApiError> {
    let n = actions::delete(candor, ids)?;
    let result = serde_json::json!({ "deleted": n });
    output::value_or(json, &result, || {
        format!("Deleted {n} message(s) (into the Trash where the account has one).")
    });
    Ok(())
}

pub fn tasks(candor: &Candor, account: Option<&str>, json: bool) -> Result<(), ApiError> {
    let list = actions::open_tasks(candor, account)?;
    output::value_or(json, &list, || {
        if list.is_empty() {
            return "Every change has reached the server.".into();
        }
        list.iter()
            .map(|t| {
                format!(
                    "{:<6} {:<12} {:<10} message {:<8} {:<8} {}",
                    t.id,
                    t.account,
                    format!("{:?}", t.kind).to_lowercase(),
                    t.message_id.map_or_else(|| "-".into(), |m| m.to_string()),
                    t.state,
                    t.last_error.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
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
        ImportCommand::Csv(args) => return crate::record_import::csv(candor, args, json),
        ImportCommand::Vcard(args) => return crate::record_import::vcard(candor, args, json),
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
    print_thread(&threads::get(candor, id)?, json);
    Ok(())
}

/// A conversation with the start of each message.
pub fn print_thread(detail: &threads::ThreadDetail, json: bool) {
    output::value_or(json, detail, || {
        let mut text = format!(
            "#{} {} ({} messages)\n",
            detail.summary.id, detail.summary.subject, detail.summary.message_count
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

pub fn sync(candor: &Candor, account: Option<&str>, json: bool) -> Result<(), ApiError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            ApiError::invalid("sync", format!("Could not start the network runtime: {e}."))
        })?;
    let mut progress = |p: candor_core::api::sync::SyncProgress| {
        let _ = writeln!(
            std::io::stderr(),
            "{} / {}: {} of {} new messages",
            p.account,
            p.folder,
            p.fetched,
            p.to_fetch
        );
    };
    let report = runtime.block_on(candor_core::api::sync::sync(candor, account, &mut progress))?;
    output::value_or(json, &report, || {
        report
            .accounts
            .iter()
            .map(|a| match &a.error {
                Some(e) => format!("{}: not synced. {e}", a.account),
                None => {
                    let fetched: u32 = a.folders.iter().map(|f| f.fetched).sum();
                    format!(
                        "{}: synced {} folders, {fetched} new messages.",
                        a.account,
                        a.folders.len()
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    if report.complete() {
        Ok(())
    } else {
        Err(ApiError {
            code: candor_core::ErrorCode::Storage,
            message: "Some accounts did not sync (see above).".into(),
            field: None,
        })
    }
}

pub fn ledger(candor: &Candor, account: Option<&str>, json: bool) -> Result<(), ApiError> {
    let entries = candor_core::api::sync::ledger(candor, account)?;
    output::value_or(json, &entries, || {
        if entries.is_empty() {
            return "(nothing synced yet)".into();
        }
        let mut text = format!(
            "{:<16} {:<20} {:>9} {:>7} {:>8} {:>7} {:>6}",
            "ACCOUNT", "FOLDER", "ON SERVER", "HERE", "FETCHED", "SKIPPED", "FAILED"
        );
        for e in &entries {
            text.push_str(&format!(
                "\n{:<16} {:<20} {:>9} {:>7} {:>8} {:>7} {:>6}",
                e.account, e.folder, e.on_server, e.stored_here, e.fetched, e.skipped, e.failed
            ));
            for p in &e.problems {
                text.push_str(&format!("\n    {p}"));
            }
        }
        text
    });
    Ok(())
}

pub fn watch(candor: &Candor, interval_secs: u64, json: bool) -> Result<(), ApiError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            ApiError::invalid("sync", format!("Could not start the network runtime: {e}."))
        })?;
    let mut report = |event: candor_core::api::sync::WatchEvent<'_>| {
        let candor_core::api::sync::WatchEvent::Finished { report: a, .. } = event else {
            return;
        };
        let line = if json {
            serde_json::to_string(a).unwrap_or_default()
        } else {
            match &a.error {
                Some(e) => format!("{}: not synced, will retry later. {e}", a.account),
                None => {
                    let fetched: u32 = a.folders.iter().map(|f| f.fetched).sum();
                    format!("{}: synced, {fetched} new messages.", a.account)
                }
            }
        };
        // One line per pass, flushed at once, so scripts can follow along.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    let interval = std::time::Duration::from_secs(interval_secs.max(1));
    // Nothing on the command line asks for an early pass; IDLE and the
    // interval drive it.
    let (_never, mut sync_now) = tokio::sync::mpsc::unbounded_channel();
    runtime.block_on(candor_core::api::sync::watch(
        candor,
        interval,
        &mut sync_now,
        &mut report,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ))
}

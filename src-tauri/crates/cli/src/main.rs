//! candor-cli: `candor`, the headless command line over candor-core: the same
//! API the desktop app calls, with human output or `--json` for scripts.
//!
//! Errors go to stderr as one sentence (or a JSON object with `--json`) and
//! exit non-zero. Must not: contain business logic (that belongs in core) or
//! print secrets.

// A command-line tool's output is its interface.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod account;
mod calendar;
mod contacts_sync;
mod mail;
mod output;
mod pipeline;
mod record_import;
mod records;
mod send;

use std::path::PathBuf;
use std::process::ExitCode;

use candor_core::api::{self, Candor};
use candor_core::{ApiError, data_dir};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "candor",
    version,
    about = "Candor, the recruiter's mail client, from the command line"
)]
struct Cli {
    /// Where Candor keeps its encrypted database (default: the platform's app-data folder).
    #[arg(long, global = true, env = data_dir::DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Print results as JSON.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the encrypted database (key in the OS keyring, or CANDOR_PASSPHRASE).
    Init,
    /// Load the demo workspace (a local account with sample recruiting mail,
    /// and the records it belongs to), creating the database if needed.
    Demo,
    /// Candidates, contacts, clients and job openings.
    #[command(subcommand)]
    Record(records::RecordCommand),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Mail accounts.
    #[command(subcommand)]
    Account(mail::AccountCommand),
    /// Import old mail (mbox, .eml) into an account, or candidates and
    /// contacts from CSV or vCard.
    #[command(subcommand)]
    Import(mail::ImportCommand),
    /// Conversations by latest activity.
    Threads {
        #[arg(long)]
        account: Option<String>,
        /// A folder role (inbox, sent, drafts, trash, archive, junk) or name.
        #[arg(long)]
        folder: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Fetch new mail and changes from the servers (exit 0 when every account synced).
    Sync {
        #[arg(long)]
        account: Option<String>,
        /// Keep syncing every account until interrupted (Ctrl-C), backing off on errors.
        #[arg(long, conflicts_with = "account")]
        watch: bool,
        /// Seconds between syncs with --watch.
        #[arg(long, default_value_t = 300, requires = "watch")]
        interval: u64,
    },
    /// Per folder: messages on the server, stored here, skipped and failed, with reasons.
    Ledger {
        #[arg(long)]
        account: Option<String>,
    },
    /// One conversation with its messages.
    Thread { id: i64 },
    /// One message; --raw prints its source exactly as it arrived.
    Message {
        id: i64,
        #[arg(long)]
        raw: bool,
    },
    /// Write and send a message (sent at once unless --at is later; a
    /// message the server cannot take now waits in the outbox).
    Send(Box<send::SendArgs>),
    /// Message templates with merge fields from records.
    #[command(subcommand)]
    Template(send::TemplateCommand),
    /// Messages waiting to go out, sent lately, or refused.
    Outbox {
        #[command(subcommand)]
        action: Option<send::OutboxCommand>,
    },
    /// Split a message (and the replies to it) off its conversation, for good.
    Split { message_id: i64 },
    /// Merge conversations into one, for good.
    Merge {
        #[arg(required = true, num_args = 2..)]
        thread_ids: Vec<i64>,
    },
    /// Mark messages read, unread, flagged or unflagged (here at once; on the
    /// server at the next sync).
    Mark {
        #[arg(value_enum)]
        how: mail::Mark,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Move messages to a folder of their account, by role (inbox, archive,
    /// trash, junk) or name.
    Move {
        #[arg(long = "to")]
        folder: String,
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Delete messages: into the Trash, or for good from the Trash.
    Delete {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Changes waiting for the server, or refused by it.
    Tasks {
        #[arg(long)]
        account: Option<String>,
    },
    /// Calendar and interviews, and their sync with Microsoft 365.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Contacts and their sync with the "Candor Contacts" folder in Microsoft 365.
    #[command(subcommand, name = "contacts-sync")]
    ContactsSync(contacts_sync::ContactsSyncCommand),
    /// Search: words, "phrases", from:, to:, subject:, has:attachment,
    /// before:YYYY-MM-DD, after:YYYY-MM-DD, in:FOLDER.
    Search {
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Integrity check, schema version, and whether the file is encrypted.
    Check,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CANDOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(json, &e);
            ExitCode::FAILURE
        }
    }
}

/// Opens an existing database (commands other than `init` never create one).
fn open(dir: &std::path::Path, unlock: &candor_core::Unlock) -> Result<Candor, ApiError> {
    Candor::open(dir, unlock, false)
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let dir = data_dir::resolve(cli.data_dir)?;
    let unlock = api::unlock_from_env();
    match cli.command {
        Command::Init => {
            let existed = api::database_exists(&dir);
            let candor = Candor::open(&dir, &unlock, true)?;
            let report = api::db::check(&candor)?;
            output::init(cli.json, existed, &report);
            Ok(())
        }
        Command::Demo => {
            let candor = Candor::open(&dir, &unlock, true)?;
            let report = api::demo::load(&candor)?;
            output::value_or(cli.json, &report, || {
                if report.created {
                    format!(
                        "Loaded the demo: account \"{}\" with {} messages, and {} records.",
                        api::demo::DEMO_ACCOUNT,
                        report.messages,
                        report.records
                    )
                } else {
                    "The demo is already loaded.".into()
                }
            });
            Ok(())
        }
        Command::Record(command) => {
            let candor = Candor::open(&dir, &unlock, false)?;
            records::run(&candor, command, cli.json)
        }
        Command::Account(command) => mail::account(&open(&dir, &unlock)?, command, cli.json),
        Command::Import(command) => mail::import(&open(&dir, &unlock)?, command, cli.json),
        Command::Threads {
            account,
            folder,
            limit,
        } => mail::list_threads(
            &open(&dir, &unlock)?,
            account.as_deref(),
            folder.as_deref(),
            limit,
            cli.json,
        ),
        Command::Sync {
            watch: true,
            interval,
            ..
        } => mail::watch(&open(&dir, &unlock)?, interval, cli.json),
        Command::Sync { account, .. } => {
            mail::sync(&open(&dir, &unlock)?, account.as_deref(), cli.json)
        }
        Command::Ledger { account } => {
            mail::ledger(&open(&dir, &unlock)?, account.as_deref(), cli.json)
        }
        Command::Thread { id } => mail::show_thread(&open(&dir, &unlock)?, id, cli.json),
        Command::Message { id, raw } => {
            mail::show_message(&open(&dir, &unlock)?, id, raw, cli.json)
        }
        Command::Send(args) => send::send(&open(&dir, &unlock)?, *args, cli.json),
        Command::Template(command) => send::template(&open(&dir, &unlock)?, command, cli.json),
        Command::Outbox { action } => send::outbox(&open(&dir, &unlock)?, action, cli.json),
        Command::Split { message_id } => {
            let candor = open(&dir, &unlock)?;
            let thread = api::threads::split(&candor, message_id)?;
            mail::print_thread(&thread, cli.json);
            Ok(())
        }
        Command::Merge { thread_ids } => {
            let candor = open(&dir, &unlock)?;
            let thread = api::threads::merge(&candor, &thread_ids)?;
            mail::print_thread(&thread, cli.json);
            Ok(())
        }
        Command::Mark { how, ids } => mail::mark(&open(&dir, &unlock)?, &ids, how, cli.json),
        Command::Move { folder, ids } => {
            mail::move_to(&open(&dir, &unlock)?, &ids, &folder, cli.json)
        }
        Command::Delete { ids } => mail::delete(&open(&dir, &unlock)?, &ids, cli.json),
        Command::Tasks { account } => {
            mail::tasks(&open(&dir, &unlock)?, account.as_deref(), cli.json)
        }
        Command::Search { query, limit } => {
            mail::search(&open(&dir, &unlock)?, &query, limit, cli.json)
        }
        Command::Calendar(command) => calendar::run(&open(&dir, &unlock)?, command, cli.json),
        Command::ContactsSync(command) => {
            contacts_sync::run(&open(&dir, &unlock)?, command, cli.json)
        }
        Command::Db(DbCommand::Check) => {
            let candor = Candor::open(&dir, &unlock, false)?;
            let report = api::db::check(&candor)?;
            output::check(cli.json, &report);
            if report.intact() && report.encrypted {
                Ok(())
            } else {
                Err(ApiError {
                    code: candor_core::ErrorCode::Storage,
                    message: "The database check found problems (listed above).".into(),
                    field: None,
                })
            }
        }
    }
}

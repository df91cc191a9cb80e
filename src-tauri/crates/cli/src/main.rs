//! candor-cli: `candor`, the headless command line over candor-core: the same
//! API the desktop app calls, with human output or `--json` for scripts.
//!
//! Errors go to stderr as one sentence (or a JSON object with `--json`) and
//! exit non-zero. Must not: contain business logic (that belongs in core) or
//! print secrets.

// A command-line tool's output is its interface.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod output;
mod records;

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
    /// Candidates, contacts, clients and job openings.
    #[command(subcommand)]
    Record(records::RecordCommand),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
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
        Command::Record(command) => {
            let candor = Candor::open(&dir, &unlock, false)?;
            records::run(&candor, command, cli.json)
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

//! The harness for Candor's scenario and end-to-end tests: it finds the built
//! binaries, gives each test a throw-away data directory, and starts the real
//! components a test needs (Xvfb, tauri-driver, a private D-Bus session with a
//! Secret Service keyring), stopping them when the guard drops.
//!
//! Binaries are built by the test command before the tests run (`cargo build
//! --workspace`); the harness refuses to guess when they are missing.

// Test support may print progress for whoever reads the test log.
#![allow(clippy::print_stderr, clippy::unwrap_used)]

/// What the doubles leave unescaped in URLs and forms: RFC 3986's
/// unreserved characters.
pub(crate) const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub mod display;
pub mod dovecot;
pub mod driver;
pub mod graph;
pub mod oauth;
pub mod postfix;
pub mod proxy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, Result, bail};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Cargo's target directory (honours CARGO_TARGET_DIR).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The MIME golden corpus (real-world-shaped .eml files).
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("src-tauri/crates/mail/tests/corpus")
}

/// A built binary of the workspace, e.g. `candor` or `candor-app`.
pub fn binary(name: &str) -> Result<PathBuf> {
    let path = target_dir().join("debug").join(name);
    if !path.exists() {
        bail!(
            "{} is not built; run `cargo build --workspace` first (the test command does)",
            path.display()
        );
    }
    Ok(path)
}

/// Where tests keep what a person may want to look at afterwards (screenshots).
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("tests/artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts");
    dir
}

/// A loopback port that was free a moment ago and that no other caller in
/// this test process has been given.
///
/// The kernel may hand the same ephemeral port to two `bind(0)` calls once
/// the first listener is closed, and tests run in parallel threads: without
/// the ledger of ports already handed out, two listeners of one Dovecot (or
/// two servers) could be configured on the same port, which is what made a
/// CI run fail with "duplicate listener". A port taken by another process
/// between this call and the server's bind is still possible; servers that
/// start from these ports retry with new ones when that happens.
pub fn free_port() -> Result<u16> {
    use std::collections::HashSet;
    use std::sync::{Mutex, PoisonError};
    static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    let handed_out = handed_out.get_or_insert_with(HashSet::new);
    for _ in 0..100 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        if handed_out.insert(port) {
            return Ok(port);
        }
    }
    bail!("no free loopback port after 100 tries")
}

/// A program the tests need from the system, with the package that provides it.
pub fn require_program(program: &str, package: &str) -> Result<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    });
    found.with_context(|| {
        format!("`{program}` is not installed; install the Debian package `{package}` (.ci/install does)")
    })
}

/// The `candor` CLI bound to one data directory.
#[derive(Debug)]
pub struct Cli {
    pub data_dir: PathBuf,
    pub envs: Vec<(String, String)>,
}

/// What one CLI run produced.
#[derive(Debug)]
pub struct CliRun {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for CliRun {
    fn from(output: Output) -> Self {
        Self::from_output(output)
    }
}

impl CliRun {
    fn from_output(output: Output) -> Self {
        Self {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The run succeeded; otherwise fail with what it printed.
    pub fn ok(self) -> Self {
        assert_eq!(
            self.status, 0,
            "candor failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Cli {
    /// A CLI on a new directory inside `parent`, keyed by a passphrase so the
    /// test never touches the developer's own keyring.
    pub fn with_passphrase(parent: &Path, passphrase: &str) -> Self {
        Self {
            data_dir: parent.join("candor-data"),
            envs: vec![("CANDOR_PASSPHRASE".into(), passphrase.into())],
        }
    }

    /// A CLI on a new database with a local account "Archive" (the user's
    /// address is tom@agency.example) holding the MIME golden corpus.
    pub fn with_imported_corpus(parent: &Path) -> Self {
        Self::with_imported_eml(parent, &corpus_dir())
    }

    /// A CLI on a new database with a local account "Archive" (the user's
    /// address is tom@agency.example) holding the .eml files of `dir`.
    pub fn with_imported_eml(parent: &Path, dir: &Path) -> Self {
        let cli = Self::with_passphrase(parent, "scenario passphrase");
        cli.run(&["init"]).ok();
        cli.run(&[
            "account",
            "add",
            "--name",
            "Archive",
            "--email",
            "tom@agency.example",
            "--local",
        ])
        .ok();
        cli.run(&[
            "import",
            "eml",
            dir.to_str().expect("utf-8 path"),
            "--account",
            "Archive",
        ])
        .ok();
        cli
    }

    /// Adds a Microsoft 365 account `name` (not yet signed in) whose mail
    /// servers are dead local ports: for tests about Graph, never the
    /// provider's real servers.
    pub fn add_microsoft_account(&self, name: &str, email: &str) {
        let dead = free_port().expect("a free port").to_string();
        self.run(&[
            "account",
            "add",
            "--name",
            name,
            "--email",
            email,
            "--oauth",
            "microsoft",
            "--imap-host",
            "localhost",
            "--imap-port",
            &dead,
            "--smtp-host",
            "localhost",
            "--smtp-port",
            &dead,
        ])
        .ok();
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(binary("candor").unwrap());
        cmd.arg("--data-dir").arg(&self.data_dir);
        cmd.env_remove("CANDOR_PASSPHRASE")
            .env_remove("CANDOR_DATA_DIR");
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> CliRun {
        let output = self.command().args(args).output().expect("run candor");
        CliRun::from_output(output)
    }
}

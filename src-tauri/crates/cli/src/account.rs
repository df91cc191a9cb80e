//! `candor account set-password | test | login | trust-cert`, and
//! `account add --oauth`: thin adapters over candor-core's accounts,
//! connection and oauth APIs.

use std::io::Write;
use std::path::{Path, PathBuf};

use candor_core::api::connection::{ConnectionReport, ServerCheck};
use candor_core::api::{Candor, accounts, connection, oauth};
use candor_core::{ApiError, ErrorCode};

use crate::output;

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError {
            code: ErrorCode::Storage,
            message: format!("Could not start the network runtime: {e}."),
            field: None,
        })
}

fn read_pem(path: &Path) -> Result<String, ApiError> {
    std::fs::read_to_string(path).map_err(|e| {
        ApiError::invalid(
            "trust_cert",
            format!("Could not read {}: {e}.", path.display()),
        )
    })
}

/// The flags of `account add --oauth`.
#[derive(Debug)]
pub struct OAuthAdd {
    pub name: String,
    pub email: String,
    pub username: Option<String>,
    pub imap_host: Option<String>,
    pub imap_port: u16,
    pub imap_security: String,
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_security: String,
    pub trust_cert: Option<PathBuf>,
}

pub fn add_oauth(
    candor: &Candor,
    provider: &str,
    a: OAuthAdd,
) -> Result<accounts::AccountSummary, ApiError> {
    let provider = match provider {
        "google" => oauth::OAuthProvider::Google,
        _ => oauth::OAuthProvider::Microsoft,
    };
    accounts::add_oauth(
        candor,
        accounts::NewOAuthAccount {
            provider,
            name: a.name,
            email: a.email,
            username: a.username,
            imap: a.imap_host.map(|h| (h, a.imap_port, a.imap_security)),
            smtp: a.smtp_host.map(|host| accounts::OutgoingSettings {
                host,
                port: a.smtp_port,
                security: a.smtp_security,
            }),
            pinned_certificate_pem: a.trust_cert.as_deref().map(read_pem).transpose()?,
        },
    )
}

pub fn set_password(candor: &Candor, name: &str, var: &str, json: bool) -> Result<(), ApiError> {
    let password = zeroize::Zeroizing::new(std::env::var(var).map_err(|_| {
        ApiError::invalid(
            "password_env",
            format!("The environment variable {var} is not set."),
        )
    })?);
    accounts::set_password(candor, name, &password)?;
    let result = serde_json::json!({ "account": name.trim(), "password_set": true });
    output::value_or(json, &result, || {
        format!(
            "Saved the new password of \"{}\"; `candor account test {}` checks it.",
            name.trim(),
            name.trim()
        )
    });
    Ok(())
}

fn line(role: &str, check: &ServerCheck) -> String {
    let server = format!("{} {}:{}", check.protocol, check.host, check.port);
    match &check.problem {
        None => format!("{role} ({server}): OK"),
        Some(p) => format!("{role} ({server}): {}", p.message),
    }
}

fn describe(report: &ConnectionReport) -> String {
    let mut lines = vec![line("Incoming", &report.incoming)];
    match &report.outgoing {
        Some(out) => lines.push(line("Outgoing", out)),
        None => lines.push("Outgoing: none (this account does not send)".into()),
    }
    let untrusted = [Some(&report.incoming), report.outgoing.as_ref()]
        .into_iter()
        .flatten()
        .any(|c| {
            c.problem
                .as_ref()
                .is_some_and(|p| p.certificate_pem.is_some())
        });
    if untrusted {
        lines.push(format!(
            "To trust that certificate once your provider confirms the fingerprint: save it as a PEM file and run `candor account trust-cert {} FILE`.",
            report.account
        ));
    }
    lines.join("\n")
}

pub fn test(candor: &Candor, name: &str, json: bool) -> Result<(), ApiError> {
    let report = runtime()?.block_on(connection::test(candor, name))?;
    output::value_or(json, &report, || describe(&report));
    if report.ok() {
        Ok(())
    } else {
        Err(ApiError {
            code: ErrorCode::Storage,
            message: format!(
                "The connection test of \"{}\" failed (see above).",
                report.account
            ),
            field: None,
        })
    }
}

pub fn login(candor: &Candor, name: &str, timeout: u64, json: bool) -> Result<(), ApiError> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let sign_in = oauth::start_sign_in(candor, name).await?;
        let url = sign_in.authorization_url().to_owned();
        // The URL first, alone on stdout, so scripts (and tests) can follow it.
        if json {
            println!("{}", serde_json::json!({ "authorization_url": url }));
        } else {
            println!("{url}");
            let _ = writeln!(
                std::io::stderr(),
                "Open the address above in your browser and sign in; Candor waits for the browser to come back (up to {timeout} s)."
            );
        }
        let _ = std::io::stdout().flush();
        let account = sign_in.account().to_owned();
        oauth::finish_sign_in(candor, sign_in, std::time::Duration::from_secs(timeout)).await?;
        if json {
            println!("{}", serde_json::json!({ "account": account, "signed_in": true }));
        } else {
            println!("Signed in \"{account}\"; `candor sync` fetches its mail.");
        }
        Ok(())
    })
}

pub fn trust_cert(candor: &Candor, name: &str, pem: &Path, json: bool) -> Result<(), ApiError> {
    accounts::trust_certificate(candor, name, &read_pem(pem)?)?;
    let result = serde_json::json!({ "account": name.trim(), "trusted": true });
    output::value_or(json, &result, || {
        format!("\"{}\" now trusts that certificate.", name.trim())
    });
    Ok(())
}

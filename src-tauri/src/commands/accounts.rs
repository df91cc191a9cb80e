//! Adding an account from the setup form, and putting one right from the
//! Email tab's status line: check its
//! servers (what is wrong, in plain words), enter a new password, or trust
//! a server's certificate the user has looked at, or sign in with the
//! provider again. Each fix asks the sync for
//! a pass at once, so the user sees it work.

use candor_core::ApiError;
use candor_core::api::accounts;
use candor_core::api::connection::{self, ConnectionReport};
use candor_core::api::oauth;
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::state::AppState;
use crate::syncer::SyncControl;

/// Logs in to the account's incoming and outgoing servers and reports what
/// failed; fetches and sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn account_test(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionReport, ApiError> {
    connection::test(&*state.candor()?, &name).await
}

/// Saves a new password for the account (in the keyring) and syncs it.
#[tauri::command]
#[specta::specta]
pub async fn account_set_password(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
    password: String,
) -> Result<(), ApiError> {
    let password = zeroize::Zeroizing::new(password);
    accounts::set_password(&*state.candor()?, &name, &password)?;
    control.sync_now();
    Ok(())
}

/// Trusts this certificate (PEM, as the check reported it) for the
/// account's servers, and syncs it.
#[tauri::command]
#[specta::specta]
pub async fn account_trust_certificate(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
    certificate_pem: String,
) -> Result<(), ApiError> {
    accounts::trust_certificate(&*state.candor()?, &name, &certificate_pem)?;
    control.sync_now();
    Ok(())
}

/// How long the app waits for the user to finish signing in in the browser.
const SIGN_IN_WAIT: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Signs an OAuth account (Google, Microsoft 365) in again: opens the
/// provider's sign-in page in the system browser, waits for its answer on
/// the loopback port, keeps the new tokens in the keyring, and syncs.
#[tauri::command]
#[specta::specta]
pub async fn account_sign_in(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
) -> Result<(), ApiError> {
    let candor = state.candor()?;
    let sign_in = oauth::start_sign_in(&candor, &name).await?;
    open::that_detached(sign_in.authorization_url()).map_err(|e| {
        ApiError::invalid(
            "browser",
            format!("The sign-in page could not be opened in a browser: {e}."),
        )
    })?;
    oauth::finish_sign_in(&candor, sign_in, SIGN_IN_WAIT).await?;
    control.sync_now();
    Ok(())
}

/// Disconnects an account: its password or sign-in leaves the keyring; its
/// mail stays on this computer as a local account (`keep_mail`) or is
/// deleted here (never on the server).
#[tauri::command]
#[specta::specta]
pub async fn account_remove(
    state: State<'_, AppState>,
    name: String,
    keep_mail: bool,
) -> Result<(), ApiError> {
    accounts::remove(&*state.candor()?, &name, keep_mail)
}

/// Sets the signature below every message sent from the account; empty
/// removes it.
#[tauri::command]
#[specta::specta]
pub async fn account_set_signature(
    state: State<'_, AppState>,
    name: String,
    text: String,
) -> Result<(), ApiError> {
    accounts::set_signature(&*state.candor()?, &name, &text)
}

/// When a POP3 account's mail leaves the server.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(tag = "when", rename_all = "snake_case")]
pub enum Pop3DeleteChoice {
    Never,
    AfterDays { days: u32 },
    WhenDeletedHere,
}

/// A server of an account as the setup form has it.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ServerSetup {
    pub host: String,
    pub port: u16,
    /// "tls", "starttls" or "none".
    pub security: String,
}

/// What the account setup form submits.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountSetup {
    /// IMAP or POP3 with a password (or app-specific password); the
    /// outgoing server takes the same user name and password.
    Password {
        name: String,
        email: String,
        /// "imap" or "pop3".
        protocol: String,
        incoming: ServerSetup,
        username: String,
        password: String,
        pop3_delete: Pop3DeleteChoice,
        outgoing: Option<ServerSetup>,
    },
    /// Google or Microsoft 365, signing in with the provider.
    #[serde(rename = "oauth")]
    OAuth {
        /// "google" or "microsoft".
        provider: String,
        name: String,
        email: String,
    },
}

/// Adds an account from the setup form. A password account is checked at
/// once and the check returned (the form shows what to fix: the account
/// stays, so a trusted certificate or new password is all it takes); an
/// OAuth account is signed in through the browser, then synced.
#[tauri::command]
#[specta::specta]
pub async fn account_add(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    setup: AccountSetup,
) -> Result<Option<ConnectionReport>, ApiError> {
    let candor = state.candor()?;
    match setup {
        AccountSetup::Password {
            name,
            email,
            protocol,
            incoming,
            username,
            password,
            pop3_delete,
            outgoing,
        } => {
            let added = accounts::add_server(
                &candor,
                accounts::NewMailAccount {
                    protocol: match protocol.as_str() {
                        "pop3" => accounts::IncomingProtocol::Pop3,
                        _ => accounts::IncomingProtocol::Imap,
                    },
                    pop3_delete: match pop3_delete {
                        Pop3DeleteChoice::Never => accounts::Pop3Delete::Never,
                        Pop3DeleteChoice::AfterDays { days } => {
                            accounts::Pop3Delete::AfterDays(days)
                        }
                        Pop3DeleteChoice::WhenDeletedHere => accounts::Pop3Delete::WhenDeletedHere,
                    },
                    name,
                    email,
                    host: incoming.host,
                    port: incoming.port,
                    security: incoming.security,
                    username,
                    password: zeroize::Zeroizing::new(password),
                    pinned_certificate_pem: None,
                    outgoing: outgoing.map(|o| accounts::OutgoingSettings {
                        host: o.host,
                        port: o.port,
                        security: o.security,
                    }),
                },
            )?;
            let report = connection::test(&candor, &added.name).await?;
            control.sync_now();
            Ok(Some(report))
        }
        AccountSetup::OAuth {
            provider,
            name,
            email,
        } => {
            let provider = match provider.as_str() {
                "google" => oauth::OAuthProvider::Google,
                "microsoft" => oauth::OAuthProvider::Microsoft,
                other => {
                    return Err(ApiError::invalid(
                        "provider",
                        format!("Candor signs in with Google or Microsoft, not \"{other}\"."),
                    ));
                }
            };
            let added = accounts::add_oauth(
                &candor,
                accounts::NewOAuthAccount {
                    provider,
                    name,
                    email,
                    username: None,
                    imap: None,
                    smtp: None,
                    pinned_certificate_pem: None,
                },
            )?;
            let sign_in = oauth::start_sign_in(&candor, &added.name).await?;
            open::that_detached(sign_in.authorization_url()).map_err(|e| {
                ApiError::invalid(
                    "browser",
                    format!("The sign-in page could not be opened in a browser: {e}."),
                )
            })?;
            oauth::finish_sign_in(&candor, sign_in, SIGN_IN_WAIT).await?;
            control.sync_now();
            Ok(None)
        }
    }
}

//! Signing in with Google or Microsoft (OAuth 2.0) for mail accounts: the
//! interactive sign-in, and access tokens for IMAP/SMTP kept fresh.
//!
//! The protocol (PKCE, the loopback redirect, token requests, provider
//! rules) is candor-graph's `oauth`; this module decides what is kept and
//! where: the refresh token and the current access token per resource live,
//! as one JSON value, where passwords live (the OS keyring; in passphrase
//! mode the encrypted database). Every refresh token a provider returns
//! replaces the old one before the new access token is used (Microsoft
//! rotates them); a refresh answer without one keeps the old (Google).
//!
//! When the provider refuses the refresh token (`invalid_grant`: revoked,
//! expired, password changed) the account's status becomes `needs_sign_in`
//! with a message saying so; its mail, outbox and pending changes stay as
//! they are until the user signs in again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use candor_graph::oauth::{self as protocol, OAuthError, Provider, ProviderConfig, Resource};
use candor_mail::net::AuthMechanism;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Candor;
use crate::{ApiError, ErrorCode};

/// Access tokens are refreshed when they have less than this left.
const REFRESH_MARGIN_SECS: i64 = 300;

/// How long `sign_in` waits for the browser by default.
pub const SIGN_IN_WAIT: std::time::Duration = std::time::Duration::from_secs(300);

/// The provider of an account's `auth_kind`, None for password accounts.
pub(crate) fn provider_of(auth_kind: &str) -> Option<Provider> {
    match auth_kind {
        "oauth_google" => Some(Provider::Google),
        "oauth_microsoft" => Some(Provider::Microsoft),
        _ => None,
    }
}

pub(crate) fn auth_kind_of(provider: Provider) -> &'static str {
    match provider {
        Provider::Google => "oauth_google",
        Provider::Microsoft => "oauth_microsoft",
    }
}

/// What is kept for an OAuth account.
#[derive(Serialize, Deserialize, Default)]
struct TokenSet {
    refresh_token: Option<String>,
    /// By resource ("mail", "graph").
    #[serde(default)]
    access: HashMap<String, AccessToken>,
}

#[derive(Serialize, Deserialize)]
struct AccessToken {
    token: String,
    expires_at: Option<i64>,
}

impl Drop for TokenSet {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        if let Some(t) = &mut self.refresh_token {
            t.zeroize();
        }
        for a in self.access.values_mut() {
            a.token.zeroize();
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn oauth_error(e: &OAuthError) -> ApiError {
    let code = match e {
        OAuthError::NotConfigured { .. } | OAuthError::BadUrl { .. } => ErrorCode::Invalid,
        _ => ErrorCode::Storage,
    };
    ApiError {
        code,
        message: e.to_string(),
        field: None,
    }
}

/// One refresh at a time per account: two syncs racing would each redeem
/// the same (rotating) refresh token.
fn refresh_lock(account_id: i64) -> Arc<tokio::sync::Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    LOCKS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(account_id)
        .or_default()
        .clone()
}

fn load_set(candor: &Candor, account_id: i64) -> Result<TokenSet, ApiError> {
    let store = candor.store();
    let Some(json) = super::credentials::load_tokens(candor, &store, account_id)? else {
        return Ok(TokenSet::default());
    };
    // A password left in the slot (or anything unreadable) counts as no sign-in.
    Ok(serde_json::from_str(&json).unwrap_or_default())
}

fn save_set(candor: &Candor, account_id: i64, set: &TokenSet) -> Result<(), ApiError> {
    let json = Zeroizing::new(
        serde_json::to_string(set)
            .map_err(|e| ApiError::storage(format!("The sign-in could not be saved ({e}).")))?,
    );
    let mut store = candor.store();
    super::credentials::save_tokens(candor, &mut store, account_id, &json)
}

/// The account's name and provider; an error for password accounts.
fn oauth_account(candor: &Candor, account_id: i64) -> Result<(String, Provider), ApiError> {
    let store = candor.store();
    let name = store
        .incoming_server(account_id)?
        .map(|s| s.name)
        .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist.")))?;
    let kind = store.auth_kind(account_id)?.unwrap_or_default();
    let provider = provider_of(&kind).ok_or_else(|| {
        ApiError::invalid(
            "name",
            format!("\"{name}\" signs in with a password, not with Google or Microsoft."),
        )
    })?;
    Ok((name, provider))
}

fn needs_sign_in_message(name: &str, provider: Provider, why: &str) -> String {
    format!(
        "{why} Sign in to {} again to resume syncing \"{name}\" (`candor account login {name}`); nothing here was lost.",
        provider.label()
    )
}

/// Marks the account as needing a sign-in, with the reason.
fn mark_needs_sign_in(candor: &Candor, account_id: i64, message: &str) -> Result<(), ApiError> {
    candor
        .store()
        .set_account_status(account_id, "needs_sign_in", Some(message), false)?;
    Ok(())
}

/// An access token for `resource`, refreshed first when it expires within
/// five minutes (or at once with `force`, after a server refused it).
/// A refused refresh token turns the account to `needs_sign_in`.
pub(crate) async fn access_token(
    candor: &Candor,
    account_id: i64,
    resource: Resource,
    force: bool,
) -> Result<Zeroizing<String>, ApiError> {
    let (name, provider) = oauth_account(candor, account_id)?;
    let lock = refresh_lock(account_id);
    let _one_refresh = lock.lock().await;
    let mut set = load_set(candor, account_id)?;
    if !force
        && let Some(current) = set.access.get(resource.key())
        && current
            .expires_at
            .is_none_or(|at| at - now() > REFRESH_MARGIN_SECS)
    {
        return Ok(Zeroizing::new(current.token.clone()));
    }
    let Some(refresh_token) = set.refresh_token.clone().map(Zeroizing::new) else {
        let message = needs_sign_in_message(&name, provider, "This account has not signed in yet.");
        mark_needs_sign_in(candor, account_id, &message)?;
        return Err(ApiError {
            code: ErrorCode::NotFound,
            message,
            field: None,
        });
    };
    let config = ProviderConfig::from_env(provider).map_err(|e| oauth_error(&e))?;
    match protocol::refresh(&config, &refresh_token, resource).await {
        Ok(tokens) => {
            if let Some(rotated) = &tokens.refresh_token {
                set.refresh_token = Some(rotated.to_string());
            }
            set.access.insert(
                resource.key().to_owned(),
                AccessToken {
                    token: tokens.access_token.to_string(),
                    expires_at: tokens.expires_at,
                },
            );
            // Saved before use: a rotated refresh token must never be lost.
            save_set(candor, account_id, &set)?;
            tracing::info!(account = %name, resource = resource.key(), "access token refreshed");
            Ok(tokens.access_token)
        }
        Err(e @ OAuthError::InvalidGrant { .. }) => {
            // The refresh token is dead: forget it (and its access tokens),
            // keep everything else.
            set.refresh_token = None;
            set.access.clear();
            save_set(candor, account_id, &set)?;
            let message = needs_sign_in_message(&name, provider, &e.to_string());
            mark_needs_sign_in(candor, account_id, &message)?;
            tracing::warn!(account = %name, "the provider refused the refresh token; sign-in needed");
            Err(ApiError {
                code: ErrorCode::NotFound,
                message,
                field: None,
            })
        }
        Err(e) => Err(oauth_error(&e)),
    }
}

/// The secret and mechanism to log in to the account's mail servers with:
/// the password, or a fresh access token for XOAUTH2.
pub(crate) async fn mail_secret(
    candor: &Candor,
    account_id: i64,
    account: &str,
    force_refresh: bool,
) -> Result<(Zeroizing<String>, AuthMechanism), ApiError> {
    let kind = candor.store().auth_kind(account_id)?.unwrap_or_default();
    if provider_of(&kind).is_none() {
        let store = candor.store();
        let password = super::credentials::load(candor, &store, account_id, account)?;
        return Ok((password, AuthMechanism::Password));
    }
    let token = access_token(candor, account_id, Resource::Mail, force_refresh).await?;
    Ok((token, AuthMechanism::XOAuth2))
}

/// Whether the account signs in with OAuth.
pub(crate) fn is_oauth(candor: &Candor, account_id: i64) -> Result<bool, ApiError> {
    Ok(provider_of(&candor.store().auth_kind(account_id)?.unwrap_or_default()).is_some())
}

/// A sign-in waiting for the browser.
#[derive(Debug)]
pub struct SignIn {
    account_id: i64,
    account: String,
    pending: protocol::PendingSignIn,
}

impl SignIn {
    /// The page to open in the system browser.
    pub fn authorization_url(&self) -> &str {
        self.pending.authorization_url()
    }

    pub fn account(&self) -> &str {
        &self.account
    }
}

/// Starts signing in an OAuth account: listens on a loopback port for the
/// browser's answer and returns the provider's sign-in page to open.
pub async fn start_sign_in(candor: &Candor, name: &str) -> Result<SignIn, ApiError> {
    let (account_id, email) = {
        let store = candor.store();
        let id = super::accounts::resolve(&store, name)?;
        let email = super::accounts::summary(&store, id)?.map(|a| a.email_address);
        (id, email)
    };
    let (account, provider) = oauth_account(candor, account_id)?;
    let config = ProviderConfig::from_env(provider).map_err(|e| oauth_error(&e))?;
    let pending = protocol::PendingSignIn::start(config, email.as_deref())
        .await
        .map_err(|e| oauth_error(&e))?;
    Ok(SignIn {
        account_id,
        account,
        pending,
    })
}

/// Waits for the browser (up to `wait`), redeems the code, and keeps the
/// tokens. The account can sync again afterwards.
pub async fn finish_sign_in(
    candor: &Candor,
    sign_in: SignIn,
    wait: std::time::Duration,
) -> Result<(), ApiError> {
    let SignIn {
        account_id,
        account,
        pending,
    } = sign_in;
    let (_, provider) = oauth_account(candor, account_id)?;
    let tokens = pending.finish(wait).await.map_err(|e| oauth_error(&e))?;
    let Some(refresh_token) = tokens.refresh_token.clone() else {
        return Err(oauth_error(&OAuthError::NoRefreshToken {
            provider: provider.label(),
        }));
    };
    let mut set = TokenSet {
        refresh_token: Some(refresh_token.to_string()),
        access: HashMap::new(),
    };
    // Microsoft's code answer is a token for the first resource asked for;
    // per-resource tokens are taken by refresh. Google's covers mail.
    if provider == Provider::Google {
        set.access.insert(
            Resource::Mail.key().to_owned(),
            AccessToken {
                token: tokens.access_token.to_string(),
                expires_at: tokens.expires_at,
            },
        );
    }
    let lock = refresh_lock(account_id);
    let _one_refresh = lock.lock().await;
    save_set(candor, account_id, &set)?;
    candor
        .store()
        .set_account_status(account_id, "new", None, false)?;
    tracing::info!(account = %account, provider = provider.label(), "signed in");
    Ok(())
}

/// Server settings a provider's mail accounts use.
#[derive(Debug, Clone)]
pub struct ProviderServers {
    pub imap_host: String,
    pub imap_port: u16,
    pub imap_security: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: String,
}

/// Gmail's and Microsoft 365's IMAP and SMTP servers.
pub fn preset_servers(provider: Provider) -> ProviderServers {
    match provider {
        Provider::Google => ProviderServers {
            imap_host: "imap.gmail.com".into(),
            imap_port: 993,
            imap_security: "tls".into(),
            smtp_host: "smtp.gmail.com".into(),
            smtp_port: 465,
            smtp_security: "tls".into(),
        },
        Provider::Microsoft => ProviderServers {
            imap_host: "outlook.office365.com".into(),
            imap_port: 993,
            imap_security: "tls".into(),
            smtp_host: "smtp.office365.com".into(),
            smtp_port: 587,
            smtp_security: "starttls".into(),
        },
    }
}

pub use candor_graph::oauth::Provider as OAuthProvider;

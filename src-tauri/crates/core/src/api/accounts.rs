//! Mail accounts: local accounts (imported mail), IMAP and POP3 accounts with
//! a password, and accounts that sign in with Google or Microsoft (OAuth,
//! see [`super::oauth`]); changing the password, trusting a server's own
//! certificate, and testing the connection ([`super::connection`]).

use candor_mail::address::parse_address;
use candor_store::Store;
pub use candor_store::accounts::AccountSummary;

use super::Candor;
use crate::ApiError;

/// Creates an account for imported mail (mbox files, folders of .eml files).
pub fn add_local(candor: &Candor, name: &str, email: &str) -> Result<AccountSummary, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "Give the account a name."));
    }
    let email = parse_address(email).map_err(|e| ApiError::invalid("email", format!("{e}.")))?;
    let mut store = candor.store();
    if store.account_id_by_name(name)?.is_some() {
        return Err(ApiError::invalid(
            "name",
            format!("There is already an account named \"{name}\"; choose another name."),
        ));
    }
    let id = store.insert_local_account(name, &email)?;
    summary(&store, id)?
        .ok_or_else(|| ApiError::not_found(format!("Account {id} vanished while being created.")))
}

pub fn list(candor: &Candor) -> Result<Vec<AccountSummary>, ApiError> {
    Ok(candor.reader().list_accounts()?)
}

/// The account `id`, if there is one.
pub(crate) fn summary(store: &Store, id: i64) -> Result<Option<AccountSummary>, ApiError> {
    Ok(store.list_accounts()?.into_iter().find(|a| a.id == id))
}

/// The name of the account `id`, if there is one (`None` for none).
pub(crate) fn name_of(store: &Store, id: Option<i64>) -> Option<String> {
    summary(store, id?).ok().flatten().map(|a| a.name)
}

/// The accounts that can send (those with an outgoing server), in the order
/// [`list`] gives.
pub fn list_sending(candor: &Candor) -> Result<Vec<AccountSummary>, ApiError> {
    let store = candor.reader();
    let mut sending = Vec::new();
    for account in store.list_accounts()? {
        if store.outgoing_server(account.id)?.is_some() {
            sending.push(account);
        }
    }
    Ok(sending)
}

/// Disconnects an account: it stops syncing and its password leaves the
/// keyring. With `keep_mail` its mail stays, as a local account of the same
/// name; without, the account's mail is deleted from this computer (never
/// from the server).
pub fn remove(candor: &Candor, name: &str, keep_mail: bool) -> Result<(), ApiError> {
    let mut store = candor.store();
    let id = resolve(&store, name)?;
    let protocol = store
        .incoming_server(id)?
        .map(|s| s.protocol)
        .unwrap_or_default();
    if protocol != "local" {
        super::credentials::forget(candor, &store, id)?;
    }
    store.remove_account(id, keep_mail)?;
    if !keep_mail {
        super::mail::rethread(&mut store)?;
    }
    Ok(())
}

/// Sets the signature added below every message sent from the account
/// (above a quoted original); an empty text removes it.
pub fn set_signature(candor: &Candor, name: &str, text: &str) -> Result<(), ApiError> {
    let mut store = candor.store();
    let id = resolve(&store, name)?;
    let text = text.trim_end();
    store.set_signature(id, (!text.trim().is_empty()).then_some(text))?;
    Ok(())
}

/// The id of the account called `name`, or an error that says how to find names.
pub(crate) fn resolve(store: &Store, name: &str) -> Result<i64, ApiError> {
    store.account_id_by_name(name.trim())?.ok_or_else(|| {
        ApiError::not_found(format!(
            "There is no account named \"{}\"; `candor account list` shows the accounts.",
            name.trim()
        ))
    })
}

/// The incoming protocol of a server account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomingProtocol {
    Imap,
    Pop3,
}

/// When POP3 mail is deleted from the server (leaving it is the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pop3Delete {
    #[default]
    Never,
    AfterDays(u32),
    WhenDeletedHere,
}

/// A server account as the user enters it.
#[derive(Debug, Clone)]
pub struct NewMailAccount {
    pub protocol: IncomingProtocol,
    pub pop3_delete: Pop3Delete,
    pub name: String,
    pub email: String,
    pub host: String,
    pub port: u16,
    /// "tls", "starttls" or "none" (none only for servers on this machine).
    pub security: String,
    pub username: String,
    pub password: zeroize::Zeroizing<String>,
    /// A server certificate the user decided to trust for this account.
    pub pinned_certificate_pem: Option<String>,
    /// The SMTP server, which takes the same user name and password.
    pub outgoing: Option<OutgoingSettings>,
}

/// Where an account sends from.
#[derive(Debug, Clone)]
pub struct OutgoingSettings {
    pub host: String,
    pub port: u16,
    /// "tls", "starttls" or "none" (none only for servers on this machine).
    pub security: String,
}

/// Adds an IMAP or POP3 account; its password goes where the database key
/// lives (the OS keyring, or in passphrase mode the encrypted database).
pub fn add_server(candor: &Candor, a: NewMailAccount) -> Result<AccountSummary, ApiError> {
    let (host_field, security_field) = match a.protocol {
        IncomingProtocol::Imap => ("imap_host", "imap_security"),
        IncomingProtocol::Pop3 => ("pop3_host", "pop3_security"),
    };
    let name = a.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "Give the account a name."));
    }
    let email = parse_address(&a.email).map_err(|e| ApiError::invalid("email", format!("{e}.")))?;
    if a.host.trim().is_empty() {
        return Err(ApiError::invalid(
            host_field,
            "Enter the incoming server's name.",
        ));
    }
    if !matches!(a.security.as_str(), "tls" | "starttls" | "none") {
        return Err(ApiError::invalid(
            security_field,
            "Security is tls, starttls or none.",
        ));
    }
    if let Pop3Delete::AfterDays(0) = a.pop3_delete {
        return Err(ApiError::invalid(
            "pop3_delete",
            "Keep mail on the server for at least one day (after-days:1 or more).",
        ));
    }
    if a.security == "none" && !is_loopback(&a.host) {
        return Err(ApiError::invalid(
            security_field,
            "Without TLS your password would cross the network in clear; use tls or starttls (none is only for a server on this machine).",
        ));
    }
    if a.username.trim().is_empty() {
        return Err(ApiError::invalid(
            "username",
            "Enter the user name for the server.",
        ));
    }
    if a.password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            "Enter the password (or app-specific password).",
        ));
    }
    if let Some(out) = &a.outgoing {
        if out.host.trim().is_empty() {
            return Err(ApiError::invalid(
                "smtp_host",
                "Enter the outgoing server's name.",
            ));
        }
        if !matches!(out.security.as_str(), "tls" | "starttls" | "none") {
            return Err(ApiError::invalid(
                "smtp_security",
                "Security is tls, starttls or none.",
            ));
        }
        if out.security == "none" && !is_loopback(&out.host) {
            return Err(ApiError::invalid(
                "smtp_security",
                "Without TLS your password would cross the network in clear; use tls or starttls (none is only for a server on this machine).",
            ));
        }
    }
    let mut store = candor.store();
    if store.account_id_by_name(name)?.is_some() {
        return Err(ApiError::invalid(
            "name",
            format!("There is already an account named \"{name}\"; choose another name."),
        ));
    }
    let id = store.insert_server_account(&candor_store::accounts::NewServerAccount {
        name: name.to_owned(),
        email,
        protocol: match a.protocol {
            IncomingProtocol::Imap => "imap".into(),
            IncomingProtocol::Pop3 => "pop3".into(),
        },
        host: a.host.trim().to_owned(),
        port: a.port,
        security: a.security.clone(),
        username: a.username.trim().to_owned(),
        pinned_certificate_pem: a.pinned_certificate_pem.clone(),
        pop3_delete_after_days: match a.pop3_delete {
            Pop3Delete::AfterDays(n) => Some(n),
            _ => None,
        },
        pop3_delete_when_deleted_here: a.pop3_delete == Pop3Delete::WhenDeletedHere,
        outgoing: a
            .outgoing
            .as_ref()
            .map(|o| (o.host.trim().to_owned(), o.port, o.security.clone())),
    })?;
    super::credentials::save(candor, &mut store, id, &a.password)?;
    store
        .list_accounts()?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Account {id} vanished while being created.")))
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Replaces the account's password (or app-specific password) where it
/// lives. An account stopped for a refused password is free to sync again.
pub fn set_password(candor: &Candor, name: &str, password: &str) -> Result<(), ApiError> {
    if password.is_empty() {
        return Err(ApiError::invalid(
            "password",
            "Enter the password (or app-specific password).",
        ));
    }
    let mut store = candor.store();
    let id = resolve(&store, name)?;
    let protocol = store
        .incoming_server(id)?
        .map(|s| s.protocol)
        .unwrap_or_default();
    if protocol == "local" {
        return Err(ApiError::invalid(
            "name",
            format!(
                "\"{}\" holds imported mail and has no server, so no password.",
                name.trim()
            ),
        ));
    }
    if super::oauth::provider_of(&store.auth_kind(id)?.unwrap_or_default()).is_some() {
        return Err(ApiError::invalid(
            "name",
            format!(
                "\"{}\" signs in with its provider, not a password; use `candor account login {}`.",
                name.trim(),
                name.trim()
            ),
        ));
    }
    super::credentials::save(candor, &mut store, id, password)?;
    if store.account_status(id)?.as_deref() == Some("needs_password") {
        store.set_account_status(id, "new", None, false)?;
    }
    Ok(())
}

/// Trusts `certificate_pem` (a server certificate the user checked, for
/// example by the fingerprint [`super::connection::test`] showed) for the
/// account's servers, in place of any trusted before.
pub fn trust_certificate(
    candor: &Candor,
    name: &str,
    certificate_pem: &str,
) -> Result<(), ApiError> {
    let mut store = candor.store();
    let id = resolve(&store, name)?;
    if candor_mail::tls::client_config(Some(certificate_pem)).is_err()
        || !certificate_pem.contains("BEGIN CERTIFICATE")
    {
        return Err(ApiError::invalid(
            "certificate",
            "That is not a PEM certificate (-----BEGIN CERTIFICATE-----).",
        ));
    }
    store.set_pinned_certificate(id, Some(certificate_pem))?;
    Ok(())
}

/// An account that signs in with Google or Microsoft. The servers default
/// to the provider's (Gmail, Microsoft 365); the user name to the address.
#[derive(Debug, Clone)]
pub struct NewOAuthAccount {
    pub provider: super::oauth::OAuthProvider,
    pub name: String,
    pub email: String,
    /// The user name for IMAP and SMTP (default: the address).
    pub username: Option<String>,
    /// Other servers than the provider's (tests, or a provider's other region).
    pub imap: Option<(String, u16, String)>,
    pub smtp: Option<OutgoingSettings>,
    pub pinned_certificate_pem: Option<String>,
}

/// Adds an account that signs in with its provider; it syncs once signed
/// in ([`super::oauth::start_sign_in`]).
pub fn add_oauth(candor: &Candor, a: NewOAuthAccount) -> Result<AccountSummary, ApiError> {
    let name = a.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "Give the account a name."));
    }
    let email = parse_address(&a.email).map_err(|e| ApiError::invalid("email", format!("{e}.")))?;
    let preset = super::oauth::preset_servers(a.provider);
    let (host, port, security) =
        a.imap
            .clone()
            .unwrap_or((preset.imap_host, preset.imap_port, preset.imap_security));
    let outgoing = a.smtp.clone().unwrap_or(OutgoingSettings {
        host: preset.smtp_host,
        port: preset.smtp_port,
        security: preset.smtp_security,
    });
    for (field, sec, h) in [
        ("imap_security", &security, &host),
        ("smtp_security", &outgoing.security, &outgoing.host),
    ] {
        if !matches!(sec.as_str(), "tls" | "starttls" | "none") {
            return Err(ApiError::invalid(
                field,
                "Security is tls, starttls or none.",
            ));
        }
        if sec == "none" && !is_loopback(h) {
            return Err(ApiError::invalid(
                field,
                "Without TLS your sign-in would cross the network in clear; use tls or starttls.",
            ));
        }
    }
    let mut store = candor.store();
    if store.account_id_by_name(name)?.is_some() {
        return Err(ApiError::invalid(
            "name",
            format!("There is already an account named \"{name}\"; choose another name."),
        ));
    }
    let username = a
        .username
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(&email)
        .to_owned();
    let id = store.insert_oauth_account(
        &candor_store::accounts::NewServerAccount {
            name: name.to_owned(),
            email: email.clone(),
            protocol: "imap".into(),
            host: host.trim().to_owned(),
            port,
            security,
            username,
            pinned_certificate_pem: a.pinned_certificate_pem,
            pop3_delete_after_days: None,
            pop3_delete_when_deleted_here: false,
            outgoing: Some((
                outgoing.host.trim().to_owned(),
                outgoing.port,
                outgoing.security,
            )),
        },
        super::oauth::auth_kind_of(a.provider),
    )?;
    store
        .list_accounts()?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Account {id} vanished while being created.")))
}

//! "Test connection": log in to an account's incoming server (IMAP or POP3)
//! and its outgoing server (SMTP), and say in plain words what is wrong:
//! the password refused, the server unreachable, its certificate not
//! trusted (with its SHA-256 fingerprint, and the certificate so the user
//! can choose to trust it), or a sign-in needed. Nothing is fetched or sent,
//! and the account's status is left as it is.

use candor_mail::imap::{ImapError, ImapSession};
use candor_mail::net::{NetError, Security, ServerLogin};
use candor_mail::pop3::{Pop3Error, Pop3Session};
use candor_mail::smtp::{SmtpError, SmtpSession};
use serde::Serialize;

use super::Candor;
use crate::ApiError;

/// What kind of problem a check found, for code (the UI picks the remedy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionProblemKind {
    /// The server refused the user name or password.
    WrongPassword,
    /// The provider's sign-in is missing, expired or was refused.
    SignInNeeded,
    /// No password is saved for the account.
    NoPassword,
    /// The server could not be reached (name, port, network).
    Unreachable,
    /// The server's certificate is not trusted; `fingerprint` says which.
    UntrustedCertificate,
    /// TLS failed for another reason, or STARTTLS is not offered.
    Tls,
    /// The server did not answer in time.
    Timeout,
    /// The server answered something unexpected.
    Protocol,
}

/// One failed check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionProblem {
    pub kind: ConnectionProblemKind,
    /// One or two sentences: what happened and what to do.
    pub message: String,
    /// The SHA-256 fingerprint of an untrusted certificate (`AB:CD:...`).
    pub fingerprint: Option<String>,
    /// That certificate (PEM), to trust it if the user decides to.
    pub certificate_pem: Option<String>,
}

/// One server's check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServerCheck {
    /// "imap", "pop3" or "smtp".
    pub protocol: String,
    pub host: String,
    pub port: u16,
    pub ok: bool,
    pub problem: Option<ConnectionProblem>,
}

/// Both checks of an account.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionReport {
    pub account: String,
    pub incoming: ServerCheck,
    /// None when the account does not send.
    pub outgoing: Option<ServerCheck>,
}

impl ConnectionReport {
    pub fn ok(&self) -> bool {
        self.incoming.ok && self.outgoing.as_ref().is_none_or(|o| o.ok)
    }
}

fn security(text: Option<&str>) -> Security {
    match text {
        Some("starttls") => Security::StartTls,
        Some("none") => Security::None,
        _ => Security::Tls,
    }
}

fn problem(kind: ConnectionProblemKind, message: String) -> ConnectionProblem {
    ConnectionProblem {
        kind,
        message,
        fingerprint: None,
        certificate_pem: None,
    }
}

fn from_net(e: &NetError) -> ConnectionProblem {
    match e {
        NetError::Unreachable { .. } => problem(ConnectionProblemKind::Unreachable, e.to_string()),
        NetError::UntrustedCertificate {
            fingerprint,
            certificate_pem,
            ..
        } => ConnectionProblem {
            kind: ConnectionProblemKind::UntrustedCertificate,
            message: e.to_string(),
            fingerprint: Some(fingerprint.clone()),
            certificate_pem: Some(certificate_pem.clone()),
        },
        NetError::Tls { .. } => problem(ConnectionProblemKind::Tls, e.to_string()),
        NetError::Timeout(_) => problem(ConnectionProblemKind::Timeout, e.to_string()),
        NetError::ConnectionLost { .. } => {
            problem(ConnectionProblemKind::Unreachable, e.to_string())
        }
    }
}

fn from_imap(e: &ImapError) -> ConnectionProblem {
    match e {
        ImapError::Net(n) => from_net(n),
        ImapError::AuthenticationFailed { .. } => {
            problem(ConnectionProblemKind::WrongPassword, e.to_string())
        }
        ImapError::TokenRejected { .. } | ImapError::TokenExpired { .. } => {
            problem(ConnectionProblemKind::SignInNeeded, e.to_string())
        }
        ImapError::StartTlsUnavailable => problem(ConnectionProblemKind::Tls, e.to_string()),
        ImapError::Protocol(_) => problem(ConnectionProblemKind::Protocol, e.to_string()),
    }
}

fn from_pop3(e: &Pop3Error) -> ConnectionProblem {
    match e {
        Pop3Error::Net(n) => from_net(n),
        Pop3Error::AuthenticationFailed { .. } => {
            problem(ConnectionProblemKind::WrongPassword, e.to_string())
        }
        _ => problem(ConnectionProblemKind::Protocol, e.to_string()),
    }
}

fn from_smtp(e: &SmtpError) -> ConnectionProblem {
    match e {
        SmtpError::Net(n) => from_net(n),
        SmtpError::AuthenticationFailed { .. } => {
            problem(ConnectionProblemKind::WrongPassword, e.to_string())
        }
        SmtpError::TokenRejected { .. } => {
            problem(ConnectionProblemKind::SignInNeeded, e.to_string())
        }
        SmtpError::StartTlsUnavailable => problem(ConnectionProblemKind::Tls, e.to_string()),
        SmtpError::Rejected { .. } | SmtpError::Temporary { .. } => {
            problem(ConnectionProblemKind::Protocol, e.to_string())
        }
    }
}

fn check(
    protocol: &str,
    login: &ServerLogin,
    result: Result<(), ConnectionProblem>,
) -> ServerCheck {
    ServerCheck {
        protocol: protocol.to_owned(),
        host: login.host.clone(),
        port: login.port,
        ok: result.is_ok(),
        problem: result.err(),
    }
}

/// Logs in to the account's incoming and outgoing servers and reports
/// what each said. An error only when the account does not exist or has no
/// server (a local account).
pub async fn test(candor: &Candor, name: &str) -> Result<ConnectionReport, ApiError> {
    let (id, incoming, outgoing) = {
        let store = candor.store();
        let id = super::accounts::resolve(&store, name)?;
        let incoming = store
            .incoming_server(id)?
            .ok_or_else(|| ApiError::not_found(format!("Account {id} does not exist.")))?;
        (id, incoming, store.outgoing_server(id)?)
    };
    if incoming.protocol == "local" {
        return Err(ApiError::invalid(
            "name",
            format!(
                "\"{}\" holds imported mail and has no server to test.",
                incoming.name
            ),
        ));
    }
    let oauth = super::oauth::is_oauth(candor, id)?;
    let report = run(candor, id, &incoming, outgoing.as_ref(), oauth, false).await?;
    // A token the server refused may only be stale: once more with a fresh one.
    let refused = [Some(&report.incoming), report.outgoing.as_ref()]
        .into_iter()
        .flatten()
        .any(|c| {
            c.problem
                .as_ref()
                .is_some_and(|p| p.kind == ConnectionProblemKind::SignInNeeded)
        });
    if oauth && refused {
        return run(candor, id, &incoming, outgoing.as_ref(), oauth, true).await;
    }
    Ok(report)
}

async fn run(
    candor: &Candor,
    id: i64,
    incoming: &candor_store::accounts::IncomingServer,
    outgoing: Option<&candor_store::accounts::OutgoingServer>,
    oauth: bool,
    force_refresh: bool,
) -> Result<ConnectionReport, ApiError> {
    let secret = super::oauth::mail_secret(candor, id, &incoming.name, force_refresh).await;
    let (password, mechanism) = match &secret {
        Ok((p, m)) => (p.clone(), *m),
        Err(_) => (zeroize::Zeroizing::new(String::new()), Default::default()),
    };
    let secret_problem = secret.as_ref().err().map(|e| {
        let kind = if oauth {
            ConnectionProblemKind::SignInNeeded
        } else {
            ConnectionProblemKind::NoPassword
        };
        problem(kind, e.message.clone())
    });
    let in_login = ServerLogin {
        host: incoming.host.clone().unwrap_or_default(),
        port: incoming.port.unwrap_or(993),
        security: security(incoming.security.as_deref()),
        username: incoming.username.clone().unwrap_or_default(),
        password: password.clone(),
        pinned_certificate_pem: incoming.pinned_certificate_pem.clone(),
        mechanism,
    };
    let in_result = match &secret_problem {
        Some(p) => Err(p.clone()),
        None if incoming.protocol == "pop3" => match Pop3Session::connect(&in_login).await {
            Ok(session) => {
                let _ = session.quit().await;
                Ok(())
            }
            Err(e) => Err(from_pop3(&e)),
        },
        None => match ImapSession::connect(&in_login).await {
            Ok(session) => {
                let _ = session.logout().await;
                Ok(())
            }
            Err(e) => Err(from_imap(&e)),
        },
    };
    let incoming_check = check(&incoming.protocol, &in_login, in_result);

    let outgoing_check = match outgoing {
        None => None,
        Some(server) => {
            let login = ServerLogin {
                host: server.host.clone(),
                port: server.port,
                security: security(Some(&server.security)),
                username: server.username.clone(),
                password,
                pinned_certificate_pem: server.pinned_certificate_pem.clone(),
                mechanism,
            };
            let hello = server
                .email_address
                .rsplit_once('@')
                .map_or("localhost", |(_, domain)| domain)
                .to_owned();
            let result = match &secret_problem {
                Some(p) => Err(p.clone()),
                None => match SmtpSession::connect(&login, &hello).await {
                    Ok(session) => {
                        session.quit().await;
                        Ok(())
                    }
                    Err(e) => Err(from_smtp(&e)),
                },
            };
            Some(check("smtp", &login, result))
        }
    };
    Ok(ConnectionReport {
        account: incoming.name.clone(),
        incoming: incoming_check,
        outgoing: outgoing_check,
    })
}

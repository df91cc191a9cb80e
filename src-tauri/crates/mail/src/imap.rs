//! An IMAP client over async-imap: implicit TLS, STARTTLS or (for loopback
//! test servers) plain; LOGIN with a password (XOAUTH2 joins with the
//! sign-in issue); SPECIAL-USE folder roles; folder status; fetching whole
//! messages by UID. It reads and writes no database: the sync engine in
//! candor-core decides what to fetch and stores what comes back.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::types::NameAttribute;
use futures::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use zeroize::Zeroizing;

use crate::tls::{self, PresentedCertificate};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 993).
    Tls,
    /// Plain, then STARTTLS before anything else is said (port 143).
    StartTls,
    /// No TLS at all: only for servers on this machine.
    None,
}

/// Where and how to log in.
#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: Zeroizing<String>,
    /// A certificate the user trusted explicitly for this account (PEM).
    pub pinned_certificate_pem: Option<String>,
}

impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// What went wrong, worded for the user, with what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error(
        "Could not reach {host}:{port} ({reason}). Check the server name and port, and the network."
    )]
    Unreachable {
        host: String,
        port: u16,
        reason: String,
    },
    #[error(
        "The certificate of {host} is not trusted ({reason}). Its SHA-256 fingerprint is {fingerprint}; trust it for this account only if your provider confirms that fingerprint."
    )]
    UntrustedCertificate {
        host: String,
        reason: String,
        fingerprint: String,
        /// The presented certificate, to pin if the user decides to trust it.
        certificate_pem: String,
    },
    #[error("A secure connection to {host} could not be set up: {reason}")]
    Tls { host: String, reason: String },
    #[error(
        "The server refused the user name or password ({server_said}). Check them; accounts with two-factor sign-in need an app-specific password."
    )]
    AuthenticationFailed { server_said: String },
    #[error("The server does not offer STARTTLS; choose TLS (usually port 993) instead.")]
    StartTlsUnavailable,
    #[error("The IMAP server answered unexpectedly: {0}")]
    Protocol(String),
    #[error("The IMAP server did not answer within {0} seconds.")]
    Timeout(u64),
}

/// A folder's role, from RFC 6154 SPECIAL-USE attributes (INBOX by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderRole {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Archive,
    Junk,
    All,
    Flagged,
}

impl FolderRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Sent => "sent",
            Self::Drafts => "drafts",
            Self::Trash => "trash",
            Self::Archive => "archive",
            Self::Junk => "junk",
            Self::All => "all",
            Self::Flagged => "flagged",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    pub name: String,
    pub delimiter: Option<String>,
    pub role: Option<FolderRole>,
    pub selectable: bool,
}

/// A selected folder's state (RFC 3501 UIDVALIDITY/UIDNEXT, RFC 7162 HIGHESTMODSEQ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStatus {
    pub exists: u32,
    pub uid_validity: Option<u32>,
    pub uid_next: Option<u32>,
    pub highest_modseq: Option<u64>,
}

/// One fetched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteMessage {
    pub uid: u32,
    pub seen: bool,
    pub flagged: bool,
    pub answered: bool,
    pub draft: bool,
    /// INTERNALDATE as Unix seconds.
    pub internal_date: Option<i64>,
    pub raw: Vec<u8>,
}

const TIMEOUT: Duration = Duration::from_secs(60);

/// Plain TCP or TLS, so one session type serves every security mode.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A logged-in IMAP session.
#[derive(Debug)]
pub struct ImapSession {
    session: async_imap::Session<Stream>,
    capabilities: Capabilities,
}

/// The extensions the sync engine cares about, as the server announced them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub condstore: bool,
    pub qresync: bool,
    pub idle: bool,
}

async fn timed<T>(f: impl std::future::Future<Output = T>) -> Result<T, ImapError> {
    tokio::time::timeout(TIMEOUT, f)
        .await
        .map_err(|_| ImapError::Timeout(TIMEOUT.as_secs()))
}

fn protocol(e: impl std::fmt::Display) -> ImapError {
    ImapError::Protocol(e.to_string())
}

async fn tls_handshake(config: &ImapConfig, tcp: TcpStream) -> Result<Stream, ImapError> {
    let (client_config, presented) = tls::client_config(config.pinned_certificate_pem.as_deref())
        .map_err(|e| ImapError::Tls {
        host: config.host.clone(),
        reason: e.to_string(),
    })?;
    let name = rustls::pki_types::ServerName::try_from(config.host.clone()).map_err(|e| {
        ImapError::Tls {
            host: config.host.clone(),
            reason: e.to_string(),
        }
    })?;
    match timed(TlsConnector::from(client_config).connect(name, tcp)).await? {
        Ok(stream) => Ok(Stream::Tls(Box::new(stream))),
        Err(e) => Err(tls_error(config, &presented, &e)),
    }
}

fn tls_error(
    config: &ImapConfig,
    presented: &PresentedCertificate,
    e: &std::io::Error,
) -> ImapError {
    let certificate_problem = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
    match presented.der() {
        Some(der) if certificate_problem => ImapError::UntrustedCertificate {
            host: config.host.clone(),
            reason: e.to_string(),
            fingerprint: tls::fingerprint_sha256(&der),
            certificate_pem: tls::to_pem(&der),
        },
        _ => ImapError::Tls {
            host: config.host.clone(),
            reason: e.to_string(),
        },
    }
}

async fn greeting(client: &mut async_imap::Client<Stream>) -> Result<(), ImapError> {
    match timed(client.read_response()).await? {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ImapError::Protocol(
            "the server closed the connection without a greeting".into(),
        )),
        Err(e) => Err(protocol(e)),
    }
}

impl ImapSession {
    /// Connects, secures the connection as configured, and logs in.
    pub async fn connect(config: &ImapConfig) -> Result<Self, ImapError> {
        let unreachable = |reason: String| ImapError::Unreachable {
            host: config.host.clone(),
            port: config.port,
            reason,
        };
        let tcp = timed(TcpStream::connect((config.host.as_str(), config.port)))
            .await
            .map_err(|_| unreachable("no answer".into()))?
            .map_err(|e| unreachable(e.to_string()))?;
        let client = match config.security {
            Security::Tls => {
                let mut client = async_imap::Client::new(tls_handshake(config, tcp).await?);
                greeting(&mut client).await?;
                client
            }
            Security::StartTls => {
                let mut plain = async_imap::Client::new(Stream::Plain(tcp));
                greeting(&mut plain).await?;
                timed(plain.run_command_and_check_ok("STARTTLS", None))
                    .await?
                    .map_err(|_| ImapError::StartTlsUnavailable)?;
                let Stream::Plain(tcp) = plain.into_inner() else {
                    return Err(ImapError::Protocol(
                        "connection changed during STARTTLS".into(),
                    ));
                };
                async_imap::Client::new(tls_handshake(config, tcp).await?)
            }
            Security::None => {
                let mut client = async_imap::Client::new(Stream::Plain(tcp));
                greeting(&mut client).await?;
                client
            }
        };
        let session = timed(client.login(&config.username, config.password.as_str()))
            .await?
            .map_err(|(e, _)| match e {
                async_imap::error::Error::No(said) | async_imap::error::Error::Bad(said) => {
                    ImapError::AuthenticationFailed {
                        server_said: said.trim().to_owned(),
                    }
                }
                other => protocol(other),
            })?;
        let mut session = session;
        let announced = timed(session.capabilities()).await?.map_err(protocol)?;
        let capabilities = Capabilities {
            condstore: announced.has_str("CONDSTORE"),
            qresync: announced.has_str("QRESYNC"),
            idle: announced.has_str("IDLE"),
        };
        Ok(Self {
            session,
            capabilities,
        })
    }

    pub fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    /// Every folder, with its role where the server names one.
    pub async fn folders(&mut self) -> Result<Vec<RemoteFolder>, ImapError> {
        let names: Vec<_> = timed(async {
            let stream = self.session.list(Some(""), Some("*")).await?;
            stream.try_collect::<Vec<_>>().await
        })
        .await?
        .map_err(protocol)?;
        Ok(names
            .iter()
            .map(|n| {
                let attrs = n.attributes();
                let role = if n.name().eq_ignore_ascii_case("INBOX") {
                    Some(FolderRole::Inbox)
                } else {
                    attrs.iter().find_map(|a| match a {
                        NameAttribute::Sent => Some(FolderRole::Sent),
                        NameAttribute::Drafts => Some(FolderRole::Drafts),
                        NameAttribute::Trash => Some(FolderRole::Trash),
                        NameAttribute::Archive => Some(FolderRole::Archive),
                        NameAttribute::Junk => Some(FolderRole::Junk),
                        NameAttribute::All => Some(FolderRole::All),
                        NameAttribute::Flagged => Some(FolderRole::Flagged),
                        _ => None,
                    })
                };
                RemoteFolder {
                    name: n.name().to_owned(),
                    delimiter: n.delimiter().map(str::to_owned),
                    role,
                    selectable: !attrs.iter().any(|a| matches!(a, NameAttribute::NoSelect)),
                }
            })
            .collect())
    }

    /// Selects a folder (read-write) and returns its state; with CONDSTORE
    /// (RFC 7162) the state includes HIGHESTMODSEQ.
    pub async fn select(&mut self, folder: &str) -> Result<FolderStatus, ImapError> {
        let mailbox = if self.capabilities.condstore {
            timed(self.session.select_condstore(folder)).await?
        } else {
            timed(self.session.select(folder)).await?
        }
        .map_err(protocol)?;
        Ok(FolderStatus {
            exists: mailbox.exists,
            uid_validity: mailbox.uid_validity,
            uid_next: mailbox.uid_next,
            highest_modseq: mailbox.highest_modseq,
        })
    }

    /// Every UID in the selected folder, newest (highest) first.
    pub async fn uids_newest_first(&mut self) -> Result<Vec<u32>, ImapError> {
        let mut uids: Vec<u32> = timed(self.session.uid_search("ALL"))
            .await?
            .map_err(protocol)?
            .into_iter()
            .collect();
        uids.sort_unstable_by(|a, b| b.cmp(a));
        Ok(uids)
    }

    /// Whole messages with their flags, for a UID set such as `"1:*"` or `"4,7,9"`.
    /// BODY.PEEK keeps \Seen as it was.
    pub async fn fetch(&mut self, uid_set: &str) -> Result<Vec<RemoteMessage>, ImapError> {
        let fetched: Vec<_> = timed(async {
            let stream = self
                .session
                .uid_fetch(uid_set, "(UID FLAGS INTERNALDATE BODY.PEEK[])")
                .await?;
            stream.try_collect::<Vec<_>>().await
        })
        .await?
        .map_err(protocol)?;
        Ok(fetched.iter().filter_map(|f| to_remote(f, true)).collect())
    }

    /// Flags only, for a UID set: how read and flagged state changed elsewhere.
    pub async fn flags(&mut self, uid_set: &str) -> Result<Vec<RemoteMessage>, ImapError> {
        let fetched: Vec<_> = timed(async {
            let stream = self.session.uid_fetch(uid_set, "(UID FLAGS)").await?;
            stream.try_collect::<Vec<_>>().await
        })
        .await?
        .map_err(protocol)?;
        Ok(fetched.iter().filter_map(|f| to_remote(f, false)).collect())
    }

    pub async fn logout(mut self) -> Result<(), ImapError> {
        timed(self.session.logout()).await?.map_err(protocol)
    }
}

fn to_remote(f: &async_imap::types::Fetch, with_body: bool) -> Option<RemoteMessage> {
    let uid = f.uid?;
    let mut m = RemoteMessage {
        uid,
        seen: false,
        flagged: false,
        answered: false,
        draft: false,
        internal_date: f.internal_date().map(|d| d.timestamp()),
        raw: if with_body {
            f.body().map(<[u8]>::to_vec).unwrap_or_default()
        } else {
            Vec::new()
        },
    };
    for flag in f.flags() {
        match flag {
            async_imap::types::Flag::Seen => m.seen = true,
            async_imap::types::Flag::Flagged => m.flagged = true,
            async_imap::types::Flag::Answered => m.answered = true,
            async_imap::types::Flag::Draft => m.draft = true,
            _ => {}
        }
    }
    Some(m)
}

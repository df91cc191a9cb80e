//! What every mail protocol client shares: a TCP connection secured with TLS
//! from the first byte, upgraded by STARTTLS/STLS, or (for servers on this
//! machine) left plain; certificate checks with explicit pinning; timeouts;
//! and connection errors worded for the user.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::tls::{self, PresentedCertificate};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (IMAP 993, POP3 995, SMTP 465).
    Tls,
    /// Plain, then STARTTLS (or POP3's STLS) before anything else is said.
    StartTls,
    /// No TLS at all: only for servers on this machine.
    None,
}

/// How the client proves who it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthMechanism {
    /// A password (IMAP LOGIN, POP3 USER/PASS, SMTP PLAIN or LOGIN).
    #[default]
    Password,
    /// SASL XOAUTH2 with an OAuth 2.0 access token (Google, Microsoft).
    XOAuth2,
    /// SASL OAUTHBEARER (RFC 7628) with an OAuth 2.0 access token.
    OAuthBearer,
}

/// Where and how to log in to a mail server (IMAP, POP3, SMTP).
#[derive(Clone)]
pub struct ServerLogin {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// As the provider wants it (Gmail's POP3 `recent:me@gmail.com` included).
    pub username: String,
    /// The password, or with an OAuth mechanism the access token.
    pub password: zeroize::Zeroizing<String>,
    /// A certificate the user trusted explicitly for this account (PEM).
    pub pinned_certificate_pem: Option<String>,
    pub mechanism: AuthMechanism,
}

impl std::fmt::Debug for ServerLogin {
    // Never print the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerLogin")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("mechanism", &self.mechanism)
            .finish_non_exhaustive()
    }
}

/// Why a connection could not be made or secured.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
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
    #[error("The server did not answer within {0} seconds.")]
    Timeout(u64),
    /// The connection went away mid-conversation: the network dropped, or
    /// the server closed it without a goodbye.
    #[error(
        "The connection to the server was lost ({reason}). Candor tries again at the next sync."
    )]
    ConnectionLost { reason: String },
}

pub(crate) const TIMEOUT: Duration = Duration::from_secs(60);

pub(crate) async fn timed<T>(f: impl std::future::Future<Output = T>) -> Result<T, NetError> {
    tokio::time::timeout(TIMEOUT, f)
        .await
        .map_err(|_| NetError::Timeout(TIMEOUT.as_secs()))
}

/// Opens the TCP connection.
pub(crate) async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, NetError> {
    let unreachable = |reason: String| NetError::Unreachable {
        host: host.to_owned(),
        port,
        reason,
    };
    timed(TcpStream::connect((host, port)))
        .await
        .map_err(|_| unreachable("no answer".into()))?
        .map_err(|e| unreachable(e.to_string()))
}

/// Secures `tcp` for `host`, trusting the system's roots and `pinned_pem`.
pub(crate) async fn tls_handshake(
    host: &str,
    pinned_pem: Option<&str>,
    tcp: TcpStream,
) -> Result<Stream, NetError> {
    let tls_failed = |reason: String| NetError::Tls {
        host: host.to_owned(),
        reason,
    };
    let (client_config, presented) =
        tls::client_config(pinned_pem).map_err(|e| tls_failed(e.to_string()))?;
    let name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| tls_failed(e.to_string()))?;
    match timed(TlsConnector::from(client_config).connect(name, tcp)).await? {
        Ok(stream) => Ok(Stream::Tls(Box::new(stream))),
        Err(e) => Err(tls_error(host, &presented, &e)),
    }
}

fn tls_error(host: &str, presented: &PresentedCertificate, e: &std::io::Error) -> NetError {
    let certificate_problem = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| matches!(r, rustls::Error::InvalidCertificate(_)));
    match presented.der() {
        Some(der) if certificate_problem => NetError::UntrustedCertificate {
            host: host.to_owned(),
            reason: e.to_string(),
            fingerprint: tls::fingerprint_sha256(&der),
            certificate_pem: tls::to_pem(&der),
        },
        _ => NetError::Tls {
            host: host.to_owned(),
            reason: e.to_string(),
        },
    }
}

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

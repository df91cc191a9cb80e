//! Sending over SMTP: lettre speaks the protocol (EHLO, AUTH, MAIL, RCPT,
//! DATA, replies), on Candor's own connection layer, so TLS from the first
//! byte (port 465) and STARTTLS (port 587) verify and pin certificates
//! exactly as IMAP and POP3 do. lettre's own TLS would bypass those rules.
//!
//! For STARTTLS the plain part (greeting, EHLO, STARTTLS) is spoken here;
//! lettre then takes over the secured stream and begins, as RFC 3207 asks,
//! with a fresh EHLO. Errors say whether trying again can help: a 5xx reply
//! is permanent, a 4xx reply or a lost connection is not.

use std::pin::Pin;
use std::task::{Context, Poll};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf};

pub use crate::net::{AuthMechanism, NetError, Security, ServerLogin};
use crate::net::{Stream, connect_tcp, timed, tls_handshake};

/// What went wrong, worded for the user, and whether a retry can help.
#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    /// The connection could not be made or secured.
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "The outgoing server refused the user name or password ({server_said}). Check them; accounts with two-factor sign-in need an app-specific password."
    )]
    AuthenticationFailed { server_said: String },
    /// The server did not accept the OAuth access token: refresh it once
    /// and try again.
    #[error("The outgoing server did not accept the sign-in token ({server_said}).")]
    TokenRejected { server_said: String },
    #[error("The outgoing server does not offer STARTTLS; choose TLS (usually port 465) instead.")]
    StartTlsUnavailable,
    /// A 5xx reply: this message will never go out as it is.
    #[error("The outgoing server refused the message: {server_said}")]
    Rejected { server_said: String },
    /// A 4xx reply or a broken connection: the same message may go later.
    #[error("The outgoing server could not take the message now ({reason}).")]
    Temporary { reason: String },
}

impl SmtpError {
    /// Whether sending the same message again can succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::Rejected { .. } | Self::AuthenticationFailed { .. } | Self::StartTlsUnavailable
        ) || matches!(
            self,
            Self::Net(NetError::UntrustedCertificate { .. } | NetError::Tls { .. })
        )
    }
}

fn classify(e: &lettre::transport::smtp::Error) -> SmtpError {
    let said = e.to_string();
    if e.is_permanent() {
        SmtpError::Rejected { server_said: said }
    } else {
        SmtpError::Temporary { reason: said }
    }
}

/// A logged-in SMTP session.
pub struct SmtpSession {
    connection: AsyncSmtpConnection,
}

impl std::fmt::Debug for SmtpSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSession").finish_non_exhaustive()
    }
}

impl SmtpSession {
    /// Connects, secures the connection as configured, and logs in with
    /// PLAIN or LOGIN. `hello` is the name given in EHLO (the sender's domain).
    pub async fn connect(config: &ServerLogin, hello: &str) -> Result<Self, SmtpError> {
        let tcp = connect_tcp(&config.host, config.port).await?;
        let pinned = config.pinned_certificate_pem.as_deref();
        let stream: Box<dyn lettre::transport::smtp::client::AsyncTokioStream> =
            match config.security {
                Security::Tls => Box::new(tls_handshake(&config.host, pinned, tcp).await?),
                Security::None => Box::new(Stream::Plain(tcp)),
                Security::StartTls => {
                    let tcp = starttls_upgrade(tcp, hello).await?;
                    Box::new(Resumed::new(
                        tls_handshake(&config.host, pinned, tcp).await?,
                    ))
                }
            };
        let client_id = ClientId::Domain(hello.to_owned());
        let mut connection = timed(AsyncSmtpConnection::connect_with_transport(
            stream, &client_id,
        ))
        .await?
        .map_err(|e| classify(&e))?;
        if config.mechanism != AuthMechanism::Password {
            oauth(&mut connection, config).await?;
            return Ok(Self { connection });
        }
        let credentials = Credentials::new(config.username.clone(), config.password.to_string());
        timed(connection.auth(&[Mechanism::Plain, Mechanism::Login], &credentials))
            .await?
            .map_err(|e| match e.status() {
                Some(code) if e.is_permanent() || code.to_string().starts_with("535") => {
                    SmtpError::AuthenticationFailed {
                        server_said: e.to_string(),
                    }
                }
                _ => classify(&e),
            })?;
        Ok(Self { connection })
    }

    /// Sends one message: `from` and `to` are the envelope (BCC recipients
    /// are in `to` and not in `raw`'s headers).
    pub async fn send(&mut self, from: &str, to: &[String], raw: &[u8]) -> Result<(), SmtpError> {
        let invalid = |what: &str, e: &dyn std::fmt::Display| SmtpError::Rejected {
            server_said: format!("{what} is not a valid address ({e})"),
        };
        let from = from.parse().map_err(|e| invalid(from, &e))?;
        let to = to
            .iter()
            .map(|a| a.parse().map_err(|e| invalid(a, &e)))
            .collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(from), to).map_err(|e| SmtpError::Rejected {
            server_said: e.to_string(),
        })?;
        // Sending a large message takes longer than one ordinary reply.
        let allowance = std::time::Duration::from_secs(60 + raw.len() as u64 / 100_000);
        tokio::time::timeout(allowance, self.connection.send(&envelope, raw))
            .await
            .map_err(|_| SmtpError::Temporary {
                reason: "the server stopped answering while the message was sent".into(),
            })?
            .map(drop)
            .map_err(|e| classify(&e))
    }

    /// Ends the session politely.
    pub async fn quit(mut self) {
        let _ = timed(self.connection.quit()).await;
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for Stream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        match self {
            Self::Plain(tcp) => tcp.peer_addr(),
            Self::Tls(tls) => tls.get_ref().0.peer_addr(),
        }
    }
}

impl lettre::transport::smtp::client::AsyncTokioStream for Resumed {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        lettre::transport::smtp::client::AsyncTokioStream::peer_addr(&self.inner)
    }
}

/// Reads one SMTP reply (possibly several `250-` lines), returning its code.
async fn reply(io: &mut BufReader<&mut tokio::net::TcpStream>) -> Result<(u16, String), SmtpError> {
    let mut text = String::new();
    loop {
        let mut line = String::new();
        let n = timed(io.read_line(&mut line))
            .await?
            .map_err(|e| SmtpError::Temporary {
                reason: e.to_string(),
            })?;
        if n == 0 {
            return Err(SmtpError::Temporary {
                reason: "the server closed the connection".into(),
            });
        }
        text.push_str(&line);
        // "250-..." continues; "250 ..." (or a bare code) ends the reply.
        if line.as_bytes().get(3) != Some(&b'-') {
            let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            return Ok((code, text));
        }
    }
}

/// The plain part of STARTTLS: greeting, EHLO, STARTTLS, 220.
async fn starttls_upgrade(
    mut tcp: tokio::net::TcpStream,
    hello: &str,
) -> Result<tokio::net::TcpStream, SmtpError> {
    let lost = |e: std::io::Error| SmtpError::Temporary {
        reason: e.to_string(),
    };
    {
        let mut io = BufReader::new(&mut tcp);
        let (code, text) = reply(&mut io).await?;
        if code != 220 {
            return Err(SmtpError::Temporary {
                reason: format!("the server greeted with {}", text.trim()),
            });
        }
        io.get_mut()
            .write_all(format!("EHLO {hello}\r\n").as_bytes())
            .await
            .map_err(lost)?;
        let (_, capabilities) = reply(&mut io).await?;
        if !capabilities.lines().any(|l| {
            l.get(4..)
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("STARTTLS"))
        }) {
            return Err(SmtpError::StartTlsUnavailable);
        }
        io.get_mut()
            .write_all(b"STARTTLS\r\n")
            .await
            .map_err(lost)?;
        let (code, _) = reply(&mut io).await?;
        if code != 220 {
            return Err(SmtpError::StartTlsUnavailable);
        }
        // The server says nothing more until the TLS handshake: nothing can
        // be left in the buffer that belongs to the secured conversation.
        if !io.buffer().is_empty() {
            return Err(SmtpError::Temporary {
                reason: "the server sent data after agreeing to STARTTLS".into(),
            });
        }
    }
    Ok(tcp)
}

/// SASL XOAUTH2 or OAUTHBEARER with the initial response on the AUTH line.
/// A refusal may come as a 334 error challenge (base64 JSON, Gmail's way):
/// it is answered (XOAUTH2 an empty line, OAUTHBEARER `AQ==`) so the server
/// finishes with its 535, and the JSON goes into the error.
async fn oauth(
    connection: &mut AsyncSmtpConnection,
    config: &ServerLogin,
) -> Result<(), SmtpError> {
    use crate::sasl;
    let mechanism = config.mechanism;
    let initial = sasl::initial_response(
        mechanism,
        &config.username,
        &config.host,
        config.port,
        &config.password,
    );
    let line = zeroize::Zeroizing::new(format!(
        "AUTH {} {}\r\n",
        sasl::mechanism_name(mechanism),
        sasl::encode(&initial)
    ));
    let rejected = |said: String| SmtpError::TokenRejected { server_said: said };
    let reply = timed(connection.command(line.as_str())).await?;
    let challenge = match reply {
        Ok(r) if r.has_code(334) => r.message().collect::<Vec<_>>().join(""),
        Ok(_) => return Ok(()),
        Err(e) if e.is_permanent() => return Err(rejected(e.to_string())),
        Err(e) => return Err(classify(&e)),
    };
    let detail = sasl::decode(&challenge).and_then(|d| sasl::describe_error_challenge(&d));
    let answer = format!(
        "{}\r\n",
        sasl::encode(sasl::error_acknowledgement(mechanism))
    );
    let said = match timed(connection.command(answer)).await? {
        Ok(r) => r.message().collect::<Vec<_>>().join(" "),
        Err(e) => e.to_string(),
    };
    Err(rejected(match detail {
        Some(d) => format!("{said}; {d}"),
        None => said,
    }))
}

/// A secured stream after STARTTLS, made to look like a fresh connection
/// to lettre: it first reads the greeting it expects (the real one came
/// before STARTTLS), then the server's bytes.
#[derive(Debug)]
struct Resumed {
    greeting: &'static [u8],
    inner: Stream,
}

impl Resumed {
    fn new(inner: Stream) -> Self {
        Self {
            greeting: b"220 secured by STARTTLS\r\n",
            inner,
        }
    }
}

impl AsyncRead for Resumed {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if !this.greeting.is_empty() {
            let n = this.greeting.len().min(buf.remaining());
            buf.put_slice(&this.greeting[..n]);
            this.greeting = &this.greeting[n..];
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Resumed {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

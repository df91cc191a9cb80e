//! A POP3 client (RFC 1939, STLS from RFC 2595): USER/PASS, UIDL, RETR,
//! DELE, QUIT, over the shared TLS layer so certificates are verified and
//! pinned exactly as for IMAP. Written here rather than taken from a crate:
//! the protocol is a dozen lines of text, and the available crates bring their
//! own TLS stack, which would bypass Candor's certificate rules.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use zeroize::Zeroizing;

pub use crate::net::{NetError, Security, ServerLogin};
use crate::net::{Stream, connect_tcp, timed, tls_handshake};

#[derive(Debug, thiserror::Error)]
pub enum Pop3Error {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "The server refused the user name or password ({server_said}). Check them; accounts with two-factor sign-in need an app-specific password."
    )]
    AuthenticationFailed { server_said: String },
    #[error("The server does not offer STLS; choose TLS (usually port 995) instead.")]
    StlsUnavailable,
    #[error("The POP3 server answered unexpectedly: {0}")]
    Protocol(String),
}

/// A logged-in POP3 session. Deletions take effect at [`Pop3Session::quit`].
#[derive(Debug)]
pub struct Pop3Session {
    io: BufReader<Stream>,
}

fn io_error(e: std::io::Error) -> Pop3Error {
    Pop3Error::Protocol(e.to_string())
}

impl Pop3Session {
    pub async fn connect(config: &ServerLogin) -> Result<Self, Pop3Error> {
        let tcp = connect_tcp(&config.host, config.port).await?;
        let pinned = config.pinned_certificate_pem.as_deref();
        let mut session = match config.security {
            Security::Tls => Self {
                io: BufReader::new(tls_handshake(&config.host, pinned, tcp).await?),
            },
            Security::None | Security::StartTls => Self {
                io: BufReader::new(Stream::Plain(tcp)),
            },
        };
        session.status_line().await?;
        if config.security == Security::StartTls {
            session.send("STLS").await?;
            session
                .status_line()
                .await
                .map_err(|_| Pop3Error::StlsUnavailable)?;
            // Nothing may be buffered past the +OK: the next bytes are TLS.
            if !session.io.buffer().is_empty() {
                return Err(Pop3Error::Protocol("data after STLS response".into()));
            }
            let Stream::Plain(tcp) = session.io.into_inner() else {
                return Err(Pop3Error::Protocol("connection changed during STLS".into()));
            };
            session = Self {
                io: BufReader::new(tls_handshake(&config.host, pinned, tcp).await?),
            };
        }
        let refused = |e: Pop3Error| match e {
            Pop3Error::Protocol(said) => Pop3Error::AuthenticationFailed { server_said: said },
            other => other,
        };
        session.send(&format!("USER {}", config.username)).await?;
        session.status_line().await.map_err(refused)?;
        let pass = Zeroizing::new(format!("PASS {}", config.password.as_str()));
        session.send(&pass).await?;
        session.status_line().await.map_err(refused)?;
        Ok(session)
    }

    async fn send(&mut self, line: &str) -> Result<(), Pop3Error> {
        let io = self.io.get_mut();
        timed(io.write_all(format!("{line}\r\n").as_bytes()))
            .await?
            .map_err(io_error)?;
        timed(io.flush()).await?.map_err(io_error)
    }

    async fn read_line(&mut self) -> Result<Vec<u8>, Pop3Error> {
        let mut line = Vec::new();
        let n = timed(self.io.read_until(b'\n', &mut line))
            .await?
            .map_err(io_error)?;
        if n == 0 {
            return Err(Pop3Error::Protocol(
                "the server closed the connection".into(),
            ));
        }
        Ok(line)
    }

    /// Reads a `+OK ...` line, returning the rest; `-ERR reason` becomes an error.
    async fn status_line(&mut self) -> Result<String, Pop3Error> {
        let line = self.read_line().await?;
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        match text.strip_prefix("+OK") {
            Some(rest) => Ok(rest.trim().to_owned()),
            None => Err(Pop3Error::Protocol(
                text.strip_prefix("-ERR").unwrap_or(&text).trim().to_owned(),
            )),
        }
    }

    /// The lines of a multi-line response, with the terminating "." removed
    /// and byte-stuffed leading dots restored (RFC 1939 §3).
    async fn multiline(&mut self) -> Result<Vec<u8>, Pop3Error> {
        let mut out = Vec::new();
        loop {
            let line = self.read_line().await?;
            if line == b".\r\n" || line == b".\n" {
                return Ok(out);
            }
            match line.strip_prefix(b".") {
                Some(rest) => out.extend_from_slice(rest),
                None => out.extend_from_slice(&line),
            }
        }
    }

    /// Message numbers with their unique ids (UIDL).
    pub async fn uidl(&mut self) -> Result<Vec<(u32, String)>, Pop3Error> {
        self.send("UIDL").await?;
        self.status_line().await?;
        let listing = self.multiline().await?;
        Ok(String::from_utf8_lossy(&listing)
            .lines()
            .filter_map(|l| {
                let (n, id) = l.trim().split_once(' ')?;
                Some((n.parse().ok()?, id.trim().to_owned()))
            })
            .collect())
    }

    /// The whole message, as the server stores it.
    pub async fn retr(&mut self, number: u32) -> Result<Vec<u8>, Pop3Error> {
        self.send(&format!("RETR {number}")).await?;
        self.status_line().await?;
        self.multiline().await
    }

    /// Marks a message for deletion (done at QUIT).
    pub async fn dele(&mut self, number: u32) -> Result<(), Pop3Error> {
        self.send(&format!("DELE {number}")).await?;
        self.status_line().await.map(|_| ())
    }

    /// Ends the session; the server then performs the deletions.
    pub async fn quit(mut self) -> Result<(), Pop3Error> {
        self.send("QUIT").await?;
        self.status_line().await.map(|_| ())
    }
}

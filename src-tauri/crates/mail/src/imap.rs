//! An IMAP client over async-imap: implicit TLS, STARTTLS or (for loopback
//! test servers) plain; LOGIN with a password (XOAUTH2 joins with the
//! sign-in issue); SPECIAL-USE folder roles; folder status; fetching whole
//! messages by UID; CONDSTORE change queries; flag changes, moves and
//! deletes by UID; IDLE. It reads and writes no database: the sync engine in
//! candor-core decides what to fetch and stores what comes back.

pub use crate::net::{AuthMechanism, NetError, Security, ServerLogin};
use crate::net::{Stream, connect_tcp, timed, tls_handshake};
use async_imap::types::NameAttribute;
use futures::TryStreamExt;

/// What went wrong, worded for the user, with what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The connection could not be made or secured.
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "The server refused the user name or password ({server_said}). Check them; accounts with two-factor sign-in need an app-specific password."
    )]
    AuthenticationFailed { server_said: String },
    /// The server did not accept the OAuth access token (expired, revoked,
    /// or for another resource): refresh it once and try again.
    #[error("The server did not accept the sign-in token ({server_said}).")]
    TokenRejected { server_said: String },
    /// The server ended the session because the access token expired
    /// (Exchange Online: `* BYE Session invalidated - AccessTokenExpired`):
    /// reconnect with a fresh token.
    #[error("The server ended the session because the sign-in token expired ({server_said}).")]
    TokenExpired { server_said: String },
    #[error("The server does not offer STARTTLS; choose TLS (usually port 993) instead.")]
    StartTlsUnavailable,
    #[error("The IMAP server answered unexpectedly: {0}")]
    Protocol(String),
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

/// One fetched message (flags only, when fetched with [`ImapSession::flags`]).
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

/// The extensions the sync engine cares about, as the server announced them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub condstore: bool,
    pub qresync: bool,
    pub idle: bool,
    /// RFC 6851 MOVE; without it a move is COPY, \Deleted and EXPUNGE.
    pub move_: bool,
    /// RFC 4315 UIDPLUS: UID EXPUNGE removes only the messages we deleted.
    pub uidplus: bool,
}

/// A flag change for [`ImapSession::store_flags`]: `Some(true)` adds the
/// flag, `Some(false)` removes it, `None` leaves it as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagChange {
    pub seen: Option<bool>,
    pub flagged: Option<bool>,
}

/// Why an IDLE wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleOutcome {
    /// The server reported a change in the folder (new mail, expunge, flags).
    Changed,
    /// Nothing happened for the whole wait; IDLE again.
    Quiet,
}

/// A logged-in IMAP session.
#[derive(Debug)]
pub struct ImapSession {
    session: async_imap::Session<Stream>,
    capabilities: Capabilities,
}

fn protocol(e: impl std::fmt::Display) -> ImapError {
    ImapError::Protocol(e.to_string())
}

/// The connection going away under a command (the network dropped, the
/// server closed it without a BYE), told apart from what a server said.
fn lost_connection(e: &async_imap::error::Error) -> Option<ImapError> {
    use std::io::ErrorKind;
    let reason = match e {
        async_imap::error::Error::ConnectionLost => "closed by the server",
        async_imap::error::Error::Io(io) => match io.kind() {
            ErrorKind::UnexpectedEof => "closed in the middle of an answer",
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => "reset",
            ErrorKind::BrokenPipe => "closed while Candor was sending",
            _ => return None,
        },
        _ => return None,
    };
    Some(ImapError::Net(NetError::ConnectionLost {
        reason: reason.into(),
    }))
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
    pub async fn connect(config: &ServerLogin) -> Result<Self, ImapError> {
        let tcp = connect_tcp(&config.host, config.port).await?;
        let pinned = config.pinned_certificate_pem.as_deref();
        let client = match config.security {
            Security::Tls => {
                let mut client =
                    async_imap::Client::new(tls_handshake(&config.host, pinned, tcp).await?);
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
                async_imap::Client::new(tls_handshake(&config.host, pinned, tcp).await?)
            }
            Security::None => {
                let mut client = async_imap::Client::new(Stream::Plain(tcp));
                greeting(&mut client).await?;
                client
            }
        };
        let mut session = match config.mechanism {
            AuthMechanism::Password => {
                timed(client.login(&config.username, config.password.as_str()))
                    .await?
                    .map_err(|(e, _)| match e {
                        async_imap::error::Error::No(said)
                        | async_imap::error::Error::Bad(said) => ImapError::AuthenticationFailed {
                            server_said: said.trim().to_owned(),
                        },
                        other => protocol(other),
                    })?
            }
            mechanism => {
                let authenticator = crate::sasl::OAuthAuthenticator::new(
                    mechanism,
                    crate::sasl::initial_response(
                        mechanism,
                        &config.username,
                        &config.host,
                        config.port,
                        &config.password,
                    ),
                );
                let challenge = authenticator.error_challenge.clone();
                timed(client.authenticate(crate::sasl::mechanism_name(mechanism), authenticator))
                    .await?
                    .map_err(|(e, _)| match e {
                        async_imap::error::Error::No(said)
                        | async_imap::error::Error::Bad(said) => {
                            let detail = challenge
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .take();
                            ImapError::TokenRejected {
                                server_said: match detail {
                                    Some(d) => format!("{}; {d}", said.trim()),
                                    None => said.trim().to_owned(),
                                },
                            }
                        }
                        other => protocol(other),
                    })?
            }
        };
        let announced = timed(session.capabilities()).await?.map_err(protocol)?;
        let capabilities = Capabilities {
            condstore: announced.has_str("CONDSTORE"),
            qresync: announced.has_str("QRESYNC"),
            idle: announced.has_str("IDLE"),
            move_: announced.has_str("MOVE"),
            uidplus: announced.has_str("UIDPLUS"),
        };
        Ok(Self {
            session,
            capabilities,
        })
    }

    /// The error of a failed command, as the user should read it: when the
    /// server said BYE before closing (Exchange Online ends sessions with
    /// `* BYE Session invalidated - AccessTokenExpired`), its words.
    fn fail(&mut self, e: async_imap::error::Error) -> ImapError {
        use async_imap::imap_proto::{Response, Status};
        while let Ok(unsolicited) = self.session.unsolicited_responses.try_recv() {
            if let async_imap::types::UnsolicitedResponse::Other(data) = unsolicited
                && let Response::Data {
                    status: Status::Bye,
                    outcome,
                } = data.parsed()
            {
                let said = outcome
                    .information
                    .as_deref()
                    .unwrap_or("BYE")
                    .trim()
                    .to_owned();
                if said.to_ascii_lowercase().contains("tokenexpired")
                    || said.to_ascii_lowercase().contains("token expired")
                {
                    return ImapError::TokenExpired { server_said: said };
                }
                return ImapError::Protocol(format!("the server ended the session ({said})"));
            }
        }
        lost_connection(&e).unwrap_or_else(|| protocol(e))
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
        .map_err(|e| self.fail(e))?;
        // A connection that ends mid-LIST ends the list early without an
        // error; every server lists INBOX (RFC 3501 §6.3.8), so a list
        // without it was cut short and must not be taken as the truth
        // (folders missing from it would be forgotten here).
        if !names.iter().any(|n| n.name().eq_ignore_ascii_case("INBOX")) {
            return Err(self.fail(async_imap::error::Error::ConnectionLost));
        }
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
        .map_err(|e| self.fail(e))?;
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
            .map_err(|e| self.fail(e))?
            .into_iter()
            .collect();
        uids.sort_unstable_by(|a, b| b.cmp(a));
        Ok(uids)
    }

    /// Whole messages with their flags, for a UID set such as `"1:*"` or `"4,7,9"`.
    /// BODY.PEEK keeps \Seen as it was.
    pub async fn fetch(&mut self, uid_set: &str) -> Result<Vec<RemoteMessage>, ImapError> {
        self.uid_fetch(uid_set, "(UID FLAGS INTERNALDATE BODY.PEEK[])", true)
            .await
    }

    /// Each message's size in bytes (RFC822.SIZE) for a UID set, by UID:
    /// what the sync needs to fetch in batches of bounded memory.
    pub async fn sizes(
        &mut self,
        uid_set: &str,
    ) -> Result<std::collections::HashMap<u32, u32>, ImapError> {
        // Folded as the answers arrive: a first sync asks for every
        // message's size, and holding the whole response would cost more
        // memory than the sizes themselves.
        timed(async {
            let stream = self.session.uid_fetch(uid_set, "(UID RFC822.SIZE)").await?;
            stream
                .try_fold(std::collections::HashMap::new(), |mut sizes, f| {
                    if let (Some(uid), Some(size)) = (f.uid, f.size) {
                        sizes.insert(uid, size);
                    }
                    futures::future::ready(Ok(sizes))
                })
                .await
        })
        .await?
        .map_err(|e| self.fail(e))
    }

    /// Flags only, for a UID set: how read and flagged state changed elsewhere.
    pub async fn flags(&mut self, uid_set: &str) -> Result<Vec<RemoteMessage>, ImapError> {
        self.uid_fetch(uid_set, "(UID FLAGS)", false).await
    }

    async fn uid_fetch(
        &mut self,
        uid_set: &str,
        items: &str,
        with_body: bool,
    ) -> Result<Vec<RemoteMessage>, ImapError> {
        let fetched: Vec<_> = timed(async {
            let stream = self.session.uid_fetch(uid_set, items).await?;
            stream.try_collect::<Vec<_>>().await
        })
        .await?
        .map_err(|e| self.fail(e))?;
        Ok(fetched
            .iter()
            .filter_map(|f| to_remote(f, with_body))
            .collect())
    }

    /// UIDs of the selected folder from `first` upwards (new mail since the
    /// last sync, when `first` is the UIDNEXT seen then). The server always
    /// answers `n:*` with at least the highest UID, so lower ones are dropped.
    pub async fn uids_from(&mut self, first: u32) -> Result<Vec<u32>, ImapError> {
        let mut uids: Vec<u32> = timed(self.session.uid_search(format!("UID {first}:*")))
            .await?
            .map_err(|e| self.fail(e))?
            .into_iter()
            .filter(|uid| *uid >= first)
            .collect();
        uids.sort_unstable_by(|a, b| b.cmp(a));
        Ok(uids)
    }

    /// Flags of the messages whose metadata changed since `modseq`
    /// (RFC 7162 CHANGEDSINCE; only with CONDSTORE).
    pub async fn flags_changed_since(
        &mut self,
        modseq: u64,
    ) -> Result<Vec<RemoteMessage>, ImapError> {
        self.uid_fetch(
            "1:*",
            &format!("(UID FLAGS) (CHANGEDSINCE {modseq})"),
            false,
        )
        .await
    }

    /// Adds or removes \Seen and \Flagged on messages of the selected folder.
    pub async fn store_flags(
        &mut self,
        uid_set: &str,
        change: FlagChange,
    ) -> Result<(), ImapError> {
        for (add, flags) in [(true, "+FLAGS.SILENT"), (false, "-FLAGS.SILENT")] {
            let names: Vec<&str> = [(change.seen, "\\Seen"), (change.flagged, "\\Flagged")]
                .into_iter()
                .filter(|(wanted, _)| *wanted == Some(add))
                .map(|(_, name)| name)
                .collect();
            if names.is_empty() {
                continue;
            }
            self.store(uid_set, &format!("{flags} ({})", names.join(" ")))
                .await?;
        }
        Ok(())
    }

    async fn store(&mut self, uid_set: &str, query: &str) -> Result<(), ImapError> {
        timed(async {
            let stream = self.session.uid_store(uid_set, query).await?;
            stream.try_collect::<Vec<_>>().await
        })
        .await?
        .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Moves messages of the selected folder to `target` (MOVE where the
    /// server has it, else COPY then delete).
    pub async fn move_to(&mut self, uid_set: &str, target: &str) -> Result<(), ImapError> {
        if self.capabilities.move_ {
            timed(self.session.uid_mv(uid_set, target))
                .await?
                .map_err(|e| self.fail(e))
        } else {
            timed(self.session.uid_copy(uid_set, target))
                .await?
                .map_err(|e| self.fail(e))?;
            self.delete(uid_set).await
        }
    }

    /// Deletes messages of the selected folder for good: \Deleted, then
    /// UID EXPUNGE (only these messages) where the server has UIDPLUS, or
    /// EXPUNGE, which also removes whatever else was marked \Deleted.
    pub async fn delete(&mut self, uid_set: &str) -> Result<(), ImapError> {
        self.store(uid_set, "+FLAGS.SILENT (\\Deleted)").await?;
        let uidplus = self.capabilities.uidplus;
        timed(async {
            if uidplus {
                let stream = self.session.uid_expunge(uid_set).await?;
                stream.try_collect::<Vec<_>>().await.map(drop)
            } else {
                let stream = self.session.expunge().await?;
                stream.try_collect::<Vec<_>>().await.map(drop)
            }
        })
        .await?
        .map_err(|e| self.fail(e))
    }

    /// Stores a message in `folder` (a sent message in Sent, marked read).
    pub async fn append(&mut self, folder: &str, raw: &[u8], seen: bool) -> Result<(), ImapError> {
        let flags = seen.then_some("(\\Seen)");
        timed(self.session.append(folder, flags, None, raw))
            .await?
            .map_err(|e| self.fail(e))
    }

    /// Whether the selected folder holds a message with this Message-ID
    /// (without brackets): how a sender finds out, after a crash, whether a
    /// message went out.
    pub async fn has_message_id(&mut self, message_id: &str) -> Result<bool, ImapError> {
        // A quoted IMAP string: backslashes and quotes escaped.
        let quoted = format!("<{message_id}>")
            .replace('\\', "\\\\")
            .replace('"', "\\\"");
        let found = timed(
            self.session
                .uid_search(format!("HEADER Message-ID \"{quoted}\"")),
        )
        .await?
        .map_err(|e| self.fail(e))?;
        Ok(!found.is_empty())
    }

    /// Waits in IDLE (RFC 2177) on the selected folder until the server
    /// reports a change or `wait` passes (servers drop IDLE after 30
    /// minutes, so callers keep `wait` well under that).
    pub async fn idle(self, wait: std::time::Duration) -> Result<(Self, IdleOutcome), ImapError> {
        let capabilities = self.capabilities;
        let mut handle = self.session.idle();
        timed(handle.init()).await?.map_err(protocol)?;
        let (waiting, _stop) = handle.wait_with_timeout(wait);
        let outcome = match waiting.await.map_err(protocol)? {
            async_imap::extensions::idle::IdleResponse::NewData(_) => IdleOutcome::Changed,
            async_imap::extensions::idle::IdleResponse::Timeout
            | async_imap::extensions::idle::IdleResponse::ManualInterrupt => IdleOutcome::Quiet,
        };
        let session = timed(handle.done()).await?.map_err(protocol)?;
        Ok((
            Self {
                session,
                capabilities,
            },
            outcome,
        ))
    }

    pub async fn logout(mut self) -> Result<(), ImapError> {
        timed(self.session.logout()).await?.map_err(protocol)
    }
}

fn to_remote(f: &async_imap::types::Fetch, with_body: bool) -> Option<RemoteMessage> {
    let mut m = RemoteMessage {
        uid: f.uid?,
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

//! candor-mail: the mail protocols and formats, with no storage and no UI.
//!
//! Today: email address syntax (RFC 5322 addr-spec, with UTF-8 local parts as
//! RFC 6531 allows). The sync engine adds IMAP, POP3, SMTP, the MIME
//! projection and threading here.
//!
//! Must not: touch the database (it returns values; candor-core stores them),
//! know about Tauri, or log message content or credentials.

pub mod address;
pub mod subject;
pub mod threading;

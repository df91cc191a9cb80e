//! candor-mail: the mail protocols and formats, with no storage and no UI.
//!
//! Email address syntax (RFC 5322 addr-spec, with UTF-8 local parts as RFC
//! 6531 allows), the MIME projection of a raw message (`mime`), base
//! subjects in many languages (`subject`), HTML bodies made safe to show
//! (`html`), conversation threading
//! (`threading`), and the IMAP, POP3 and SMTP clients over one connection
//! layer with one set of certificate rules (`net`, `tls`).
//!
//! Must not: touch the database (it returns values; candor-core stores them),
//! know about Tauri, or log message content or credentials.

pub mod address;
pub mod compose;
pub mod html;
pub mod imap;
pub mod mime;
pub mod net;
pub mod pop3;
pub mod sasl;
pub mod smtp;
pub mod subject;
pub mod threading;
pub mod tls;

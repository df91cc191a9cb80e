//! The MIME projection: what Candor stores and shows of a raw message,
//! parsed with mail-parser (RFC 5322, MIME, RFC 2047 encoded words, RFC 2231
//! parameters, and, with its `full_encoding` feature, legacy charsets such as
//! GB2312/GBK, Big5, ISO-2022-JP, KOI8-R and Windows-125x through encoding_rs).
//!
//! Projection never fails: a message the parser cannot fully understand still
//! yields what could be read, and `problems` says what could not. The caller
//! always keeps the raw source beside it.

use mail_parser::{Address, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

/// One address of a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

/// A part that is not the message's text: a file, or an inline image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentPart {
    pub filename: Option<String>,
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// Without angle brackets, for `cid:` references from the HTML body.
    pub content_id: Option<String>,
    pub is_inline: bool,
    pub data: Vec<u8>,
}

/// What Candor keeps of a message besides its raw source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub subject: String,
    pub from: Vec<Mailbox>,
    pub sender: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub bcc: Vec<Mailbox>,
    /// The Date header as Unix seconds (UTC), when present and readable.
    pub date: Option<i64>,
    /// The plain-text body; for an HTML-only message, text derived from the HTML.
    pub text_plain: Option<String>,
    /// The HTML body, only when the message has one. Unsanitized: it must be
    /// cleaned before display.
    pub text_html: Option<String>,
    pub attachments: Vec<AttachmentPart>,
    /// What could not be read, in words; empty for a well-formed message.
    pub problems: Vec<String>,
}

/// Projects a raw RFC 5322 message. Never panics, never fails.
pub fn project(raw: &[u8]) -> Projection {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Projection {
            problems: vec!["the message has no readable headers or body".into()],
            ..Projection::default()
        };
    };
    let mut problems = Vec::new();

    let mut p = Projection {
        message_id: message
            .message_id()
            .map(clean_id)
            .filter(|id| !id.is_empty()),
        in_reply_to: id_list(
            message.in_reply_to().as_text_list(),
            message.in_reply_to().as_text(),
        ),
        references: id_list(
            message.references().as_text_list(),
            message.references().as_text(),
        ),
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        from: mailboxes(message.from()),
        sender: mailboxes(message.sender()),
        reply_to: mailboxes(message.reply_to()),
        to: mailboxes(message.to()),
        cc: mailboxes(message.cc()),
        bcc: mailboxes(message.bcc()),
        date: message.date().map(mail_parser::DateTime::to_timestamp),
        ..Projection::default()
    };
    if message.date().is_none() && message.header_raw("Date").is_some() {
        problems.push("the Date header could not be read".into());
    }

    p.text_plain = message
        .body_text(0)
        .map(|t| t.into_owned())
        .filter(|t| !t.trim().is_empty());
    // body_html() would turn a plain-text body into HTML; keep only real HTML.
    p.text_html = message
        .html_bodies()
        .find(|part| part.is_content_type("text", "html"))
        .and_then(|part| match &part.body {
            PartType::Html(html) => Some(html.to_string()),
            _ => None,
        });

    for (index, part) in message.parts.iter().enumerate() {
        if part.is_encoding_problem {
            problems.push(format!(
                "part {index} ({}) could not be fully decoded; it is shown as well as it could be read",
                content_type_of(part)
            ));
        }
    }

    for part in message.attachments() {
        let data = part.contents().to_vec();
        let is_inline = part
            .content_disposition()
            .is_some_and(mail_parser::ContentType::is_inline)
            || (part.content_disposition().is_none() && part.content_id().is_some());
        p.attachments.push(AttachmentPart {
            filename: part.attachment_name().map(str::to_owned),
            content_type: content_type_of(part),
            content_id: part.content_id().map(clean_id).filter(|id| !id.is_empty()),
            is_inline,
            data,
        });
    }

    p.problems = problems;
    p
}

fn content_type_of(part: &mail_parser::MessagePart<'_>) -> String {
    match part.content_type() {
        Some(ct) => match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub).to_lowercase(),
            None => ct.ctype().to_lowercase(),
        },
        None => "text/plain".into(),
    }
}

fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_owned()
}

fn id_list(list: Option<&[std::borrow::Cow<'_, str>]>, single: Option<&str>) -> Vec<String> {
    match (list, single) {
        (Some(list), _) => list
            .iter()
            .map(|id| clean_id(id))
            .filter(|id| !id.is_empty())
            .collect(),
        (None, Some(one)) => Some(clean_id(one))
            .filter(|id| !id.is_empty())
            .into_iter()
            .collect(),
        (None, None) => Vec::new(),
    }
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|addr| {
            let email = addr.address()?.trim();
            if email.is_empty() {
                return None;
            }
            Some(Mailbox {
                name: addr
                    .name()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
                address: email.to_owned(),
            })
        })
        .collect()
}

/// The messages of an mbox file (mboxo or mboxrd; `>From ` lines unquoted), in order.
pub fn mbox_messages<R: std::io::BufRead>(
    reader: R,
) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
    mail_parser::mailbox::mbox::MessageIterator::new(reader)
        .map(|m| m.map(mail_parser::mailbox::mbox::Message::unwrap_contents))
}

//! The MIME projection: what Candor stores and shows of a raw message,
//! parsed with mail-parser (RFC 5322, MIME, RFC 2047 encoded words, RFC 2231
//! parameters, and, with its `full_encoding` feature, legacy charsets such as
//! GB2312/GBK, Big5, ISO-2022-JP, KOI8-R and Windows-125x through encoding_rs).
//!
//! Projection never fails: a message the parser cannot fully understand still
//! yields what could be read, and `problems` says what could not. The caller
//! always keeps the raw source beside it.

use std::collections::HashMap;
use std::ops::Range;

use mail_parser::{Address, HeaderName, MessageParser, MimeHeaders, PartType};
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
    /// Decoded size in bytes.
    pub size: u64,
    /// The decoded bytes; empty for a part [`project_for_storage`] left in
    /// the raw source.
    pub data: Vec<u8>,
}

impl AttachmentPart {
    /// An image the HTML body shows by its Content-ID: wanted every time the
    /// message is read, so it is stored decoded.
    pub fn is_shown_in_body(&self) -> bool {
        shown_in_body(self.content_id.as_deref(), &self.content_type)
    }
}

fn shown_in_body(content_id: Option<&str>, content_type: &str) -> bool {
    content_id.is_some_and(|id| !id.is_empty()) && content_type.starts_with("image/")
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
    projection(raw, &HashMap::new()).unwrap_or_else(unreadable)
}

/// Projects a message for storing it: as [`project`], except that the
/// attachments the store keeps only in the raw source (all but the images
/// the body shows) come with their size and no bytes. A mailbox's
/// attachments are most of its bytes, and decoding their base64 was the
/// costliest part of parsing a first sync (1.4 s of 20,000 messages' CPU).
///
/// Such a message is read twice: once without decoding anything (where its
/// parts are), then whole with those parts' bodies cut out. Anything
/// unusual (a part whose base64 does not read, an encoded attached
/// message, a second reading that differs from the first) falls back to
/// [`project`].
pub fn project_for_storage(raw: &[u8]) -> Projection {
    if raw.len() >= LEFT_IN_SOURCE_FROM
        && let Some(parts) = parts_left_in_source(raw)
        && !parts.is_empty()
    {
        let sizes = parts.iter().map(|part| (part.index, part.size)).collect();
        if let Some(cut) = without_bodies(raw, &parts)
            && let Some(projected) = projection(&cut, &sizes)
        {
            return projected;
        }
    }
    project(raw)
}

/// `raw` with these parts' bodies cut out; None should they not come in the
/// order they appear, one after another.
fn without_bodies(raw: &[u8], parts: &[LeftInSource]) -> Option<Vec<u8>> {
    let left_out: usize = parts.iter().map(|part| part.body.len()).sum();
    let mut cut = Vec::with_capacity(raw.len().saturating_sub(left_out));
    let mut from = 0;
    for part in parts {
        cut.extend_from_slice(raw.get(from..part.body.start)?);
        from = part.body.end;
    }
    cut.extend_from_slice(raw.get(from..)?);
    Some(cut)
}

/// Smaller messages are read once: their attachments, if any, are small.
const LEFT_IN_SOURCE_FROM: usize = 32 * 1024;

/// A part whose body stays undecoded in the raw source.
struct LeftInSource {
    /// Its index among the message's parts.
    index: usize,
    /// Where its (base64) body is in the raw message.
    body: Range<usize>,
    /// Its decoded size.
    size: u64,
}

/// The base64 parts of a message that need not be decoded for storing,
/// found by reading the message without decoding anything: None when the
/// message must be read whole (an attached message in base64, which only
/// decoding shows the parts of).
fn parts_left_in_source(raw: &[u8]) -> Option<Vec<LeftInSource>> {
    // Without Content-Transfer-Encoding the parser decodes nothing; the
    // header is still listed, with where its value is.
    let message = MessageParser::new()
        .header_content_type(HeaderName::ContentType)
        .header_content_type(HeaderName::ContentDisposition)
        .header_id(HeaderName::ContentId)
        .ignore_header(HeaderName::ContentTransferEncoding)
        .default_header_ignore()
        .parse(raw)?;
    let mut parts = Vec::new();
    for (index, part) in message.parts.iter().enumerate() {
        let is_base64 = part
            .headers
            .iter()
            .rfind(|h| h.name == HeaderName::ContentTransferEncoding)
            .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
            .is_some_and(|value| value.trim_ascii().eq_ignore_ascii_case(b"base64"));
        if !is_base64 {
            continue;
        }
        let content_type = content_type_of(part);
        if content_type.starts_with("message/") || content_type.starts_with("multipart/") {
            return None;
        }
        let is_binary = matches!(part.body, PartType::Binary(_) | PartType::InlineBinary(_));
        let content_id = part.content_id().map(clean_id);
        if !is_binary || shown_in_body(content_id.as_deref(), &content_type) {
            continue;
        }
        let body = part.offset_body as usize..part.offset_end as usize;
        // A body that is not clean base64 is decoded, as the full reading
        // would, so its problem is reported the same way.
        if let Some(size) = raw.get(body.clone()).and_then(base64_decoded_len) {
            parts.push(LeftInSource { index, body, size });
        }
    }
    Some(parts)
}

/// What mail-parser decodes from a MIME part's base64 body, counted
/// without decoding: three bytes each four letters, and the bytes a `=`
/// completes. None for anything but base64 letters, padding and white space
/// (mail-parser then reads the part as damaged).
fn base64_decoded_len(body: &[u8]) -> Option<u64> {
    // Counted by comparisons alone, in byte-wide counters that cannot
    // overflow in 255 bytes, which the compiler turns into vector
    // instructions: a byte-by-byte reading cost as much as decoding.
    let (mut letters, mut blanks, mut pads) = (0_u64, 0_u64, 0_u64);
    for chunk in body.chunks(255) {
        let (mut l, mut b, mut p) = (0_u8, 0_u8, 0_u8);
        for &byte in chunk {
            l += u8::from(is_base64_letter(byte));
            b += u8::from((byte == b' ') | (byte == b'\t') | (byte == b'\r') | (byte == b'\n'));
            p += u8::from(byte == b'=');
        }
        letters += u64::from(l);
        blanks += u64::from(b);
        pads += u64::from(p);
    }
    if letters + blanks + pads != body.len() as u64 {
        return None;
    }
    // Padding, if any, is nearly always the body's last bytes: looked for
    // from the end.
    let after_letters = body
        .iter()
        .rposition(|&byte| is_base64_letter(byte))
        .map_or(0, |last| last + 1);
    let trailing_pads = body[after_letters..].iter().filter(|&&b| b == b'=').count();
    if trailing_pads as u64 != pads {
        return Some(base64_decoded_len_with_inner_padding(body));
    }
    // A last group cut short counts only when padding completes it.
    let completed = match (pads > 0, letters % 4) {
        (true, 1 | 2) => 1,
        (true, 3) => 2,
        _ => 0,
    };
    Some(letters / 4 * 3 + completed)
}

fn is_base64_letter(byte: u8) -> bool {
    ((byte | 0x20).wrapping_sub(b'a') < 26)
        | (byte.wrapping_sub(b'0') < 10)
        | (byte == b'+')
        | (byte == b'/')
}

/// The same count for a body with padding inside it (several base64 runs
/// one after another), group by group as mail-parser decodes them.
fn base64_decoded_len_with_inner_padding(body: &[u8]) -> u64 {
    let mut len = 0;
    let mut letters = 0_u8;
    for &byte in body {
        if is_base64_letter(byte) {
            letters = (letters + 1) & 3;
            if letters == 0 {
                len += 3;
            }
        } else if byte == b'=' {
            len += match letters {
                1 | 2 => 1,
                3 => 2,
                _ => 0,
            };
            letters = 0;
        }
    }
    len
}

fn unreadable() -> Projection {
    Projection {
        problems: vec!["the message has no readable headers or body".into()],
        ..Projection::default()
    }
}

/// The projection of `raw`; the parts listed in `left_in_source` (by index,
/// with their decoded sizes) must have been cut to empty bodies, and come
/// without bytes. None when the message has no headers, or a listed part is
/// not an empty attachment.
fn projection(raw: &[u8], left_in_source: &HashMap<usize, u64>) -> Option<Projection> {
    let message = MessageParser::default().parse(raw)?;
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

    let mut listed = 0;
    for &id in &message.attachments {
        let index = id as usize;
        let Some(part) = message.parts.get(index) else {
            continue;
        };
        let (size, data) = match left_in_source.get(&index) {
            Some(&size) => {
                let cut_to_nothing = matches!(&part.body, PartType::Binary(b) | PartType::InlineBinary(b) if b.is_empty());
                if !cut_to_nothing {
                    return None;
                }
                listed += 1;
                (size, Vec::new())
            }
            None => {
                let data = part.contents().to_vec();
                (data.len() as u64, data)
            }
        };
        let is_inline = part
            .content_disposition()
            .is_some_and(mail_parser::ContentType::is_inline)
            || (part.content_disposition().is_none() && part.content_id().is_some());
        p.attachments.push(AttachmentPart {
            filename: part.attachment_name().map(str::to_owned),
            content_type: content_type_of(part),
            content_id: part.content_id().map(clean_id).filter(|id| !id.is_empty()),
            is_inline,
            size,
            data,
        });
    }
    if listed != left_in_source.len() {
        return None;
    }

    p.problems = problems;
    Some(p)
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

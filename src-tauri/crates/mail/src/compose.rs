//! Building outgoing messages with lettre's builder: From, To, CC, and BCC
//! (in the envelope only, never in a header), a plain-text body with an
//! optional HTML alternative (with its inline images as multipart/related
//! parts the HTML refers to by `cid:`), attachments, a Message-ID on the
//! sender's own domain, Date, and for replies In-Reply-To and References.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

/// One attachment, read by the caller.
#[derive(Debug, Clone)]
pub struct OutgoingAttachment {
    pub filename: String,
    /// A MIME type such as `application/pdf`.
    pub content_type: String,
    pub data: Vec<u8>,
}

/// An image shown inside the HTML body, which refers to it as `cid:CONTENT_ID`.
#[derive(Debug, Clone)]
pub struct InlineImage {
    /// Without angle brackets.
    pub content_id: String,
    /// A MIME type such as `image/png`.
    pub content_type: String,
    pub data: Vec<u8>,
}

/// What the user wrote.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The sender, as `Name <address>` or a bare address.
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<OutgoingAttachment>,
    /// Images inside the HTML (ignored without HTML: the caller refuses that).
    pub inline_images: Vec<InlineImage>,
    /// The Message-ID answered (without brackets), for replies.
    pub in_reply_to: Option<String>,
    /// The References of the conversation so far, oldest first (without
    /// brackets); the answered id is added after them.
    pub references: Vec<String>,
}

/// A message ready for the outbox.
#[derive(Debug, Clone)]
pub struct Composed {
    pub raw: Vec<u8>,
    /// Without brackets.
    pub message_id: String,
    pub envelope_from: String,
    /// Every To, CC and BCC address, once each.
    pub recipients: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("\"{address}\" is not a valid email address ({reason}).")]
    InvalidAddress {
        /// Which field: from, to, cc or bcc.
        field: &'static str,
        address: String,
        reason: String,
    },
    #[error("Add at least one recipient.")]
    NoRecipients,
    #[error("The attachment \"{filename}\" has an invalid type \"{content_type}\".")]
    InvalidContentType {
        filename: String,
        content_type: String,
    },
    #[error("The message could not be built: {0}")]
    Build(String),
}

fn mailbox(field: &'static str, text: &str) -> Result<Mailbox, ComposeError> {
    text.trim()
        .parse::<Mailbox>()
        .map_err(|e| ComposeError::InvalidAddress {
            field,
            address: text.trim().to_owned(),
            reason: e.to_string(),
        })
}

/// A fresh Message-ID on the sender's domain: 128 random bits, so no two
/// messages (and no retry of one) can share it.
fn new_message_id(from: &Mailbox) -> Result<String, ComposeError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| ComposeError::Build(e.to_string()))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{hex}@{}", from.email.domain()))
}

/// Builds the message. The Date is now.
pub fn compose(draft: &Draft) -> Result<Composed, ComposeError> {
    let from = mailbox("from", &draft.from)?;
    let message_id = new_message_id(&from)?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .subject(draft.subject.trim())
        .message_id(Some(format!("<{message_id}>")))
        .date_now()
        .user_agent("Candor".into());
    let mut recipients: Vec<String> = Vec::new();
    for (field, list) in [("to", &draft.to), ("cc", &draft.cc), ("bcc", &draft.bcc)] {
        for text in list.iter().filter(|t| !t.trim().is_empty()) {
            let m = mailbox(field, text)?;
            let address = m.email.to_string();
            if !recipients.iter().any(|r| r.eq_ignore_ascii_case(&address)) {
                recipients.push(address);
            }
            builder = match field {
                "to" => builder.to(m),
                "cc" => builder.cc(m),
                _ => builder.bcc(m),
            };
        }
    }
    if recipients.is_empty() {
        return Err(ComposeError::NoRecipients);
    }
    if let Some(parent) = &draft.in_reply_to {
        builder = builder.in_reply_to(format!("<{parent}>"));
        let chain: Vec<String> = draft
            .references
            .iter()
            .filter(|r| *r != parent)
            .chain(std::iter::once(parent))
            .map(|r| format!("<{r}>"))
            .collect();
        builder = builder.references(chain.join(" "));
    }

    let text = || SinglePart::plain(draft.text.clone());
    // The HTML with its images: multipart/related, so that mail clients show
    // them in place rather than as attachments (RFC 2387).
    let mut related = None;
    if let (Some(html), false) = (&draft.html, draft.inline_images.is_empty()) {
        let mut part = MultiPart::related().singlepart(SinglePart::html(html.clone()));
        for image in &draft.inline_images {
            let content_type = ContentType::parse(&image.content_type).map_err(|_| {
                ComposeError::InvalidContentType {
                    filename: image.content_id.clone(),
                    content_type: image.content_type.clone(),
                }
            })?;
            part = part.singlepart(
                Attachment::new_inline(image.content_id.clone())
                    .body(image.data.clone(), content_type),
            );
        }
        related = Some(part);
    }
    let alternative = |html: &String| match &related {
        Some(related) => MultiPart::alternative()
            .singlepart(SinglePart::plain(draft.text.clone()))
            .multipart(related.clone()),
        None => MultiPart::alternative_plain_html(draft.text.clone(), html.clone()),
    };
    let message = match (&draft.html, draft.attachments.is_empty()) {
        (None, true) => builder.singlepart(text()),
        (Some(html), true) => builder.multipart(alternative(html)),
        (html, false) => {
            let mut mixed = match html {
                Some(html) => MultiPart::mixed().multipart(alternative(html)),
                None => MultiPart::mixed().singlepart(text()),
            };
            for a in &draft.attachments {
                let content_type = ContentType::parse(&a.content_type).map_err(|_| {
                    ComposeError::InvalidContentType {
                        filename: a.filename.clone(),
                        content_type: a.content_type.clone(),
                    }
                })?;
                mixed = mixed.singlepart(
                    Attachment::new(a.filename.clone()).body(a.data.clone(), content_type),
                );
            }
            builder.multipart(mixed)
        }
    }
    .map_err(|e| ComposeError::Build(e.to_string()))?;

    Ok(Composed {
        raw: message.formatted(),
        message_id,
        envelope_from: from.email.to_string(),
        recipients,
    })
}

#[cfg(test)]
mod tests {
    use mail_parser::MimeHeaders;

    use super::*;

    fn draft() -> Draft {
        Draft {
            from: "Tom Recruiter <tom@agency.example>".into(),
            to: vec!["Wei Zhang <wei@cand.example>".into()],
            cc: vec!["hanna@client.example".into()],
            bcc: vec!["boss@agency.example".into()],
            subject: "Interview 面试".into(),
            text: "Does Thursday suit you?".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn bcc_goes_in_the_envelope_and_nowhere_in_the_message() {
        let c = compose(&draft()).expect("compose");
        let text = String::from_utf8_lossy(&c.raw).to_lowercase();
        assert!(!text.contains("bcc") && !text.contains("boss@"), "{text}");
        assert_eq!(
            c.recipients,
            [
                "wei@cand.example",
                "hanna@client.example",
                "boss@agency.example"
            ]
        );
        assert_eq!(c.envelope_from, "tom@agency.example");
    }

    #[test]
    fn the_message_id_is_on_the_senders_domain_and_unique() {
        let a = compose(&draft()).expect("compose");
        let b = compose(&draft()).expect("compose");
        assert!(
            a.message_id.ends_with("@agency.example"),
            "{}",
            a.message_id
        );
        assert_ne!(a.message_id, b.message_id);
        let parsed = mail_parser::MessageParser::default()
            .parse(&a.raw)
            .expect("parses");
        assert_eq!(parsed.message_id(), Some(a.message_id.as_str()));
        assert_eq!(parsed.subject(), Some("Interview 面试"));
        assert!(parsed.date().is_some());
    }

    #[test]
    fn a_reply_carries_the_conversations_references() {
        let mut d = draft();
        d.in_reply_to = Some("c2@cand".into());
        d.references = vec!["c1@cand".into(), "r1@agency".into()];
        let c = compose(&d).expect("compose");
        let parsed = mail_parser::MessageParser::default()
            .parse(&c.raw)
            .expect("parses");
        assert_eq!(parsed.in_reply_to().as_text(), Some("c2@cand"));
        let projected = crate::mime::project(&c.raw);
        assert_eq!(projected.references, ["c1@cand", "r1@agency", "c2@cand"]);
    }

    #[test]
    fn html_has_a_plain_alternative_and_attachments_keep_their_names() {
        let mut d = draft();
        d.html = Some("<p>Does <b>Thursday</b> suit you?</p>".into());
        d.attachments = vec![OutgoingAttachment {
            filename: "Job description.pdf".into(),
            content_type: "application/pdf".into(),
            data: b"%PDF-1.4 not really".to_vec(),
        }];
        let c = compose(&d).expect("compose");
        let parsed = mail_parser::MessageParser::default()
            .parse(&c.raw)
            .expect("parses");
        assert_eq!(
            parsed.body_text(0).as_deref().map(str::trim),
            Some("Does Thursday suit you?")
        );
        assert!(
            parsed
                .body_html(0)
                .is_some_and(|h| h.contains("<b>Thursday</b>"))
        );
        let names: Vec<_> = parsed
            .attachments()
            .filter_map(|a| a.attachment_name())
            .collect();
        assert_eq!(names, ["Job description.pdf"]);
    }

    #[test]
    fn bad_addresses_are_named() {
        let mut d = draft();
        d.cc = vec!["not an address".into()];
        match compose(&d) {
            Err(ComposeError::InvalidAddress { field, address, .. }) => {
                assert_eq!((field, address.as_str()), ("cc", "not an address"));
            }
            other => panic!("{other:?}"),
        }
        d.to.clear();
        d.cc.clear();
        d.bcc.clear();
        assert!(matches!(compose(&d), Err(ComposeError::NoRecipients)));
    }

    #[test]
    fn inline_images_travel_with_the_html_they_appear_in() {
        let png = b"\x89PNG\r\n\x1a\nnot really".to_vec();
        let c = compose(&Draft {
            html: Some("<p>Our office:</p><img src=\"cid:office.png\">".into()),
            inline_images: vec![InlineImage {
                content_id: "office.png".into(),
                content_type: "image/png".into(),
                data: png.clone(),
            }],
            ..draft()
        })
        .expect("compose");
        let parsed = mail_parser::MessageParser::default()
            .parse(&c.raw)
            .expect("parse");
        let text = String::from_utf8_lossy(&c.raw);
        assert!(text.contains("multipart/related"), "{text}");
        let image = parsed
            .parts
            .iter()
            .find(|p| p.content_id() == Some("office.png"))
            .expect("a part with the Content-ID the HTML uses");
        assert_eq!(image.contents(), png.as_slice());
        assert!(
            image
                .content_disposition()
                .is_some_and(|d| d.ctype() == "inline"),
            "shown in place, not listed as an attachment"
        );
        assert_eq!(
            parsed.body_text(0).as_deref(),
            Some("Does Thursday suit you?"),
            "the plain-text alternative is still there"
        );
    }
}

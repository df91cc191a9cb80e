//! A message's body as the conversation view shows it: the HTML sanitized by
//! [`candor_mail::html`], with remote content (images, style sheets,
//! tracking pixels) kept out unless the user lets it in, for one message or
//! always for its sender.
//!
//! The sanitized fragment is not wrapped in anything: the view puts it in a
//! sandboxed frame with its own Content Security Policy.

use candor_mail::address::parse_address;
use candor_mail::html::{InlineImages, Options, sanitize};
pub use candor_store::remote_content::RemoteContentSender;
use serde::Serialize;

use super::Candor;
use crate::ApiError;

/// A message's body, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageBody {
    /// The sanitized HTML fragment; None when the message has no HTML.
    /// Remote images not loaded are `<img data-candor-blocked>` (with their
    /// size and alt text) for a placeholder.
    pub html: Option<String>,
    /// The plain-text body (for an HTML-only message, text derived from it).
    pub text: Option<String>,
    /// Remote images, CSS URLs and backgrounds kept out of `html`; the view
    /// offers to load them when this is not 0.
    pub remote_blocked: u32,
    /// The sender is on the "always load remote content" list, so remote
    /// content was loaded whatever `load_remote` said.
    pub remote_allowed_for_sender: bool,
}

/// The body of a message, with remote content loaded when `load_remote`
/// (the user asked, for this message) or when its sender is on the list.
pub fn message_body(
    candor: &Candor,
    message_id: i64,
    load_remote: bool,
) -> Result<MessageBody, ApiError> {
    let (stored, allowed, parts) = {
        let store = candor.reader();
        let stored = store
            .message_body(message_id)?
            .ok_or_else(|| ApiError::not_found(format!("Message {message_id} does not exist.")))?;
        let allowed = match stored.from_address.as_deref() {
            Some(from) if !from.trim().is_empty() => store.remote_content_allowed(from)?,
            _ => false,
        };
        let parts = match stored.text_html.as_deref() {
            Some(html) if mentions_cid(html) => {
                let mut decoded = super::attachments::MessageParts::new(message_id);
                let mut parts = Vec::new();
                for part in store.inline_parts(message_id)? {
                    let data = decoded.bytes(
                        &store,
                        part.position,
                        part.filename.as_deref(),
                        &part.content_type,
                        part.data,
                    );
                    // An image that cannot be read shows as a broken image.
                    if let Ok(data) = data {
                        parts.push((part.content_id, part.content_type, data));
                    }
                }
                parts
            }
            _ => Vec::new(),
        };
        (stored, allowed, parts)
    };
    // Sanitizing is CPU work: done after letting go of the store.
    let sanitized = stored.text_html.as_deref().map(|html| {
        let mut inline_images = InlineImages::new();
        for (content_id, content_type, data) in &parts {
            inline_images.insert(content_id, content_type, data);
        }
        sanitize(
            html,
            &Options {
                load_remote: load_remote || allowed,
                inline_images,
            },
        )
    });
    let remote_blocked = sanitized.as_ref().map_or(0, |s| s.remote_blocked);
    Ok(MessageBody {
        html: sanitized.map(|s| s.html),
        text: stored.text_plain,
        remote_blocked,
        remote_allowed_for_sender: allowed,
    })
}

/// Whether HTML may hold a `cid:` reference (reading the parts is skipped
/// otherwise; a reference spelled with character entities is missed and
/// its image left out, which is safe).
fn mentions_cid(html: &str) -> bool {
    html.as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"cid:"))
}

/// Always loads remote content in mail from `address` (the bar's "always
/// for this sender").
pub fn allow_remote_from(candor: &Candor, address: &str) -> Result<(), ApiError> {
    let address =
        parse_address(address).map_err(|e| ApiError::invalid("address", format!("{e}.")))?;
    candor.store().allow_remote_content(&address)?;
    Ok(())
}

/// Takes a sender off the list: their remote content is blocked again.
pub fn forget_remote_from(candor: &Candor, address: &str) -> Result<(), ApiError> {
    if address.trim().is_empty() {
        return Err(ApiError::invalid(
            "address",
            "Name the sender whose remote content should be blocked again.",
        ));
    }
    candor.store().forget_remote_content(address)?;
    Ok(())
}

/// The senders whose remote content always loads, by address.
pub fn remote_senders(candor: &Candor) -> Result<Vec<RemoteContentSender>, ApiError> {
    Ok(candor.reader().remote_content_senders()?)
}

#[cfg(test)]
mod tests {
    use super::mentions_cid;

    #[test]
    fn cid_references_are_noticed_in_any_case() {
        assert!(mentions_cid("<img src=\"cid:logo@x\">"));
        assert!(mentions_cid("<img src=\"CID:logo@x\">"));
        assert!(!mentions_cid("<p>no images</p>"));
    }
}

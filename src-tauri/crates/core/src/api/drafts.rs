//! Drafts: the compose form saves what the user writes as they type, and
//! takes it up again when it opens in the same place, so that closing the
//! form, a crash or a restart loses nothing.

pub use candor_store::drafts::{Draft, DraftFields};

use super::Candor;
use crate::ApiError;

/// Longest draft body we keep, in bytes: far beyond any letter, short of
/// filling the disk from a runaway paste.
const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// A draft's place: `record:ID` (a new message from a record's page),
/// `reply:MESSAGE_ID` or `reply-all:MESSAGE_ID`, or `new` (the Email tab).
fn check_context(context: &str) -> Result<&str, ApiError> {
    let context = context.trim();
    let valid = context == "new"
        || ["record:", "reply:", "reply-all:"].iter().any(|prefix| {
            context
                .strip_prefix(prefix)
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
        });
    if valid {
        Ok(context)
    } else {
        Err(ApiError::invalid(
            "context",
            format!("\"{context}\" is not a place a draft is written from."),
        ))
    }
}

/// Saves the draft written from `context`; returns when (Unix seconds).
pub fn save(candor: &Candor, context: &str, fields: &DraftFields) -> Result<i64, ApiError> {
    let context = check_context(context)?;
    if fields.body.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid(
            "body",
            "This message is longer than 5 MB; attach long documents as files instead.",
        ));
    }
    Ok(candor.store().save_draft(context, fields)?)
}

pub fn get(candor: &Candor, context: &str) -> Result<Option<Draft>, ApiError> {
    Ok(candor.reader().draft(check_context(context)?)?)
}

/// Every draft, most recently saved first.
pub fn list(candor: &Candor) -> Result<Vec<Draft>, ApiError> {
    Ok(candor.reader().drafts()?)
}

/// Throws a draft away (after sending it, or when the user discards it).
pub fn discard(candor: &Candor, context: &str) -> Result<(), ApiError> {
    candor.store().delete_draft(check_context(context)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_context;

    #[test]
    fn only_known_places_hold_drafts() {
        for ok in ["new", "record:7", "reply:40", "reply-all:40", " record:7 "] {
            assert!(check_context(ok).is_ok(), "{ok}");
        }
        for bad in ["", "record:", "record:x", "reply:4 0", "other:1", "../x"] {
            assert!(check_context(bad).is_err(), "{bad}");
        }
    }
}

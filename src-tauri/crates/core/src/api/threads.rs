//! Conversations: the thread list and one conversation's messages.

use candor_store::messages::ThreadFilter;
pub use candor_store::messages::{MessageView, ThreadSummary};
use serde::Serialize;

use super::Candor;
use crate::ApiError;

/// A conversation with its messages, oldest first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreadDetail {
    pub summary: ThreadSummary,
    pub messages: Vec<MessageView>,
}

/// Threads by latest activity, newest first; optionally one account's, or
/// one folder's (by role such as "inbox", or by name).
pub fn list(
    candor: &Candor,
    account: Option<&str>,
    folder: Option<&str>,
    limit: u32,
) -> Result<Vec<ThreadSummary>, ApiError> {
    let store = candor.store();
    let account_id = account
        .map(|name| super::accounts::resolve(&store, name))
        .transpose()?;
    Ok(store.list_threads(&ThreadFilter {
        account_id,
        folder: folder.map(str::to_owned),
        limit,
    })?)
}

pub fn get(candor: &Candor, id: i64) -> Result<ThreadDetail, ApiError> {
    let store = candor.store();
    if !store.thread_exists(id)? {
        return Err(ApiError::not_found(format!(
            "Conversation {id} does not exist."
        )));
    }
    Ok(ThreadDetail {
        summary: store.thread_summary(id)?,
        messages: store.thread_messages(id)?,
    })
}

pub fn message(candor: &Candor, id: i64) -> Result<MessageView, ApiError> {
    candor
        .store()
        .message_view(id)?
        .ok_or_else(|| ApiError::not_found(format!("Message {id} does not exist.")))
}

/// The message exactly as it arrived.
pub fn message_raw(candor: &Candor, id: i64) -> Result<Vec<u8>, ApiError> {
    candor
        .store()
        .message_raw(id)?
        .ok_or_else(|| ApiError::not_found(format!("Message {id} does not exist.")))
}

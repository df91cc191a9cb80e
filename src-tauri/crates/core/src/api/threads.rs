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
    let store = candor.reader();
    let account_id = account
        .map(|name| super::accounts::resolve(&store, name))
        .transpose()?;
    Ok(store.list_threads(&ThreadFilter {
        account_id,
        folder: folder.map(str::to_owned),
        limit,
        ..ThreadFilter::default()
    })?)
}

pub fn get(candor: &Candor, id: i64) -> Result<ThreadDetail, ApiError> {
    let store = candor.reader();
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

/// Splits a message (with the replies to it) off its conversation, for
/// good: resyncs keep it apart. Returns its new conversation.
pub fn split(candor: &Candor, message_id: i64) -> Result<ThreadDetail, ApiError> {
    let thread = {
        let mut store = candor.store();
        store.split_message(message_id)?;
        super::mail::rethread(&mut store)?;
        store.thread_of_message(message_id)?
    };
    get(candor, thread.ok_or_else(|| unthreaded(message_id))?)
}

/// Merges conversations into one, for good: resyncs keep them together and
/// new replies to any of them join. Returns the merged conversation.
pub fn merge(candor: &Candor, thread_ids: &[i64]) -> Result<ThreadDetail, ApiError> {
    if thread_ids.len() < 2 {
        return Err(ApiError::invalid(
            "threads",
            "Name at least two conversations to merge.",
        ));
    }
    let (anchor, thread) = {
        let mut store = candor.store();
        // Any message of the first conversation finds the merged one after.
        let anchor = store
            .thread_messages(thread_ids[0])?
            .first()
            .map(|m| m.id)
            .ok_or_else(|| {
                ApiError::not_found(format!("Conversation {} does not exist.", thread_ids[0]))
            })?;
        store.merge_threads(thread_ids)?;
        super::mail::rethread(&mut store)?;
        (anchor, store.thread_of_message(anchor)?)
    };
    get(candor, thread.ok_or_else(|| unthreaded(anchor))?)
}

fn unthreaded(message_id: i64) -> ApiError {
    ApiError::storage(format!(
        "Message {message_id} belongs to no conversation after rethreading; run `candor db check`."
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use candor_store::Unlock;
    use zeroize::Zeroizing;

    use super::*;

    /// The app opens a conversation while a sync holds the store for a
    /// batch of messages (up to a few tenths of a second each on a big
    /// first sync): the read goes through the read-only connection and does
    /// not wait. Without it, the read would wait for the store until the
    /// test gives up.
    #[test]
    fn a_conversation_opens_while_a_sync_holds_the_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let candor = Candor::open(
            dir.path(),
            &Unlock::Passphrase(Zeroizing::new("reader test".into())),
            true,
        )
        .expect("open");
        {
            let mut store = candor.store();
            let account = store
                .insert_local_account("Work", "me@example.com")
                .expect("account");
            let inbox = store
                .ensure_folder(account, "INBOX", Some("inbox"))
                .expect("inbox");
            let raw = b"Message-ID: <cv@x>\r\nSubject: My CV\r\n\r\nAttached.\r\n".to_vec();
            let message =
                super::super::mail::NewMessageFrom::raw(account, inbox, raw).into_new_message();
            let id = store.insert_message(&message).expect("insert").id();
            store.apply_threads(&[vec![id]]).expect("thread");
        }
        candor.open_reader().expect("the read-only connection");
        let thread_id = list(&candor, None, None, 10).expect("threads")[0].id;

        std::thread::scope(|scope| {
            let sync_holds_the_store = candor.store();
            let (answer, answered) = mpsc::channel();
            let candor = &candor;
            scope.spawn(move || {
                // The test has given up when nobody receives.
                let _ = answer.send(get(candor, thread_id));
            });
            let opened = answered.recv_timeout(Duration::from_secs(10));
            drop(sync_holds_the_store);
            let detail = opened
                .expect("the conversation opens while the store is held")
                .expect("the conversation");
            assert_eq!(detail.messages[0].subject, "My CV");
        });
    }
}

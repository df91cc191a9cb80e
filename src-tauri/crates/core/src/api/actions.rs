//! What the user does to mail: mark read or unread, flag, move, delete.
//!
//! Every action changes the local copy at once (the UI never waits on the
//! network) and, for IMAP accounts, queues the same change for the server;
//! the account's next sync carries it out (see `sync::tasks`). POP3 and
//! local accounts change here only, except that a POP3 account set to
//! "delete from the server when deleted here" deletes the server's copy at
//! its next sync.

use std::collections::BTreeMap;

pub use candor_store::tasks::TaskSummary;

use super::Candor;
use crate::ApiError;

/// Marks messages read (`seen`) and/or flagged; `None` leaves that state as
/// it is. Returns how many messages there were.
pub fn mark(
    candor: &Candor,
    message_ids: &[i64],
    seen: Option<bool>,
    flagged: Option<bool>,
) -> Result<usize, ApiError> {
    if seen.is_none() && flagged.is_none() {
        return Err(ApiError::invalid(
            "flags",
            "Say what to change: read or unread, flagged or unflagged.",
        ));
    }
    let mut store = candor.store();
    for id in message_ids {
        store.message_place(*id)?;
    }
    Ok(store.queue_flags(message_ids, seen, flagged)?)
}

/// Moves messages to a folder of their own account, named by role (inbox,
/// archive, trash, junk, ...) or by name. Returns how many moved.
pub fn move_to(candor: &Candor, message_ids: &[i64], folder: &str) -> Result<usize, ApiError> {
    let mut store = candor.store();
    let mut by_account: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for id in message_ids {
        let (account, _, _) = store.message_place(*id)?;
        by_account.entry(account).or_default().push(*id);
    }
    let mut moved = 0;
    for (account, ids) in by_account {
        let target = store.find_folder(account, folder.trim())?.ok_or_else(|| {
            ApiError::invalid(
                "folder",
                format!(
                    "The account of message {} has no folder \"{}\"; use a role (inbox, archive, trash, junk) or a folder's name.",
                    ids[0],
                    folder.trim()
                ),
            )
        })?;
        moved += store.queue_move(&ids, target)?;
    }
    Ok(moved)
}

/// Deletes messages the way mail clients do: into the account's Trash, or
/// for good when they are in the Trash already or the account has none.
/// Returns how many were moved to the Trash or deleted.
pub fn delete(candor: &Candor, message_ids: &[i64]) -> Result<usize, ApiError> {
    let mut store = candor.store();
    let mut to_trash: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut for_good = Vec::new();
    for id in message_ids {
        let (account, _, role) = store.message_place(*id)?;
        match store.find_folder(account, "trash")? {
            Some(trash) if role.as_deref() != Some("trash") => {
                to_trash.entry(trash).or_default().push(*id);
            }
            _ => for_good.push(*id),
        }
    }
    let mut done = store.queue_delete(&for_good)?;
    for (trash, ids) in to_trash {
        done += store.queue_move(&ids, trash)?;
    }
    Ok(done)
}

/// Actions still waiting for the server, or refused by it (their local
/// change undone), newest first.
pub fn open_tasks(candor: &Candor, account: Option<&str>) -> Result<Vec<TaskSummary>, ApiError> {
    let store = candor.store();
    let account = account
        .map(|name| super::accounts::resolve(&store, name))
        .transpose()?;
    Ok(store.open_tasks(account)?)
}

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

/// Archives messages: into the account's Archive folder, or where it has
/// none but has an All Mail folder (Gmail), there, which at Gmail takes the
/// Inbox label off and is Gmail's own Archive. Returns how many moved.
pub fn archive(candor: &Candor, message_ids: &[i64]) -> Result<usize, ApiError> {
    let mut store = candor.store();
    let mut by_target: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for id in message_ids {
        let (account, _, _) = store.message_place(*id)?;
        let target = match store.find_folder(account, "archive")? {
            Some(folder) => folder,
            None => store.find_folder(account, "all")?.ok_or_else(|| {
                ApiError::invalid(
                    "folder",
                    format!(
                        "The account of message {id} has no Archive folder; move the message to a folder instead."
                    ),
                )
            })?,
        };
        by_target.entry(target).or_default().push(*id);
    }
    let mut moved = 0;
    for (target, ids) in by_target {
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

#[cfg(test)]
mod tests {
    use super::*;
    use candor_store::Unlock;
    use zeroize::Zeroizing;

    /// A local account laid out like Gmail (INBOX and All Mail, no Archive)
    /// and one like a plain IMAP server (with Archive), a message in each Inbox.
    fn mailboxes(dir: &std::path::Path) -> (Candor, i64, i64, i64, i64) {
        let candor = Candor::open(
            dir,
            &Unlock::Passphrase(Zeroizing::new("archive test".into())),
            true,
        )
        .expect("open");
        let mut ids = Vec::new();
        {
            let mut store = candor.store();
            for (name, second) in [
                ("Gmail", ("[Gmail]/All Mail", "all")),
                ("Work", ("Archive", "archive")),
            ] {
                let account = store
                    .insert_local_account(name, "me@example.com")
                    .expect("account");
                let inbox = store
                    .ensure_folder(account, "INBOX", Some("inbox"))
                    .expect("inbox");
                let other = store
                    .ensure_folder(account, second.0, Some(second.1))
                    .expect("folder");
                let raw =
                    format!("Message-ID: <{name}@x>\r\nSubject: hi\r\n\r\nbody\r\n").into_bytes();
                let message =
                    super::super::mail::NewMessageFrom::raw(account, inbox, raw).into_new_message();
                let id = store.insert_message(&message).expect("insert").id();
                ids.push((id, other));
            }
        }
        (candor, ids[0].0, ids[0].1, ids[1].0, ids[1].1)
    }

    #[test]
    fn archiving_uses_archive_or_at_gmail_all_mail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (candor, gmail_message, all_mail, work_message, archive) = mailboxes(dir.path());
        assert_eq!(archive_now(&candor, &[gmail_message, work_message]), 2);
        let store = candor.store();
        assert_eq!(
            store.message_place(gmail_message).expect("place").1,
            Some(all_mail)
        );
        assert_eq!(
            store.message_place(work_message).expect("place").1,
            Some(archive)
        );
    }

    fn archive_now(candor: &Candor, ids: &[i64]) -> usize {
        archive(candor, ids).expect("archive")
    }
}

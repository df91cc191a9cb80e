//! The remote half of the user's mail actions (read, flag, move, delete):
//! the local half was applied when the user acted (see candor-store's
//! `tasks`); here each due task is carried out on the server at the start of
//! the account's sync, before anything is pulled, so the pull sees the
//! server in the state the user asked for.
//!
//! A task the server refuses is retried with back-off; after
//! [`MAX_ATTEMPTS`] refusals it fails and the local change is undone (the
//! server's state wins, and the user sees why in `candor tasks`). A lost
//! connection fails the sync, not the task: it stays due.

use candor_mail::imap::{FlagChange, ImapError, ImapSession};
use candor_store::tasks::{DueTask, TaskKind};

use super::now;
use crate::api::Candor;

/// Refusals before a task fails for good.
pub(crate) const MAX_ATTEMPTS: u32 = 5;

/// The wait before retrying a refused task: 1, 2, 4, 8 minutes.
fn retry_delay(attempts: u32) -> i64 {
    60 * 2_i64.pow(attempts.min(10))
}

fn storage(e: impl Into<crate::ApiError>) -> ImapError {
    ImapError::Protocol(format!(
        "storing a task's outcome failed: {}",
        e.into().message
    ))
}

/// Carries out the account's due tasks; returns how many the server did.
pub(super) async fn push(
    candor: &Candor,
    account_id: i64,
    session: &mut ImapSession,
) -> Result<u32, ImapError> {
    let due = candor.store().due_tasks(account_id).map_err(storage)?;
    let mut selected: Option<String> = None;
    let mut done = 0;
    for task in due {
        // A message moved here waits for the next pull to learn its new UID.
        let (Some(folder), Some(uid)) = (task.folder.clone(), task.uid) else {
            continue;
        };
        let outcome = run(session, &mut selected, &folder, uid, &task).await;
        let mut store = candor.store();
        match outcome {
            Ok(()) => {
                store.finish_task(task.id).map_err(storage)?;
                done += 1;
            }
            // The connection is gone: the sync fails and the task stays due.
            Err(e @ ImapError::Net(_)) => return Err(e),
            Err(refused) => {
                let reason = refused.to_string();
                tracing::warn!(task = task.id, %reason, "the server refused a task");
                if task.attempts + 1 >= MAX_ATTEMPTS {
                    store.fail_task(task.id, &reason).map_err(storage)?;
                } else {
                    store
                        .retry_task(task.id, &reason, now() + retry_delay(task.attempts))
                        .map_err(storage)?;
                }
            }
        }
    }
    Ok(done)
}

async fn run(
    session: &mut ImapSession,
    selected: &mut Option<String>,
    folder: &str,
    uid: u32,
    task: &DueTask,
) -> Result<(), ImapError> {
    if selected.as_deref() != Some(folder) {
        *selected = None;
        session.select(folder).await?;
        *selected = Some(folder.to_owned());
    }
    let uid = uid.to_string();
    match task.kind {
        TaskKind::SetFlags => {
            session
                .store_flags(
                    &uid,
                    FlagChange {
                        seen: task.seen,
                        flagged: task.flagged,
                    },
                )
                .await
        }
        TaskKind::Move => {
            let target = task.target_folder.as_deref().ok_or_else(|| {
                ImapError::Protocol("the folder to move to no longer exists".into())
            })?;
            session.move_to(&uid, target).await
        }
        TaskKind::Delete => session.delete(&uid).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_tasks_back_off_before_failing() {
        assert_eq!(retry_delay(0), 60);
        assert_eq!(retry_delay(3), 480);
        assert!(
            (0..MAX_ATTEMPTS).map(retry_delay).sum::<i64>() < 24 * 3600,
            "a refused task fails within a day, so the user hears of it"
        );
    }
}

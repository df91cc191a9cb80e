//! POP3 sync: download what UIDL says is new into the account's Inbox, then
//! apply the account's delete policy. POP3 has no folders, flags or moves.

use std::collections::HashMap;

use candor_mail::pop3::{Pop3Error, Pop3Session, ServerLogin};
use candor_store::messages::Inserted;

use super::{AccountSyncReport, FolderSyncReport, now};
use crate::api::Candor;
use crate::api::mail::NewMessageFrom;

const DAY: i64 = 86_400;

/// Which server messages to delete now, by UIDL, under "delete after N days":
/// those first downloaded at least N days ago and not yet deleted.
pub(crate) fn due_for_deletion(
    after_days: Option<u32>,
    seen: &HashMap<String, (i64, bool)>,
    now: i64,
) -> Vec<String> {
    let Some(days) = after_days else {
        return Vec::new();
    };
    let mut due: Vec<String> = seen
        .iter()
        .filter(|(_, (first_seen, deleted))| !deleted && now - first_seen >= i64::from(days) * DAY)
        .map(|(uidl, _)| uidl.clone())
        .collect();
    due.sort();
    due
}

pub(super) async fn sync(
    candor: &Candor,
    account_id: i64,
    config: &ServerLogin,
    report: &mut AccountSyncReport,
) -> Result<(), Pop3Error> {
    let storage =
        |e: crate::ApiError| Pop3Error::Protocol(format!("storing mail failed: {}", e.message));
    let started = now();
    let (folder_id, after_days, when_deleted_here) = {
        let mut store = candor.store();
        let folder = store
            .ensure_folder(account_id, "INBOX", Some("inbox"))
            .map_err(|e| storage(e.into()))?;
        let server = store
            .incoming_server(account_id)
            .map_err(|e| storage(e.into()))?;
        (
            folder,
            server.as_ref().and_then(|s| s.pop3_delete_after_days),
            server.is_some_and(|s| s.pop3_delete_when_deleted_here),
        )
    };
    let mut session = Pop3Session::connect(config).await?;
    let listing = session.uidl().await?;
    let seen = candor
        .store()
        .pop3_seen(account_id)
        .map_err(|e| storage(e.into()))?;
    let mut line = FolderSyncReport {
        folder: "INBOX".into(),
        on_server: u32::try_from(listing.len()).unwrap_or(u32::MAX),
        ..FolderSyncReport::default()
    };
    for (number, uidl) in listing.iter().filter(|(_, uidl)| !seen.contains_key(uidl)) {
        let raw = session.retr(*number).await?;
        let mut message = NewMessageFrom::raw(account_id, folder_id, raw).into_new_message();
        message.pop3_uidl = Some(uidl.clone());
        message.is_seen = false;
        let mut store = candor.store();
        if let Inserted::New(_) = store
            .insert_message(&message)
            .map_err(|e| storage(e.into()))?
        {
            line.fetched += 1;
        }
        store
            .mark_pop3_seen(account_id, uidl)
            .map_err(|e| storage(e.into()))?;
    }
    let seen = candor
        .store()
        .pop3_seen(account_id)
        .map_err(|e| storage(e.into()))?;
    let mut due = due_for_deletion(after_days, &seen, now());
    if when_deleted_here {
        due.extend(
            candor
                .store()
                .pop3_deleted_here(account_id)
                .map_err(|e| storage(e.into()))?,
        );
    }
    let due: std::collections::HashSet<String> = due.into_iter().collect();
    let mut deleted = Vec::new();
    for (number, uidl) in listing.iter().filter(|(_, uidl)| due.contains(uidl)) {
        session.dele(*number).await?;
        deleted.push(uidl);
    }
    // POP3 deletes only when the session ends with QUIT: a connection lost
    // before then deleted nothing, and the next sync tries again.
    session.quit().await?;
    for uidl in deleted {
        line.removed += 1;
        candor
            .store()
            .mark_pop3_deleted(account_id, uidl)
            .map_err(|e| storage(e.into()))?;
    }
    candor
        .store()
        .record_ledger(folder_id, started, line.on_server, line.fetched, &[], &[])
        .map_err(|e| storage(e.into()))?;
    report.folders.push(line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_after_days_takes_only_mail_downloaded_long_enough_ago() {
        let now = 1_800_000_000;
        let seen = HashMap::from([
            ("old".to_owned(), (now - 8 * DAY, false)),
            ("exactly-seven".to_owned(), (now - 7 * DAY, false)),
            ("recent".to_owned(), (now - DAY, false)),
            ("old-but-gone".to_owned(), (now - 30 * DAY, true)),
        ]);
        assert_eq!(
            due_for_deletion(Some(7), &seen, now),
            vec!["exactly-seven", "old"]
        );
        assert!(
            due_for_deletion(None, &seen, now).is_empty(),
            "leaving mail on the server deletes nothing"
        );
    }
}

//! Syncing IMAP accounts into the store: every selectable folder, new mail
//! newest first in batches, flags compared both ways (server to here, for
//! now), messages gone from the server removed, a UIDVALIDITY change answered
//! by refetching that folder, and a ledger line per folder saying what the
//! server had and what became of each message.
//!
//! The store lock is never held across network waits. Each message is stored
//! in its own transaction and the folder's state is saved last, so a crash or
//! a cut connection mid-sync resumes where it stopped, with no duplicates
//! (a message is known by folder and UID) and no gaps.

use candor_mail::imap::{ImapError, ImapSession, Security, ServerLogin};
use candor_mail::pop3::Pop3Error;

mod pop3;
pub mod schedule;
use candor_store::folders::FolderSyncState;
use candor_store::messages::Inserted;
use serde::Serialize;

use super::Candor;
use super::mail::{NewMessageFrom, rethread};
use crate::{ApiError, ErrorCode};

/// How many messages one FETCH asks for.
const BATCH: usize = 50;

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    pub accounts: Vec<AccountSyncReport>,
}

impl SyncReport {
    /// True when every account and folder synced.
    pub fn complete(&self) -> bool {
        self.accounts.iter().all(|a| a.error.is_none())
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountSyncReport {
    pub account: String,
    /// What stopped this account, with what to do; None when it synced.
    pub error: Option<String>,
    pub folders: Vec<FolderSyncReport>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FolderSyncReport {
    pub folder: String,
    pub on_server: u32,
    pub fetched: u32,
    pub removed: u32,
    pub flags_changed: u32,
    pub uid_validity_changed: bool,
}

/// Progress of a sync, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncProgress {
    pub account: String,
    pub folder: String,
    pub fetched: u32,
    pub to_fetch: u32,
}

/// Syncs one account (by name) or every account.
pub async fn sync(
    candor: &Candor,
    account: Option<&str>,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<SyncReport, ApiError> {
    let ids = {
        let store = candor.store();
        match account {
            Some(name) => vec![super::accounts::resolve(&store, name)?],
            None => store.account_ids()?,
        }
    };
    let mut report = SyncReport::default();
    for id in ids {
        report
            .accounts
            .push(sync_account(candor, id, progress).await?);
    }
    rethread(&mut candor.store())?;
    Ok(report)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

async fn sync_account(
    candor: &Candor,
    account_id: i64,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<AccountSyncReport, ApiError> {
    let (config, name, is_pop3) = {
        let store = candor.store();
        let server = store
            .incoming_server(account_id)?
            .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist.")))?;
        if server.protocol == "local" {
            // Imported mail: nothing to fetch.
            return Ok(AccountSyncReport {
                account: server.name,
                ..AccountSyncReport::default()
            });
        }
        let password = super::credentials::load(candor, &store, account_id, &server.name)?;
        let security = match server.security.as_deref() {
            Some("starttls") => Security::StartTls,
            Some("none") => Security::None,
            _ => Security::Tls,
        };
        let login = ServerLogin {
            host: server.host.clone().unwrap_or_default(),
            port: server.port.unwrap_or(993),
            security,
            username: server.username.clone().unwrap_or_default(),
            password,
            pinned_certificate_pem: server.pinned_certificate_pem.clone(),
        };
        (login, server.name, server.protocol == "pop3")
    };
    let mut report = AccountSyncReport {
        account: name.clone(),
        ..AccountSyncReport::default()
    };

    let result = if is_pop3 {
        pop3::sync(candor, account_id, &config, &mut report)
            .await
            .map_err(|e| match e {
                Pop3Error::AuthenticationFailed { server_said } => {
                    ImapError::AuthenticationFailed { server_said }
                }
                Pop3Error::Net(n) => ImapError::Net(n),
                other => ImapError::Protocol(other.to_string()),
            })
    } else {
        sync_folders(candor, account_id, &config, &name, &mut report, progress).await
    };
    let mut store = candor.store();
    match result {
        Ok(()) => store.set_account_status(account_id, "connected", None, true)?,
        Err(e) => {
            let status = match e {
                ImapError::AuthenticationFailed { .. } => "needs_password",
                _ => "error",
            };
            let message = e.to_string();
            store.set_account_status(account_id, status, Some(&message), false)?;
            report.error = Some(message);
        }
    }
    Ok(report)
}

async fn sync_folders(
    candor: &Candor,
    account_id: i64,
    config: &ServerLogin,
    account: &str,
    report: &mut AccountSyncReport,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<(), ImapError> {
    let storage = |e: ApiError| ImapError::Protocol(format!("storing mail failed: {}", e.message));
    let mut session = ImapSession::connect(config).await?;
    let folders = session.folders().await?;
    for folder in folders.into_iter().filter(|f| f.selectable) {
        let started = now();
        let folder_id = candor
            .store()
            .upsert_folder(
                account_id,
                &folder.name,
                folder.delimiter.as_deref(),
                folder.role.map(|r| r.as_str()),
                true,
            )
            .map_err(|e| storage(e.into()))?;
        let status = session.select(&folder.name).await?;
        let mut line = FolderSyncReport {
            folder: folder.name.clone(),
            on_server: status.exists,
            ..FolderSyncReport::default()
        };

        let previous = candor
            .store()
            .folder_sync_state(folder_id)
            .map_err(|e| storage(e.into()))?;
        if previous.uid_validity.is_some() && previous.uid_validity != status.uid_validity {
            // Every UID we hold for this folder is void: refetch it whole.
            candor
                .store()
                .clear_folder_messages(folder_id)
                .map_err(|e| storage(e.into()))?;
            line.uid_validity_changed = true;
        }
        let known = candor
            .store()
            .known_messages(folder_id)
            .map_err(|e| storage(e.into()))?;
        let on_server = session.uids_newest_first().await?;
        let on_server_set: std::collections::HashSet<u32> = on_server.iter().copied().collect();
        let known_uids: std::collections::HashSet<u32> = known.iter().map(|k| k.uid).collect();

        let gone: Vec<i64> = known
            .iter()
            .filter(|k| !on_server_set.contains(&k.uid))
            .map(|k| k.message_id)
            .collect();
        if !gone.is_empty() {
            candor
                .store()
                .delete_messages(&gone)
                .map_err(|e| storage(e.into()))?;
            line.removed = u32::try_from(gone.len()).unwrap_or(u32::MAX);
        }

        // Flags of what we already hold.
        if !known.is_empty() && !on_server.is_empty() {
            let flags = session.flags("1:*").await?;
            let mut store = candor.store();
            for f in flags {
                if let Some(k) = known.iter().find(|k| k.uid == f.uid)
                    && (k.seen != f.seen || k.flagged != f.flagged)
                {
                    store
                        .set_message_flags(k.message_id, f.seen, f.flagged)
                        .map_err(|e| storage(e.into()))?;
                    line.flags_changed += 1;
                }
            }
        }

        // New mail, newest first, in batches.
        let new: Vec<u32> = on_server
            .iter()
            .copied()
            .filter(|u| !known_uids.contains(u))
            .collect();
        let to_fetch = u32::try_from(new.len()).unwrap_or(u32::MAX);
        let mut failed: Vec<(Option<u32>, String)> = Vec::new();
        for batch in new.chunks(BATCH) {
            let set = batch
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched = session.fetch(&set).await?;
            let mut store = candor.store();
            for uid in batch {
                let Some(m) = fetched.iter().find(|m| m.uid == *uid) else {
                    failed.push((
                        Some(*uid),
                        "the server returned nothing for this message".into(),
                    ));
                    continue;
                };
                let mut message =
                    NewMessageFrom::raw(account_id, folder_id, m.raw.clone()).into_new_message();
                message.uid = Some(i64::from(m.uid));
                message.is_seen = m.seen;
                message.is_flagged = m.flagged;
                message.is_answered = m.answered;
                message.is_draft = m.draft;
                if let Some(date) = m.internal_date {
                    message.received_at = date;
                }
                match store
                    .insert_message(&message)
                    .map_err(|e| storage(e.into()))?
                {
                    Inserted::New(_) => line.fetched += 1,
                    Inserted::Duplicate(_) => {}
                }
            }
            drop(store);
            progress(SyncProgress {
                account: account.to_owned(),
                folder: folder.name.clone(),
                fetched: line.fetched,
                to_fetch,
            });
        }

        let mut store = candor.store();
        store
            .set_folder_sync_state(
                folder_id,
                FolderSyncState {
                    uid_validity: status.uid_validity,
                    uid_next: status.uid_next,
                    highest_modseq: status.highest_modseq,
                },
            )
            .map_err(|e| storage(e.into()))?;
        store
            .record_ledger(
                folder_id,
                started,
                status.exists,
                line.fetched,
                &[],
                &failed,
            )
            .map_err(|e| storage(e.into()))?;
        report.folders.push(line);
    }
    session.logout().await?;
    Ok(())
}

/// Keeps every account in sync: each is synced every `interval`, an account
/// that fails backs off on its own schedule (the others carry on), and
/// `report` hears about each pass. Runs until `stop` resolves.
pub async fn watch(
    candor: &Candor,
    interval: std::time::Duration,
    report: &mut (dyn FnMut(&AccountSyncReport) + Send),
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), ApiError> {
    use std::collections::HashMap;
    use tokio::time::Instant;

    let mut failures: HashMap<i64, u32> = HashMap::new();
    let mut due: HashMap<i64, Instant> = HashMap::new();
    let mut progress = |_: SyncProgress| {};
    tokio::pin!(stop);
    loop {
        let ids = candor.store().account_ids()?;
        let now = Instant::now();
        for id in ids {
            if due.get(&id).is_some_and(|at| *at > now) {
                continue;
            }
            let result = sync_account(candor, id, &mut progress).await?;
            let failed = result.error.is_some();
            let count = failures.entry(id).or_insert(0);
            *count = if failed { count.saturating_add(1) } else { 0 };
            due.insert(id, Instant::now() + schedule::next_delay(interval, *count));
            rethread(&mut candor.store())?;
            report(&result);
        }
        let next = due
            .values()
            .min()
            .copied()
            .unwrap_or_else(|| Instant::now() + interval);
        tokio::select! {
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep_until(next) => {}
        }
    }
}

/// The ledger: per folder, what the server had and what became of it.
pub fn ledger(
    candor: &Candor,
    account: Option<&str>,
) -> Result<Vec<candor_store::folders::LedgerEntry>, ApiError> {
    let store = candor.store();
    let id = account
        .map(|name| super::accounts::resolve(&store, name))
        .transpose()?;
    Ok(store.ledger(id)?)
}

impl From<ImapError> for ApiError {
    fn from(e: ImapError) -> Self {
        Self {
            code: ErrorCode::Storage,
            message: e.to_string(),
            field: None,
        }
    }
}

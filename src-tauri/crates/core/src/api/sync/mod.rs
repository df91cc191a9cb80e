//! Syncing IMAP accounts into the store: the user's own changes (read,
//! flagged, moved, deleted) pushed to the server first, then every selectable
//! folder pulled: new mail newest first in batches, flag changes (by
//! CONDSTORE where the server has it), messages gone from the server
//! removed, a UIDVALIDITY change answered by refetching that folder, and a
//! ledger line per folder saying what the server had and what became of
//! each message. `watch` keeps every account in sync, with IDLE on the Inbox
//! for new mail within seconds.
//!
//! The store lock is never held across network waits. Each message is stored
//! in its own transaction and the folder's state is saved last, so a crash or
//! a cut connection mid-sync resumes where it stopped, with no duplicates
//! (a message is known by folder and UID) and no gaps.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use candor_mail::imap::{
    FolderRole, ImapError, ImapSession, RemoteFolder, RemoteMessage, Security, ServerLogin,
};
use candor_mail::pop3::Pop3Error;
use candor_store::folders::{FlagChange, FolderSyncState, KnownMessage};
use candor_store::messages::Inserted;
use serde::Serialize;

mod idle;
mod pop3;
pub mod schedule;
mod tasks;

use super::Candor;
use super::mail::{NewMessageFrom, rethread, rethread_if_unthreaded};
use crate::{ApiError, ErrorCode};

/// At most this many bytes of mail in one FETCH (however many messages that
/// is, at least one): a batch of large attachments must not fill memory.
const BATCH_BYTES: u64 = 32 * 1024 * 1024;

/// How many messages one FETCH asks for.
const BATCH: usize = 200;

/// How much fetched mail one transaction stores at most, in messages and in
/// bytes of source. Every transaction rewrites the pages it touches of the
/// indexes all messages share (addresses, Message-IDs, sources' hashes: keys
/// spread over the whole index), so a first sync writes them less often in
/// fewer, larger transactions: 1,000 messages a transaction took 10.5-11.9 s
/// for the benchmark's 20,000 where 200 took 13.2-14.7 s. The bytes bound
/// what is held in memory meanwhile; a transaction of 1,000 holds the store
/// for a few tenths of a second. The first batches of a first Inbox sync
/// are stored one by one all the same, so its newest conversations show
/// at once.
const COMMIT_MESSAGES: usize = 1000;
const COMMIT_KIB: u32 = 24 * 1024;

/// At most this much mail (KiB, by the server's sizes) is held between the
/// server and the store: being fetched, parsed, or waiting for its
/// transaction. Bounds a sync's memory however large the messages are.
const IN_FLIGHT_KIB: u32 = 64 * 1024;

/// The most one fetch counts against `IN_FLIGHT_KIB` (a single larger
/// message is fetched alone and counts as this much), so that a fetch can
/// always go ahead while less than a transaction's worth waits to be stored.
const MAX_BATCH_KIB: u32 = IN_FLIGHT_KIB - COMMIT_KIB;

/// Batches of a first Inbox sync after which conversations are rebuilt:
/// the newest 1,000 messages, enough for the first pages of the list.
const EARLY_THREADING_BATCHES: usize = 5;

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
    /// Folders the server no longer has, forgotten here with their mail.
    pub folders_removed: u32,
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
    rethread_if_changed(candor, &report.accounts)?;
    Ok(report)
}

/// Rebuilds conversations when the stored mail changed: messages arrived
/// that belong to no conversation yet (also after a crash between storing
/// and threading), or messages were removed. A sync that changed nothing
/// leaves them be, which keeps a no-change resync fast.
fn rethread_if_changed(candor: &Candor, reports: &[AccountSyncReport]) -> Result<(), ApiError> {
    let removed = reports.iter().any(|a| a.folders_removed > 0)
        || reports
            .iter()
            .flat_map(|a| &a.folders)
            .any(|f| f.removed > 0 || f.uid_validity_changed);
    let mut store = candor.store();
    if removed || store.has_unthreaded_messages()? {
        rethread(&mut store)?;
    }
    Ok(())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

/// Where an account's mail comes from.
pub(super) enum Incoming {
    /// Imported mail: nothing to fetch.
    Local,
    Imap(ServerLogin),
    Pop3(ServerLogin),
}

/// The account's name and how to reach its incoming server: with its
/// password, or for an account that signs in with its provider a fresh
/// access token (refreshed now with `force_refresh`).
async fn incoming(
    candor: &Candor,
    account_id: i64,
    force_refresh: bool,
) -> Result<(String, Incoming), ApiError> {
    let server = candor
        .store()
        .incoming_server(account_id)?
        .ok_or_else(|| ApiError::not_found(format!("Account {account_id} does not exist.")))?;
    if server.protocol == "local" {
        return Ok((server.name, Incoming::Local));
    }
    let (password, mechanism) =
        super::oauth::mail_secret(candor, account_id, &server.name, force_refresh).await?;
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
        mechanism,
    };
    let incoming = if server.protocol == "pop3" {
        Incoming::Pop3(login)
    } else {
        Incoming::Imap(login)
    };
    Ok((server.name, incoming))
}

async fn sync_account(
    candor: &Candor,
    account_id: i64,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<AccountSyncReport, ApiError> {
    let (name, incoming) = match incoming(candor, account_id, false).await {
        Ok(found) => found,
        // A sign-in that is missing or was refused stops this account only
        // (the OAuth module has set its status), and says what to do.
        Err(e) if super::oauth::is_oauth(candor, account_id)? => {
            let name = candor
                .store()
                .incoming_server(account_id)?
                .map(|s| s.name)
                .unwrap_or_default();
            if candor.store().account_status(account_id)?.as_deref() != Some("needs_sign_in") {
                // The provider could not be reached: try again later.
                candor
                    .store()
                    .set_account_status(account_id, "error", Some(&e.message), false)?;
            }
            return Ok(AccountSyncReport {
                account: name,
                error: Some(e.message),
                ..AccountSyncReport::default()
            });
        }
        // A missing password stops this account only, and says what to do.
        Err(e) if e.code == ErrorCode::NotFound || e.code == ErrorCode::KeyringUnavailable => {
            let name = candor
                .store()
                .incoming_server(account_id)?
                .map(|s| s.name)
                .unwrap_or_default();
            candor.store().set_account_status(
                account_id,
                "needs_password",
                Some(&e.message),
                false,
            )?;
            return Ok(AccountSyncReport {
                account: name,
                error: Some(e.message),
                ..AccountSyncReport::default()
            });
        }
        Err(e) => return Err(e),
    };
    let mut report = AccountSyncReport {
        account: name.clone(),
        ..AccountSyncReport::default()
    };

    if !matches!(incoming, Incoming::Local) {
        // The outbox first: what the user wrote goes out before anything
        // else. Its failures stay with each message (`candor outbox`).
        if let Err(e) = super::send::send_account(candor, account_id, false).await {
            tracing::warn!(account = %name, reason = %e.message, "sending from the outbox failed");
        }
    }
    let result = match &incoming {
        Incoming::Local => return Ok(report),
        Incoming::Pop3(config) => pop3::sync(candor, account_id, config, &mut report)
            .await
            .map_err(|e| match e {
                Pop3Error::AuthenticationFailed { server_said } => {
                    ImapError::AuthenticationFailed { server_said }
                }
                Pop3Error::Net(n) => ImapError::Net(n),
                other => ImapError::Protocol(other.to_string()),
            }),
        Incoming::Imap(config) => {
            match sync_folders(candor, account_id, config, &name, &mut report, progress).await {
                // The server refused the access token or ended the session
                // when it expired: once more with a fresh one. Syncing
                // resumes where it stopped, so nothing is fetched twice.
                Err(ImapError::TokenRejected { .. } | ImapError::TokenExpired { .. })
                    if super::oauth::is_oauth(candor, account_id)? =>
                {
                    tracing::info!(account = %name, "reconnecting with a fresh access token");
                    report.folders.clear();
                    match self::incoming(candor, account_id, true).await {
                        Ok((_, Incoming::Imap(fresh))) => {
                            sync_folders(candor, account_id, &fresh, &name, &mut report, progress)
                                .await
                        }
                        Ok(_) => Ok(()),
                        Err(e) => {
                            report.error = Some(e.message);
                            return Ok(report);
                        }
                    }
                }
                other => other,
            }
        }
    };
    let mut store = candor.store();
    match result {
        Ok(()) => store.set_account_status(account_id, "connected", None, true)?,
        Err(e) => {
            let status = match e {
                ImapError::AuthenticationFailed { .. } => "needs_password",
                ImapError::TokenRejected { .. } | ImapError::TokenExpired { .. } => "needs_sign_in",
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
    let mut session = ImapSession::connect(config).await?;
    // The user's own changes go to the server first, so what comes back
    // below already reflects them.
    tasks::push(candor, account_id, &mut session).await?;
    let folders = session.folders().await?;
    // A folder deleted on the server (by another client, or by the user in
    // webmail) goes here too, with its messages.
    let names: Vec<String> = folders.iter().map(|f| f.name.clone()).collect();
    let removed = candor
        .store()
        .remove_folders_not_in(account_id, &names)
        .map_err(storage)?;
    report.folders_removed = u32::try_from(removed).unwrap_or(u32::MAX);
    for folder in folders.into_iter().filter(|f| f.selectable) {
        let (line, returned) =
            sync_folder(candor, account_id, account, session, &folder, progress).await?;
        session = returned;
        report.folders.push(line);
    }
    session.logout().await?;
    Ok(())
}

fn storage(e: impl Into<ApiError>) -> ImapError {
    ImapError::Protocol(format!("storing mail failed: {}", e.into().message))
}

/// Brings one folder up to date: what is new on the server (since the last
/// UIDNEXT), what is gone (looked for only when the server's message count
/// says something went), and flags (with CONDSTORE only what changed since
/// the last HIGHESTMODSEQ; without it, all of them compared).
async fn sync_folder(
    candor: &Candor,
    account_id: i64,
    account: &str,
    mut session: ImapSession,
    folder: &RemoteFolder,
    progress: &mut (dyn FnMut(SyncProgress) + Send),
) -> Result<(FolderSyncReport, ImapSession), ImapError> {
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
        .map_err(storage)?;
    let status = session.select(&folder.name).await?;
    let mut line = FolderSyncReport {
        folder: folder.name.clone(),
        on_server: status.exists,
        ..FolderSyncReport::default()
    };

    let mut previous = candor
        .store()
        .folder_sync_state(folder_id)
        .map_err(storage)?;
    if previous.uid_validity.is_some() && previous.uid_validity != status.uid_validity {
        // Every UID we hold for this folder is void: refetch it whole.
        candor
            .store()
            .clear_folder_messages(folder_id)
            .map_err(storage)?;
        line.uid_validity_changed = true;
        previous = FolderSyncState::default();
    }
    let (known, held, pending_flags) = {
        let store = candor.store();
        let known: HashMap<u32, KnownMessage> = store
            .known_messages(folder_id)
            .map_err(storage)?
            .into_iter()
            .map(|k| (k.uid, k))
            .collect();
        // Moved or deleted here, not yet on the server: not new mail.
        let held = store.pending_source_uids(folder_id).map_err(storage)?;
        let pending_flags = store
            .messages_with_pending_flags(folder_id)
            .map_err(storage)?;
        (known, held, pending_flags)
    };
    let ours = |uid: &u32| known.contains_key(uid) || held.contains(uid);

    // New mail: above the last UIDNEXT (UIDs only grow), or all on a first sync.
    let mut new: Vec<u32> = match previous.uid_next {
        Some(first) => session.uids_from(first).await?,
        None => session.uids_newest_first().await?,
    };
    new.retain(|uid| !ours(uid));
    let expected = known.len() + held.len() + new.len();
    if usize::try_from(status.exists).unwrap_or(usize::MAX) != expected {
        // Something went (or a message below UIDNEXT is still missing here):
        // compare the whole list.
        let on_server = session.uids_newest_first().await?;
        let on_server_set: HashSet<u32> = on_server.iter().copied().collect();
        let gone: Vec<i64> = known
            .values()
            .filter(|k| !on_server_set.contains(&k.uid))
            .map(|k| k.message_id)
            .collect();
        if !gone.is_empty() {
            candor.store().delete_messages(&gone).map_err(storage)?;
            line.removed = u32::try_from(gone.len()).unwrap_or(u32::MAX);
        }
        new = on_server.into_iter().filter(|uid| !ours(uid)).collect();
    }

    // Flags of what we already hold, unless a change of ours is on its way.
    if !known.is_empty() {
        let changes = match (
            session.capabilities().condstore,
            previous.highest_modseq,
            status.highest_modseq,
        ) {
            (true, Some(before), Some(now)) if before == now => Vec::new(),
            (true, Some(before), Some(_)) => session.flags_changed_since(before).await?,
            _ => session.flags("1:*").await?,
        };
        let changed: Vec<FlagChange> = changes
            .iter()
            .filter_map(|f| {
                let k = known.get(&f.uid)?;
                (!pending_flags.contains(&k.message_id)
                    && (k.seen != f.seen || k.flagged != f.flagged))
                    .then_some(FlagChange {
                        message_id: k.message_id,
                        seen: f.seen,
                        flagged: f.flagged,
                    })
            })
            .collect();
        if !changed.is_empty() {
            candor
                .store()
                .set_messages_flags(&changed)
                .map_err(storage)?;
            line.flags_changed = u32::try_from(changed.len()).unwrap_or(u32::MAX);
        }
    }

    // New mail, newest first, in batches: fetched and parsed by a task of
    // its own while the previous batch is being stored, so the network, the
    // MIME parser and the encrypted store work at the same time instead of
    // in turn.
    let to_fetch = u32::try_from(new.len()).unwrap_or(u32::MAX);
    let mut failed: Vec<(Option<u32>, String)> = Vec::new();
    // On a first sync the Inbox's newest conversations are threaded after
    // each of its first batches (cheap while the store is small), so the
    // first screenful can be listed within seconds instead of after the
    // whole mailbox.
    let early_threading = previous.uid_next.is_none() && folder.role == Some(FolderRole::Inbox);
    let (mut batches, fetcher) = spawn_fetcher(session, new, account_id, folder_id);
    let mut received = 0;
    let mut pending = Pending::default();
    loop {
        let batch = match batches.recv().await {
            Some(Ok(batch)) => Some(batch),
            // What was fetched before the failure is kept.
            Some(Err(e)) => {
                pending.store(candor, &mut line).map_err(storage)?;
                return Err(e);
            }
            None => None,
        };
        let done = batch.is_none();
        let early = early_threading && received < EARLY_THREADING_BATCHES;
        if let Some(mut batch) = batch {
            failed.append(&mut batch.failed);
            pending.add(batch);
            received += 1;
        }
        if !(done || early || pending.is_full()) {
            continue;
        }
        if pending.store(candor, &mut line).map_err(storage)? {
            if early {
                rethread_if_unthreaded(&mut candor.store()).map_err(storage)?;
            }
            progress(SyncProgress {
                account: account.to_owned(),
                folder: folder.name.clone(),
                fetched: line.fetched,
                to_fetch,
            });
        }
        if done {
            break;
        }
    }
    let session = fetcher
        .await
        .map_err(|e| ImapError::Protocol(format!("fetching mail stopped: {e}")))?;

    let skipped: Vec<(Option<u32>, String)> = held
        .iter()
        .map(|uid| {
            (
                Some(*uid),
                "moved or deleted here; the server has not done it yet".into(),
            )
        })
        .collect();
    // A message the server did not deliver is asked for again next time:
    // the next sync starts looking from it.
    let uid_next = failed
        .iter()
        .filter_map(|(uid, _)| *uid)
        .min()
        .map_or(status.uid_next, |lowest| {
            Some(status.uid_next.map_or(lowest, |n| n.min(lowest)))
        });
    let mut store = candor.store();
    store
        .set_folder_sync_state(
            folder_id,
            FolderSyncState {
                uid_validity: status.uid_validity,
                uid_next,
                highest_modseq: status.highest_modseq,
            },
        )
        .map_err(storage)?;
    store
        .record_ledger(
            folder_id,
            started,
            status.exists,
            line.fetched,
            &skipped,
            &failed,
        )
        .map_err(storage)?;
    Ok((line, session))
}

/// Fetched mail waiting to be stored, up to one transaction's worth.
#[derive(Default)]
struct Pending {
    messages: Vec<candor_store::messages::NewMessage>,
    /// The in-flight allowance of the batches waiting here, given back
    /// once they are stored.
    held: Vec<tokio::sync::OwnedSemaphorePermit>,
}

impl Pending {
    fn add(&mut self, batch: FetchedBatch) {
        self.messages.extend(batch.messages);
        self.held.push(batch.held);
    }

    fn is_full(&self) -> bool {
        let kib: usize = self.held.iter().map(|p| p.num_permits()).sum();
        self.messages.len() >= COMMIT_MESSAGES || kib >= COMMIT_KIB as usize
    }

    /// Stores what is waiting in one transaction and counts the new
    /// messages in `line`; false when nothing was waiting.
    fn store(
        &mut self,
        candor: &Candor,
        line: &mut FolderSyncReport,
    ) -> Result<bool, candor_store::StoreError> {
        if self.messages.is_empty() {
            return Ok(false);
        }
        let stored = candor.store().insert_messages(&self.messages)?;
        line.fetched += u32::try_from(
            stored
                .iter()
                .filter(|s| matches!(s, Inserted::New(_)))
                .count(),
        )
        .unwrap_or(u32::MAX);
        self.messages.clear();
        self.held.clear();
        Ok(true)
    }
}

/// A batch of new mail, fetched and parsed, ready to store.
struct FetchedBatch {
    messages: Vec<candor_store::messages::NewMessage>,
    /// UIDs the server returned nothing for, with why.
    failed: Vec<(Option<u32>, String)>,
    /// The batch's share of `IN_FLIGHT_KIB`, held until it is stored.
    held: tokio::sync::OwnedSemaphorePermit,
}

/// Fetches `uids` in batches (in the order given, bounded in count and
/// bytes by the sizes the server gives first) and parses each message, on a
/// task of its own that hands the batches over as they are ready. It waits
/// before a fetch while `IN_FLIGHT_KIB` of mail is already fetched and not
/// yet stored, which bounds the memory a slow store lets pile up. A
/// fetch that fails is passed on as the last item. The task gives the
/// session back when it ends, or when the receiver is dropped.
fn spawn_fetcher(
    mut session: ImapSession,
    uids: Vec<u32>,
    account_id: i64,
    folder_id: i64,
) -> (
    tokio::sync::mpsc::Receiver<Result<FetchedBatch, ImapError>>,
    tokio::task::JoinHandle<ImapSession>,
) {
    // The bytes in flight are what is bounded; the count only keeps a
    // mailbox of tiny messages from running far ahead.
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    let allowance = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT_KIB as usize));
    let task = tokio::spawn(async move {
        let sizes = match (uids.iter().min(), uids.iter().max()) {
            (Some(low), Some(high)) => match session.sizes(&format!("{low}:{high}")).await {
                Ok(sizes) => sizes,
                Err(e) => {
                    let _ = sender.send(Err(e)).await;
                    return session;
                }
            },
            _ => HashMap::new(),
        };
        for batch in batches(&uids, &sizes) {
            let kib = batch
                .iter()
                .map(|uid| u64::from(sizes.get(uid).copied().unwrap_or(0)))
                .sum::<u64>()
                .div_ceil(1024);
            let kib = u32::try_from(kib).unwrap_or(u32::MAX).min(MAX_BATCH_KIB);
            // The semaphore is never closed.
            let Ok(held) = Arc::clone(&allowance).acquire_many_owned(kib).await else {
                break;
            };
            let set = batch
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched = match session.fetch(&set).await {
                Ok(fetched) => fetched,
                Err(e) => {
                    let _ = sender.send(Err(e)).await;
                    break;
                }
            };
            let parsed = parse_batch(batch, fetched, account_id, folder_id, held);
            if sender.send(Ok(parsed)).await.is_err() {
                break;
            }
        }
        session
    });
    (receiver, task)
}

/// `uids` cut into fetches, in order: at most `BATCH` messages and
/// `BATCH_BYTES` bytes each (by the server's sizes; a message of unknown
/// size counts as none), and never empty.
fn batches<'a>(uids: &'a [u32], sizes: &HashMap<u32, u32>) -> Vec<&'a [u32]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0_u64;
    for (i, uid) in uids.iter().enumerate() {
        let size = u64::from(sizes.get(uid).copied().unwrap_or(0));
        if i > start && (i - start == BATCH || bytes + size > BATCH_BYTES) {
            out.push(&uids[start..i]);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < uids.len() {
        out.push(&uids[start..]);
    }
    out
}

/// Projects each fetched message, in the order of `uids`, and prepares its
/// source for storing; a UID the server returned nothing for is noted as
/// failed (and asked for again next time).
fn parse_batch(
    uids: &[u32],
    fetched: Vec<RemoteMessage>,
    account_id: i64,
    folder_id: i64,
    held: tokio::sync::OwnedSemaphorePermit,
) -> FetchedBatch {
    let mut fetched: HashMap<u32, RemoteMessage> =
        fetched.into_iter().map(|m| (m.uid, m)).collect();
    let mut out = FetchedBatch {
        messages: Vec::with_capacity(uids.len()),
        failed: Vec::new(),
        held,
    };
    for uid in uids {
        let Some(m) = fetched.remove(uid) else {
            out.failed.push((
                Some(*uid),
                "the server returned nothing for this message".into(),
            ));
            continue;
        };
        let mut message = NewMessageFrom::raw(account_id, folder_id, m.raw).into_new_message();
        message.uid = Some(i64::from(m.uid));
        message.is_seen = m.seen;
        message.is_flagged = m.flagged;
        message.is_answered = m.answered;
        message.is_draft = m.draft;
        if let Some(date) = m.internal_date {
            message.received_at = date;
        }
        message.prepare_source();
        out.messages.push(message);
    }
    out
}

/// What `watch` reports as it goes.
#[derive(Debug)]
pub enum WatchEvent<'a> {
    /// An account's pass began.
    Started { account_id: i64, account: &'a str },
    /// Messages are being fetched (sent per batch).
    Progress {
        account_id: i64,
        progress: &'a SyncProgress,
    },
    /// An account's pass ended, synced or not.
    Finished {
        account_id: i64,
        report: &'a AccountSyncReport,
    },
}

/// Keeps every account in sync: each is synced every `interval`, at once
/// when IDLE on its Inbox reports a change, and at once when `sync_now`
/// says so (the user's "Sync now"); an account that fails backs off on its
/// own schedule (the others carry on), and `events` hears about each pass
/// and its progress. Runs until `stop` resolves.
pub async fn watch(
    candor: &Candor,
    interval: std::time::Duration,
    sync_now: &mut tokio::sync::mpsc::UnboundedReceiver<()>,
    events: &mut (dyn FnMut(WatchEvent<'_>) + Send),
    stop: impl std::future::Future<Output = ()>,
) -> Result<(), ApiError> {
    use tokio::time::Instant;

    let mut failures: HashMap<i64, u32> = HashMap::new();
    let mut due: HashMap<i64, Instant> = HashMap::new();
    let mut idlers: HashMap<i64, idle::Idler> = HashMap::new();
    let (wake, mut woken) = tokio::sync::mpsc::unbounded_channel::<i64>();
    tokio::pin!(stop);
    loop {
        let ids = candor.store().account_ids()?;
        // Accounts removed meanwhile stop idling.
        idlers.retain(|id, _| ids.contains(id));
        // An idler whose access token or password was refused has stopped;
        // the next successful sync starts a new one with the current ones.
        idlers.retain(|_, idler| !idler.credentials_refused());
        let now = Instant::now();
        for id in ids {
            if due.get(&id).is_some_and(|at| *at > now) {
                continue;
            }
            let name = candor
                .store()
                .incoming_server(id)?
                .map(|s| s.name)
                .unwrap_or_default();
            events(WatchEvent::Started {
                account_id: id,
                account: &name,
            });
            let mut progress = |p: SyncProgress| {
                events(WatchEvent::Progress {
                    account_id: id,
                    progress: &p,
                });
            };
            let result = sync_account(candor, id, &mut progress).await?;
            let failed = result.error.is_some();
            let count = failures.entry(id).or_insert(0);
            *count = if failed { count.saturating_add(1) } else { 0 };
            due.insert(id, Instant::now() + schedule::next_delay(interval, *count));
            rethread_if_changed(candor, std::slice::from_ref(&result))?;
            events(WatchEvent::Finished {
                account_id: id,
                report: &result,
            });
            if !failed
                && !idlers.contains_key(&id)
                && let Ok((_, Incoming::Imap(login))) = incoming(candor, id, false).await
            {
                idlers.insert(id, idle::spawn(id, login, wake.clone()));
            }
        }
        // A message to send later makes its account due at that time.
        if let Some((account, at)) = candor.store().next_outgoing()? {
            let wait = std::time::Duration::from_secs(u64::try_from(at - self::now()).unwrap_or(0));
            let at = Instant::now() + wait;
            due.entry(account)
                .and_modify(|when| *when = (*when).min(at))
                .or_insert(at);
        }
        let next = due
            .values()
            .min()
            .copied()
            .unwrap_or_else(|| Instant::now() + interval);
        tokio::select! {
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep_until(next) => {}
            Some(id) = woken.recv() => {
                // New mail (or a reconnected idler): sync that account now.
                due.insert(id, Instant::now());
            }
            Some(()) = sync_now.recv() => {
                // The user asked: every account now, back-off forgotten.
                due.clear();
                failures.clear();
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_by_count_and_bytes_and_never_empty() {
        let uids: Vec<u32> = (1..=450).rev().collect();
        let small: HashMap<u32, u32> = uids.iter().map(|u| (*u, 20_000)).collect();
        let counts: Vec<usize> = batches(&uids, &small).iter().map(|b| b.len()).collect();
        assert_eq!(counts, [200, 200, 50], "small mail: by count");

        // 20 MB attachments: one a fetch, then a small one joins the next.
        let mut big = small.clone();
        for uid in [450, 449, 448] {
            big.insert(uid, 20 * 1024 * 1024);
        }
        let cut = batches(&uids, &big);
        assert_eq!(cut[0], [450]);
        assert_eq!(cut[1], [449]);
        assert_eq!(cut[2].first(), Some(&448));
        assert!(cut.iter().all(|b| !b.is_empty()));
        assert_eq!(
            cut.iter().map(|b| b.len()).sum::<usize>(),
            450,
            "every UID once"
        );

        // A message larger than the limit is fetched alone, not skipped.
        let huge: HashMap<u32, u32> = [(7, 60 * 1024 * 1024)].into();
        assert_eq!(batches(&[9, 8, 7, 6], &huge), [&[9, 8][..], &[7], &[6]]);
        assert!(batches(&[], &huge).is_empty());
    }
}

//! What the Email tab shows around the conversations: every account with its
//! folders and their counts, its sync state, and the thread list a page at a
//! time.

use candor_store::folders::FolderOverview;
use candor_store::messages::{ThreadFilter, ThreadSummary};
use serde::{Deserialize, Serialize};

use super::Candor;
use crate::ApiError;

/// The most threads one page may hold: enough to fill a tall window twice.
const MAX_PAGE: u32 = 200;

/// An account as the Email tab's sidebar shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MailAccount {
    pub id: i64,
    pub name: String,
    pub email_address: String,
    /// "imap", "pop3" or "local".
    pub protocol: String,
    /// "connected", "error", "needs_password", "disconnected"...
    pub status: String,
    pub last_sync_at: Option<i64>,
    /// What went wrong at the last sync, with what to do.
    pub last_error: Option<String>,
    /// "password", "oauth_google" or "oauth_microsoft".
    pub auth_kind: String,
    /// Added below every message sent from it; None when it sends nothing
    /// or has no signature.
    pub signature: Option<String>,
    /// It has an outgoing (SMTP) server.
    pub sends: bool,
    pub folders: Vec<FolderOverview>,
}

/// Every account with its folders, Inbox first.
pub fn accounts(candor: &Candor) -> Result<Vec<MailAccount>, ApiError> {
    let store = candor.reader();
    let mut folders = store.folder_overview()?;
    let mut out = Vec::new();
    for a in store.list_accounts()? {
        let outgoing = store.outgoing_server(a.id)?;
        out.push(MailAccount {
            folders: extract(&mut folders, |f| f.account_id == a.id),
            auth_kind: store
                .auth_kind(a.id)?
                .unwrap_or_else(|| "password".to_owned()),
            sends: outgoing.is_some(),
            signature: outgoing.and_then(|o| o.signature),
            id: a.id,
            name: a.name,
            email_address: a.email_address,
            protocol: a.protocol,
            status: a.status,
            last_sync_at: a.last_sync_at,
            last_error: a.last_error,
        });
    }
    Ok(out)
}

/// Moves the items matching `keep` out of `items`, in order.
fn extract<T>(items: &mut Vec<T>, keep: impl Fn(&T) -> bool) -> Vec<T> {
    let (taken, rest) = std::mem::take(items).into_iter().partition(keep);
    *items = rest;
    taken
}

/// Which conversations to list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreadListQuery {
    /// One folder, by id.
    pub folder_id: Option<i64>,
    /// Every account's folder of this role ("inbox", "sent"): the unified
    /// views. Ignored when `folder_id` is given.
    pub role: Option<String>,
    /// The last thread of the previous page, for the next one.
    pub after: Option<ThreadCursor>,
    pub limit: u32,
}

/// Where a page of the thread list ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreadCursor {
    pub latest_at: i64,
    pub id: i64,
}

/// One page of the thread list, newest activity first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreadPage {
    pub threads: Vec<ThreadSummary>,
    /// Where the next page starts; None at the end of the list.
    pub next: Option<ThreadCursor>,
}

pub fn threads(candor: &Candor, query: &ThreadListQuery) -> Result<ThreadPage, ApiError> {
    let limit = query.limit.clamp(1, MAX_PAGE);
    let filter = ThreadFilter {
        account_id: None,
        folder: query
            .folder_id
            .is_none()
            .then(|| query.role.clone())
            .flatten(),
        folder_id: query.folder_id,
        after: query.after.map(|c| (c.latest_at, c.id)),
        limit,
    };
    let threads = candor.reader().list_threads(&filter)?;
    let next = (threads.len() == limit as usize)
        .then(|| threads.last())
        .flatten()
        .map(|t| ThreadCursor {
            latest_at: t.latest_at,
            id: t.id,
        });
    Ok(ThreadPage { threads, next })
}

//! The app's sync: while Candor is open and unlocked, every account is kept
//! in sync (`candor_core::api::sync::watch`: a pass every few minutes, IDLE
//! on each Inbox for new mail within seconds, back-off on errors), and the
//! UI hears each account's progress as `SyncActivity` events for its status
//! line and counts.

use std::time::Duration;

use candor_core::api::sync::{self, WatchEvent};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::state::AppState;

/// How often every account is synced when IDLE reports nothing: what
/// desktop mail clients use, and what PRODUCT.md names as the default.
const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// How long to wait before starting again after the sync loop itself
/// failed (the database, not a server: those back off per account).
const RESTART_AFTER: Duration = Duration::from_secs(30);

/// Where an account's sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Syncing,
    Synced,
    Failed,
}

/// One account's sync, as it happens.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct SyncActivity {
    pub account_id: i64,
    pub account: String,
    pub phase: SyncPhase,
    /// The folder being fetched, while syncing.
    pub folder: Option<String>,
    pub fetched: u32,
    pub to_fetch: u32,
    /// Messages that arrived or went in this pass (when it ends): the UI
    /// reloads its lists only when something changed.
    pub changed: u32,
    /// What stopped the account, with what to do.
    pub error: Option<String>,
}

/// Asks the running sync for a pass of every account now.
pub struct SyncControl {
    tx: UnboundedSender<()>,
}

impl SyncControl {
    pub fn sync_now(&self) {
        // No receiver only while the loop restarts; the next pass comes anyway.
        let _ = self.tx.send(());
    }
}

/// Starts the sync loop; returns its control for the `sync_now` command.
pub fn spawn(app: AppHandle) -> SyncControl {
    let (tx, rx) = unbounded_channel();
    tauri::async_runtime::spawn(run(app, rx));
    SyncControl { tx }
}

async fn run(app: AppHandle, mut sync_now: UnboundedReceiver<()>) {
    loop {
        // Locked (no passphrase yet): nothing to sync until the user unlocks.
        let Ok(candor) = app.state::<AppState>().candor() else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let emitter = app.clone();
        let mut events = move |event: WatchEvent<'_>| {
            let activity = activity_of(&event);
            if let Err(e) = activity.emit(&emitter) {
                tracing::warn!(error = %e, "sync progress not delivered to the window");
            }
        };
        let result = sync::watch(
            &candor,
            INTERVAL,
            &mut sync_now,
            &mut events,
            std::future::pending(),
        )
        .await;
        if let Err(e) = result {
            tracing::warn!(code = ?e.code, "sync stopped, restarting soon: {}", e.message);
        }
        tokio::time::sleep(RESTART_AFTER).await;
    }
}

fn activity_of(event: &WatchEvent<'_>) -> SyncActivity {
    match event {
        WatchEvent::Started {
            account_id,
            account,
        } => SyncActivity {
            account_id: *account_id,
            account: (*account).to_owned(),
            phase: SyncPhase::Syncing,
            folder: None,
            fetched: 0,
            to_fetch: 0,
            changed: 0,
            error: None,
        },
        WatchEvent::Progress {
            account_id,
            progress,
        } => SyncActivity {
            account_id: *account_id,
            account: progress.account.clone(),
            phase: SyncPhase::Syncing,
            folder: Some(progress.folder.clone()),
            fetched: progress.fetched,
            to_fetch: progress.to_fetch,
            changed: 0,
            error: None,
        },
        WatchEvent::Finished { account_id, report } => SyncActivity {
            account_id: *account_id,
            account: report.account.clone(),
            phase: if report.error.is_some() {
                SyncPhase::Failed
            } else {
                SyncPhase::Synced
            },
            folder: None,
            fetched: 0,
            to_fetch: 0,
            changed: report
                .folders
                .iter()
                .map(|f| f.fetched + f.removed + f.flags_changed)
                .sum::<u32>()
                + report.folders_removed,
            error: report.error.clone(),
        },
    }
}

//! The background Microsoft 365 sync of the dedicated calendar and
//! contacts folder: a pass every few minutes while either is on, and one
//! soon after the recruiter changes an event (so an interview's invitations
//! go out without waiting for the next pass). The UI hears each run as a
//! `GraphSyncActivity` event and refreshes the calendar or the status.

use std::time::Duration;

use candor_core::api::{Candor, calendar, contacts_sync};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event as _;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::state::AppState;
use crate::syncer::SyncPhase;

/// Between passes: the mail sync's interval (PRODUCT.md's default).
const INTERVAL: Duration = Duration::from_secs(5 * 60);
/// After a local change, wait this long for the next one (a drag, an
/// edit then a save) before syncing, so a burst of edits is one run.
const SETTLE: Duration = Duration::from_secs(3);
/// The first pass after start: leave the first seconds to the mail sync
/// and the window.
const FIRST_PASS_AFTER: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum GraphResource {
    Calendar,
    Contacts,
}

/// One run of the calendar or contacts sync.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct GraphSyncActivity {
    pub resource: GraphResource,
    pub phase: SyncPhase,
    /// Items that changed here (pulled or deleted): the UI reloads only then.
    pub changed: u32,
    pub error: Option<String>,
}

/// Asks for a sync soon, after a local change.
pub struct GraphSyncControl {
    tx: UnboundedSender<()>,
}

impl GraphSyncControl {
    pub fn changed_here(&self) {
        // No receiver only while the app shuts down.
        let _ = self.tx.send(());
    }
}

pub fn spawn(app: AppHandle) -> GraphSyncControl {
    let (tx, rx) = unbounded_channel();
    tauri::async_runtime::spawn(run(app, rx));
    GraphSyncControl { tx }
}

async fn run(app: AppHandle, mut changes: UnboundedReceiver<()>) {
    tokio::time::sleep(FIRST_PASS_AFTER).await;
    loop {
        if let Ok(candor) = app.state::<AppState>().candor() {
            pass(&app, &candor).await;
        }
        // Wait for the interval or a change; then let a burst settle.
        tokio::select! {
            () = tokio::time::sleep(INTERVAL) => {}
            Some(()) = changes.recv() => {
                while let Ok(Some(())) = tokio::time::timeout(SETTLE, changes.recv()).await {}
            }
        }
    }
}

/// Syncs whichever of the two is on.
async fn pass(app: &AppHandle, candor: &Candor) {
    if calendar::status(candor).is_ok_and(|s| s.enabled) {
        emit(app, GraphResource::Calendar, SyncPhase::Syncing, 0, None);
        match calendar::sync(candor).await {
            Ok(r) => emit(
                app,
                GraphResource::Calendar,
                SyncPhase::Synced,
                count(r.pulled + r.deleted_local),
                None,
            ),
            Err(e) => fail(app, GraphResource::Calendar, e),
        }
    }
    if contacts_sync::status(candor).is_ok_and(|s| s.enabled) {
        emit(app, GraphResource::Contacts, SyncPhase::Syncing, 0, None);
        match contacts_sync::sync(candor).await {
            Ok(r) => emit(
                app,
                GraphResource::Contacts,
                SyncPhase::Synced,
                count(r.pulled + r.unlinked),
                None,
            ),
            Err(e) => fail(app, GraphResource::Contacts, e),
        }
    }
}

fn fail(app: &AppHandle, resource: GraphResource, e: candor_core::ApiError) {
    tracing::warn!(?resource, code = ?e.code, "Microsoft 365 sync failed: {}", e.message);
    // The status keeps the error (and why a sync turned itself off when
    // its container was deleted there); the UI shows it on hearing this.
    emit(app, resource, SyncPhase::Failed, 0, Some(e.message));
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn emit(
    app: &AppHandle,
    resource: GraphResource,
    phase: SyncPhase,
    changed: u32,
    error: Option<String>,
) {
    let activity = GraphSyncActivity {
        resource,
        phase,
        changed,
        error,
    };
    if let Err(e) = activity.emit(app) {
        tracing::warn!(error = %e, "Microsoft 365 sync activity not delivered to the window");
    }
}

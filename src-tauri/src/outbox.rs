//! The app's sender: while Candor is open, messages written for later go at
//! their time and those waiting after a temporary failure are retried, as
//! `candor sync --watch` does on the command line.

use std::time::Duration;

use candor_core::api::send;
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// How often the outbox is looked at. A message written for 9:00 leaves by
/// 9:00:20; looking costs one small query per account.
const EVERY: Duration = Duration::from_secs(20);

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            // Locked (no passphrase yet): nothing to send until the user unlocks.
            let Ok(candor) = app.state::<AppState>().candor() else {
                continue;
            };
            match send::send_due(&candor, None, false).await {
                Ok(outcomes) => {
                    for o in outcomes {
                        tracing::info!(id = o.id, state = %o.state, "outbox");
                    }
                }
                Err(e) => tracing::warn!(code = ?e.code, "outbox not sent: {}", e.message),
            }
        }
    });
}

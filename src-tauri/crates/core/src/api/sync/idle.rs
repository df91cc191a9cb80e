//! IDLE on an account's Inbox (RFC 2177), so `watch` hears of new mail within
//! seconds instead of at the next periodic sync.
//!
//! The idler holds its own connection and touches no database: it only
//! wakes the watch loop, which runs the account's ordinary sync. It wakes it
//! once after each (re)connection too, because mail may have arrived while
//! it was not listening. A dropped connection is retried with back-off; a
//! server without IDLE leaves the account to the periodic sync. An access
//! token the server refuses (or a session it ended because the token
//! expired) ends the idler after waking the watch loop: the account's sync
//! takes a fresh token, and a new idler starts with it. So does a password
//! the server refuses: the user may have changed it on the server and then
//! here, and the next idler logs in with the one saved now.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use candor_mail::imap::{IdleOutcome, ImapError, ImapSession, ServerLogin};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::schedule;

/// Servers end IDLE after 30 minutes (RFC 2177 asks clients to re-issue it
/// at least every 29); this stays well inside.
const IDLE_WAIT: Duration = Duration::from_secs(20 * 60);

/// The first wait before reconnecting after a failure; it doubles.
const RECONNECT: Duration = Duration::from_secs(15);

/// A running idler; stopped when dropped.
#[derive(Debug)]
pub(super) struct Idler(JoinHandle<()>, Arc<AtomicBool>);

impl Idler {
    /// Whether the idler stopped because the server refused its access
    /// token or password (a new idler takes the current ones).
    pub(super) fn credentials_refused(&self) -> bool {
        self.1.load(Ordering::Relaxed)
    }
}

impl Drop for Idler {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts idling on the account's Inbox; `wake` hears the account's id
/// whenever it should be synced.
pub(super) fn spawn(account_id: i64, login: ServerLogin, wake: UnboundedSender<i64>) -> Idler {
    let credentials_refused = Arc::new(AtomicBool::new(false));
    let refused = Arc::clone(&credentials_refused);
    let task = tokio::spawn(async move {
        let mut failures = 0;
        loop {
            let started = tokio::time::Instant::now();
            match listen(account_id, &login, &wake).await {
                Ok(Stop::NoIdle | Stop::Unheard) => return,
                Err(
                    ImapError::TokenRejected { .. }
                    | ImapError::TokenExpired { .. }
                    | ImapError::AuthenticationFailed { .. },
                ) => {
                    refused.store(true, Ordering::Relaxed);
                    let _ = wake.send(account_id);
                    return;
                }
                Err(reason) => {
                    // A connection that lived a while was healthy: start the
                    // back-off afresh.
                    if started.elapsed() > Duration::from_secs(60) {
                        failures = 0;
                    }
                    failures += 1;
                    tracing::debug!(account_id, %reason, "IDLE connection lost; reconnecting");
                    tokio::time::sleep(schedule::next_delay(RECONNECT, failures - 1)).await;
                }
            }
        }
    });
    Idler(task, credentials_refused)
}

enum Stop {
    /// The server does not offer IDLE.
    NoIdle,
    /// Nobody listens for wake-ups any more.
    Unheard,
}

async fn listen(
    account_id: i64,
    login: &ServerLogin,
    wake: &UnboundedSender<i64>,
) -> Result<Stop, candor_mail::imap::ImapError> {
    let mut session = ImapSession::connect(login).await?;
    if !session.capabilities().idle {
        session.logout().await?;
        return Ok(Stop::NoIdle);
    }
    session.select("INBOX").await?;
    if wake.send(account_id).is_err() {
        return Ok(Stop::Unheard);
    }
    loop {
        let (back, outcome) = session.idle(IDLE_WAIT).await?;
        session = back;
        if outcome == IdleOutcome::Changed && wake.send(account_id).is_err() {
            return Ok(Stop::Unheard);
        }
    }
}

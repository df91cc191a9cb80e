//! Putting an account right from the Email tab's status line: check its
//! servers (what is wrong, in plain words), enter a new password, or trust
//! a server's certificate the user has looked at, or sign in with the
//! provider again. Each fix asks the sync for
//! a pass at once, so the user sees it work.

use candor_core::ApiError;
use candor_core::api::accounts;
use candor_core::api::connection::{self, ConnectionReport};
use candor_core::api::oauth;
use tauri::State;

use crate::state::AppState;
use crate::syncer::SyncControl;

/// Logs in to the account's incoming and outgoing servers and reports what
/// failed; fetches and sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn account_test(
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionReport, ApiError> {
    connection::test(&*state.candor()?, &name).await
}

/// Saves a new password for the account (in the keyring) and syncs it.
#[tauri::command]
#[specta::specta]
pub async fn account_set_password(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
    password: String,
) -> Result<(), ApiError> {
    let password = zeroize::Zeroizing::new(password);
    accounts::set_password(&*state.candor()?, &name, &password)?;
    control.sync_now();
    Ok(())
}

/// Trusts this certificate (PEM, as the check reported it) for the
/// account's servers, and syncs it.
#[tauri::command]
#[specta::specta]
pub async fn account_trust_certificate(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
    certificate_pem: String,
) -> Result<(), ApiError> {
    accounts::trust_certificate(&*state.candor()?, &name, &certificate_pem)?;
    control.sync_now();
    Ok(())
}

/// How long the app waits for the user to finish signing in in the browser.
const SIGN_IN_WAIT: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Signs an OAuth account (Google, Microsoft 365) in again: opens the
/// provider's sign-in page in the system browser, waits for its answer on
/// the loopback port, keeps the new tokens in the keyring, and syncs.
#[tauri::command]
#[specta::specta]
pub async fn account_sign_in(
    state: State<'_, AppState>,
    control: State<'_, SyncControl>,
    name: String,
) -> Result<(), ApiError> {
    let candor = state.candor()?;
    let sign_in = oauth::start_sign_in(&candor, &name).await?;
    open::that_detached(sign_in.authorization_url()).map_err(|e| {
        ApiError::invalid(
            "browser",
            format!("The sign-in page could not be opened in a browser: {e}."),
        )
    })?;
    oauth::finish_sign_in(&candor, sign_in, SIGN_IN_WAIT).await?;
    control.sync_now();
    Ok(())
}

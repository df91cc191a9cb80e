use tauri::State;
use zeroize::Zeroizing;

use crate::state::{AppState, SessionStatus};

/// Whether the database is open, locked (needs a passphrase) or failed.
#[tauri::command]
#[specta::specta]
pub async fn session_status(
    state: State<'_, AppState>,
) -> Result<SessionStatus, candor_core::ApiError> {
    Ok(state.status())
}

/// Opens (or, without a keyring, creates) the database with a passphrase.
#[tauri::command]
#[specta::specta]
pub async fn session_unlock(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<SessionStatus, candor_core::ApiError> {
    Ok(state.unlock(Zeroizing::new(passphrase)))
}

//! Where an account's password lives: with the database key. In keyring mode
//! that is the OS keyring (one entry per account); in passphrase mode (a
//! machine without a keyring) it is the encrypted database. Never in clear,
//! never in logs. An account that signs in with OAuth keeps its tokens (the
//! refresh token and the current access tokens, as one JSON value) the same
//! way, in place of a password.

use candor_store::{KeySource, Store};
use zeroize::Zeroizing;

use super::Candor;
use crate::{ApiError, ErrorCode};

fn keyring_entry(account_id: i64) -> String {
    format!("account-{account_id}-password")
}

fn oauth_keyring_entry(account_id: i64) -> String {
    format!("account-{account_id}-oauth")
}

/// Saves an OAuth account's token set (JSON).
pub(crate) fn save_tokens(
    candor: &Candor,
    store: &mut Store,
    account_id: i64,
    tokens: &str,
) -> Result<(), ApiError> {
    match store.key_source() {
        KeySource::Keyring => candor
            .vault()
            .set(&oauth_keyring_entry(account_id), tokens)
            .map_err(|reason| ApiError {
                code: ErrorCode::KeyringUnavailable,
                message: format!("The sign-in could not be saved in the OS keyring ({reason})."),
                field: None,
            }),
        KeySource::Passphrase => Ok(store.set_account_secret(account_id, tokens)?),
    }
}

/// An OAuth account's token set, if it has signed in.
pub(crate) fn load_tokens(
    candor: &Candor,
    store: &Store,
    account_id: i64,
) -> Result<Option<Zeroizing<String>>, ApiError> {
    match store.key_source() {
        KeySource::Keyring => candor
            .vault()
            .get(&oauth_keyring_entry(account_id))
            .map_err(|reason| ApiError {
                code: ErrorCode::KeyringUnavailable,
                message: format!("The OS keyring could not be read ({reason})."),
                field: None,
            }),
        KeySource::Passphrase => Ok(store.account_secret(account_id)?),
    }
}

pub(crate) fn save(
    candor: &Candor,
    store: &mut Store,
    account_id: i64,
    secret: &str,
) -> Result<(), ApiError> {
    match store.key_source() {
        KeySource::Keyring => candor
            .vault()
            .set(&keyring_entry(account_id), secret)
            .map_err(|reason| ApiError {
                code: ErrorCode::KeyringUnavailable,
                message: format!("The password could not be saved in the OS keyring ({reason})."),
                field: None,
            }),
        KeySource::Passphrase => Ok(store.set_account_secret(account_id, secret)?),
    }
}

pub(crate) fn load(
    candor: &Candor,
    store: &Store,
    account_id: i64,
    account: &str,
) -> Result<Zeroizing<String>, ApiError> {
    let found = match store.key_source() {
        KeySource::Keyring => candor
            .vault()
            .get(&keyring_entry(account_id))
            .map_err(|reason| ApiError {
                code: ErrorCode::KeyringUnavailable,
                message: format!("The OS keyring could not be read ({reason})."),
                field: None,
            })?,
        KeySource::Passphrase => store.account_secret(account_id)?,
    };
    found.ok_or_else(|| ApiError {
        code: ErrorCode::NotFound,
        message: format!("No password is saved for \"{account}\"; set it again to resume syncing."),
        field: None,
    })
}

/// Removes the account's password from wherever it lives (the database's
/// copy goes with the account's row).
pub(crate) fn forget(candor: &Candor, store: &Store, account_id: i64) -> Result<(), ApiError> {
    match store.key_source() {
        KeySource::Keyring => candor
            .vault()
            .delete(&oauth_keyring_entry(account_id))
            .and_then(|()| candor.vault().delete(&keyring_entry(account_id)))
            .map_err(|reason| ApiError {
                code: ErrorCode::KeyringUnavailable,
                message: format!(
                    "The password could not be removed from the OS keyring ({reason}); remove the entry \"{}\" by hand.",
                    keyring_entry(account_id)
                ),
                field: None,
            }),
        KeySource::Passphrase => Ok(()),
    }
}

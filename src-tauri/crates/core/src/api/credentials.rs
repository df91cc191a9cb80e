//! Where an account's password lives: with the database key. In keyring mode
//! that is the OS keyring (one entry per account); in passphrase mode (a
//! machine without a keyring) it is the encrypted database. Never in clear,
//! never in logs.

use candor_store::{KeySource, Store};
use zeroize::Zeroizing;

use super::Candor;
use crate::{ApiError, ErrorCode};

fn keyring_entry(account_id: i64) -> String {
    format!("account-{account_id}-password")
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
            .delete(&keyring_entry(account_id))
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

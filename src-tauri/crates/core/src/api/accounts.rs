//! Mail accounts. This slice has local accounts (imported mail); IMAP and POP3
//! accounts come with the sync engine.

use candor_mail::address::parse_address;
use candor_store::Store;
pub use candor_store::accounts::AccountSummary;

use super::Candor;
use crate::ApiError;

/// Creates an account for imported mail (mbox files, folders of .eml files).
pub fn add_local(candor: &Candor, name: &str, email: &str) -> Result<AccountSummary, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "Give the account a name."));
    }
    let email = parse_address(email).map_err(|e| ApiError::invalid("email", format!("{e}.")))?;
    let mut store = candor.store();
    if store.account_id_by_name(name)?.is_some() {
        return Err(ApiError::invalid(
            "name",
            format!("There is already an account named \"{name}\"; choose another name."),
        ));
    }
    let id = store.insert_local_account(name, &email)?;
    store
        .list_accounts()?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| ApiError::not_found(format!("Account {id} vanished while being created.")))
}

pub fn list(candor: &Candor) -> Result<Vec<AccountSummary>, ApiError> {
    Ok(candor.store().list_accounts()?)
}

/// The id of the account called `name`, or an error that says how to find names.
pub(crate) fn resolve(store: &Store, name: &str) -> Result<i64, ApiError> {
    store.account_id_by_name(name.trim())?.ok_or_else(|| {
        ApiError::not_found(format!(
            "There is no account named \"{}\"; `candor account list` shows the accounts.",
            name.trim()
        ))
    })
}

use candor_store::{OpenError, StoreError};
use serde::Serialize;

/// What kind of failure, for code (the UI picks a screen or a field by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No database yet in the data directory.
    NotInitialized,
    /// The database uses a passphrase and none was given.
    PassphraseRequired,
    /// There is no usable OS keyring; a passphrase is needed instead.
    KeyringUnavailable,
    /// The keyring lost the database key.
    KeyMissing,
    /// The passphrase or key does not decrypt the database.
    WrongKey,
    /// The database comes from a newer Candor.
    NewerSchema,
    /// The input is invalid; `field` names the culprit.
    Invalid,
    NotFound,
    /// The app has not unlocked its database yet.
    Locked,
    /// Anything else from storage or the file system.
    Storage,
}

/// An error as the user sees it: a code, one sentence saying what happened and
/// what to do, and for invalid input the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Invalid,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::NotFound,
            message: message.into(),
            field: None,
        }
    }

    pub(crate) fn storage(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Storage,
            message: message.into(),
            field: None,
        }
    }
}

impl From<OpenError> for ApiError {
    fn from(e: OpenError) -> Self {
        let code = match &e {
            OpenError::NotInitialized { .. } => ErrorCode::NotInitialized,
            OpenError::PassphraseRequired { .. } => ErrorCode::PassphraseRequired,
            OpenError::KeyringUnavailable { .. } => ErrorCode::KeyringUnavailable,
            OpenError::KeyMissing { .. } => ErrorCode::KeyMissing,
            OpenError::WrongKey { .. } => ErrorCode::WrongKey,
            OpenError::NewerSchema { .. } => ErrorCode::NewerSchema,
            OpenError::MigrationChanged { .. }
            | OpenError::Settings { .. }
            | OpenError::NotEncryptedBuild
            | OpenError::Io { .. }
            | OpenError::Sqlite { .. } => ErrorCode::Storage,
        };
        Self {
            code,
            message: e.to_string(),
            field: None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::RecordNotFound(id) => {
                Self::not_found(format!("Record {id} does not exist."))
            }
            StoreError::MessageNotFound(id) => {
                Self::not_found(format!("Message {id} does not exist."))
            }
            StoreError::ThreadNotFound(id) => {
                Self::not_found(format!("Conversation {id} does not exist."))
            }
            StoreError::WrongRecordKind { .. } => Self::invalid("kind", format!("{e}.")),
            StoreError::Corrupt { what } => Self::storage(format!(
                "The local database holds something this version of Candor cannot read ({what}); update Candor."
            )),
            StoreError::Sqlite(inner) => {
                Self::storage(format!("The local database reported an error: {inner}"))
            }
        }
    }
}

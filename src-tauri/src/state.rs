//! What the running app holds: the data directory and, once unlocked, the
//! open Candor.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use candor_core::api::{self, Candor};
use candor_core::{ApiError, ErrorCode, Unlock, data_dir};
use serde::Serialize;
use specta::Type;

/// Where the app stands with its database, for the UI's first screen.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SessionStatus {
    /// The database is open.
    Ready {
        data_dir: String,
        key_source: String,
    },
    /// A passphrase is needed: to open an existing database, or to create one
    /// on a machine without a keyring (`new_database`).
    Locked {
        data_dir: String,
        new_database: bool,
        reason: ApiError,
    },
    /// The database cannot be opened and a passphrase would not help.
    Failed { data_dir: String, error: ApiError },
}

#[derive(Debug)]
pub struct AppState {
    data_dir: Result<PathBuf, ApiError>,
    candor: RwLock<Option<Arc<Candor>>>,
    last_error: RwLock<Option<ApiError>>,
    /// The window's page has loaded: the read-only connection may open now
    /// (see [`AppState::page_loaded`]).
    page_loaded: AtomicBool,
}

impl AppState {
    /// Opens (or creates) the database at start-up with the keyring, or with
    /// `CANDOR_PASSPHRASE` when it is set. Failure is not fatal: the UI shows
    /// the unlock or error screen.
    pub fn start() -> Self {
        let data_dir = data_dir::resolve(None);
        if let Ok(dir) = &data_dir {
            // Copies of attachments handed to viewers last time.
            api::attachments::clear_opened(dir);
        }
        let state = Self {
            data_dir,
            candor: RwLock::new(None),
            last_error: RwLock::new(None),
            page_loaded: AtomicBool::new(false),
        };
        state.try_open(&api::unlock_from_env());
        state
    }

    fn try_open(&self, unlock: &Unlock) -> SessionStatus {
        let opened = match &self.data_dir {
            Ok(dir) => Candor::open(dir, unlock, true),
            Err(e) => Err(e.clone()),
        };
        match opened {
            Ok(candor) => {
                let candor = Arc::new(candor);
                *self
                    .candor
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&candor));
                // After storing it: a page load in between then finds it.
                if self.page_loaded.load(Ordering::SeqCst) {
                    open_reader_beside(candor);
                }
                *self
                    .last_error
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            }
            Err(e) => {
                tracing::warn!(code = ?e.code, "database not opened: {}", e.message);
                *self
                    .last_error
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
            }
        }
        self.status()
    }

    pub fn unlock(&self, passphrase: zeroize::Zeroizing<String>) -> SessionStatus {
        if passphrase.is_empty() {
            return self.status();
        }
        self.try_open(&Unlock::Passphrase(passphrase))
    }

    pub fn status(&self) -> SessionStatus {
        let data_dir = self
            .data_dir
            .as_ref()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        if let Some(candor) = self.current() {
            return SessionStatus::Ready {
                data_dir,
                key_source: candor.key_source().as_str().to_owned(),
            };
        }
        let error = self
            .last_error
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
            .unwrap_or_else(locked_error);
        match error.code {
            ErrorCode::PassphraseRequired | ErrorCode::WrongKey => SessionStatus::Locked {
                data_dir,
                new_database: false,
                reason: error,
            },
            ErrorCode::KeyringUnavailable => SessionStatus::Locked {
                data_dir,
                new_database: true,
                reason: error,
            },
            _ => SessionStatus::Failed { data_dir, error },
        }
    }

    /// The window's page has loaded. The store's read-only connection
    /// opens from here on rather than at start: in passphrase mode opening
    /// it derives the key again (~0.15 s of CPU), which at start competed
    /// with the web view's own start-up on two cores.
    pub fn page_loaded(&self) {
        if !self.page_loaded.swap(true, Ordering::SeqCst)
            && let Some(candor) = self.current()
        {
            open_reader_beside(candor);
        }
    }

    fn current(&self) -> Option<Arc<Candor>> {
        self.candor
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The open Candor, or an error the UI turns into the unlock screen.
    pub fn candor(&self) -> Result<Arc<Candor>, ApiError> {
        self.current().ok_or_else(locked_error)
    }
}

fn locked_error() -> ApiError {
    ApiError {
        code: ErrorCode::Locked,
        message: "Candor is locked. Enter your passphrase to open the database.".into(),
        field: None,
    }
}

/// Opens the store's read-only connection on a thread of its own, so the
/// window's lists and conversations keep answering while a sync writes. Off
/// the start-up path: in passphrase mode it derives the key again. Until it
/// is open, and if it cannot be, reads share the one connection as before.
fn open_reader_beside(candor: Arc<Candor>) {
    let spawned = std::thread::Builder::new()
        .name("candor-reader".into())
        .spawn(move || match candor.open_reader() {
            Ok(()) => tracing::debug!("read-only connection open"),
            Err(e) => {
                tracing::warn!(code = ?e.code, "read-only connection not opened: {}", e.message);
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "read-only connection not opened");
    }
}

//! What the running app holds: the data directory and, once unlocked, the
//! open Candor.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError};
use std::thread::JoinHandle;

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
    /// The start-up open, on a thread of its own while the window is made:
    /// in passphrase mode it derives the key (~0.25 s of CPU), which the
    /// window no longer waits for. The first caller that needs its outcome
    /// waits for it and records it (see [`AppState::settle_start`]).
    opening: Mutex<Option<JoinHandle<Result<Candor, ApiError>>>>,
    candor: RwLock<Option<Arc<Candor>>>,
    last_error: RwLock<Option<ApiError>>,
    /// The window's page has loaded: the read-only connection may open now
    /// (see [`AppState::page_loaded`]).
    page_loaded: AtomicBool,
    /// The read-only connection has been asked for: once a run (the page
    /// load and the open's record can both come to it).
    reader_asked: AtomicBool,
}

impl AppState {
    /// Starts opening (or creating) the database with the keyring, or with
    /// `CANDOR_PASSPHRASE` when it is set, beside the window's start-up.
    /// Failure is not fatal: the UI shows the unlock or error screen.
    pub fn start() -> Self {
        Self::start_with(data_dir::resolve(None), api::unlock_from_env())
    }

    fn start_with(data_dir: Result<PathBuf, ApiError>, unlock: Unlock) -> Self {
        let state = Self::new(data_dir);
        let dir = match &state.data_dir {
            Ok(dir) => dir.clone(),
            Err(e) => {
                state.record(Err(e.clone()));
                return state;
            }
        };
        let spawned = std::thread::Builder::new()
            .name("candor-open".into())
            .spawn(move || {
                // Copies of attachments handed to viewers last time.
                api::attachments::clear_opened(&dir);
                Candor::open(&dir, &unlock, true)
            });
        match spawned {
            Ok(thread) => *state.lock_opening() = Some(thread),
            Err(e) => state.record(Err(ApiError {
                code: ErrorCode::Storage,
                message: format!("Candor could not start opening its database: {e}"),
                field: None,
            })),
        }
        state
    }

    fn new(data_dir: Result<PathBuf, ApiError>) -> Self {
        Self {
            data_dir,
            opening: Mutex::new(None),
            candor: RwLock::new(None),
            last_error: RwLock::new(None),
            page_loaded: AtomicBool::new(false),
            reader_asked: AtomicBool::new(false),
        }
    }

    fn lock_opening(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<JoinHandle<Result<Candor, ApiError>>>> {
        self.opening
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits for the start-up open, if it has not been recorded yet, and
    /// records its outcome. Holding the lock while waiting makes every
    /// other caller wait for the record too, so none sees "locked" in
    /// between.
    fn settle_start(&self) {
        let mut opening = self.lock_opening();
        if let Some(thread) = opening.take() {
            let opened = thread.join().unwrap_or_else(|_| {
                Err(ApiError {
                    code: ErrorCode::Storage,
                    message: "Opening the database failed unexpectedly.".into(),
                    field: None,
                })
            });
            self.record(opened);
        }
    }

    fn try_open(&self, unlock: &Unlock) -> SessionStatus {
        // A start-up open still running must not land after this one.
        self.settle_start();
        let opened = match &self.data_dir {
            Ok(dir) => Candor::open(dir, unlock, true),
            Err(e) => Err(e.clone()),
        };
        self.record(opened);
        self.status()
    }

    fn record(&self, opened: Result<Candor, ApiError>) {
        match opened {
            Ok(candor) => {
                let candor = Arc::new(candor);
                *self
                    .candor
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&candor));
                // After storing it: a page load in between then finds it.
                if self.page_loaded.load(Ordering::SeqCst) {
                    self.ask_for_reader(candor);
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
    /// opens from here on (once a run) rather than at start: for a
    /// passphrase store made in this run (keyed by SQLCipher from the
    /// passphrase) opening it derives the key again (~0.2 s of CPU), which
    /// at start competed with the web view's own start-up on two cores.
    pub fn page_loaded(&self) {
        if self.page_loaded.swap(true, Ordering::SeqCst) {
            return;
        }
        // Runs on the window's thread: never wait there for the start-up
        // open (a keyring may be asking the user to unlock it). While it
        // runs, or another thread waits for it holding the lock, recording
        // it asks for the reader, the page having loaded.
        let opening = match self.opening.try_lock() {
            Ok(opening) => opening,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return,
        };
        if opening.as_ref().is_some_and(|thread| !thread.is_finished()) {
            return;
        }
        drop(opening);
        if let Some(candor) = self.current() {
            self.ask_for_reader(candor);
        }
    }

    fn ask_for_reader(&self, candor: Arc<Candor>) {
        if !self.reader_asked.swap(true, Ordering::SeqCst) {
            open_reader_beside(candor);
        }
    }

    fn current(&self) -> Option<Arc<Candor>> {
        self.settle_start();
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
/// the start-up path (see [`AppState::page_loaded`]). Until it is open, and
/// if it cannot be, reads share the one connection as before.
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

#[cfg(test)]
mod tests {
    use super::*;
    use zeroize::Zeroizing;

    fn passphrase(text: &str) -> Unlock {
        Unlock::Passphrase(Zeroizing::new(text.to_owned()))
    }

    /// Waits (up to 10 s) for the reader the app opens on a thread.
    fn wait_for_reader(candor: &Candor) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !candor.has_reader() {
            assert!(
                std::time::Instant::now() < deadline,
                "the reader never opened"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// A database made with a passphrase, closed again.
    fn made_with(text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        drop(Candor::open(dir.path(), &passphrase(text), true).expect("create"));
        dir
    }

    // The open runs on a thread: the first question about the session
    // must wait for it, not answer "locked" while the key is derived.
    #[test]
    fn the_first_status_waits_for_the_start_up_open() {
        let dir = made_with("right");
        let state = AppState::start_with(Ok(dir.path().to_owned()), passphrase("right"));
        assert!(matches!(state.status(), SessionStatus::Ready { .. }));
        assert!(state.candor().is_ok());
    }

    #[test]
    fn a_wrong_passphrase_at_start_up_asks_for_the_right_one() {
        let dir = made_with("right");
        let state = AppState::start_with(Ok(dir.path().to_owned()), passphrase("wrong"));
        assert!(matches!(state.status(), SessionStatus::Locked { .. }));
        assert!(matches!(
            state.unlock(Zeroizing::new("right".into())),
            SessionStatus::Ready { .. }
        ));
    }

    // The page can finish loading while the open is still running and
    // another thread (the sync loop, a command) waits for it: the window's
    // thread must not wait too (a keyring's unlock prompt would freeze the
    // window), and the reader opens once the open is recorded.
    #[test]
    fn the_page_load_never_waits_for_the_open() {
        let dir = made_with("right");
        let (release, released) = std::sync::mpsc::channel::<()>();
        let path = dir.path().to_owned();
        let slow_open = std::thread::spawn(move || {
            let _ = released.recv(); // as a keyring waiting for the user
            Candor::open(&path, &passphrase("right"), false)
        });
        let state = AppState::new(Ok(dir.path().to_owned()));
        *state.lock_opening() = Some(slow_open);
        std::thread::scope(|scope| {
            let sync_loop = scope.spawn(|| state.candor().is_ok());
            std::thread::sleep(std::time::Duration::from_millis(100));
            // The user answers the prompt after 3 s: waiting for it shows.
            let user = release.clone();
            scope.spawn(move || {
                std::thread::sleep(std::time::Duration::from_secs(3));
                let _ = user.send(());
            });
            let page_load = std::time::Instant::now();
            state.page_loaded();
            assert!(
                page_load.elapsed() < std::time::Duration::from_secs(1),
                "the page load waited {:?} for the open",
                page_load.elapsed()
            );
            assert!(sync_loop.join().expect("sync loop"));
        });
        wait_for_reader(&state.candor().expect("open"));
    }

    // The page can finish loading before the open does: the reader opens
    // once the open is recorded.
    #[test]
    fn a_page_loaded_before_the_open_lands_still_gets_its_reader() {
        let dir = made_with("right");
        let state = AppState::start_with(Ok(dir.path().to_owned()), passphrase("right"));
        state.page_loaded();
        wait_for_reader(&state.candor().expect("open"));
    }
}

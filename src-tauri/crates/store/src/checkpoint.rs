//! WAL checkpoints on a thread of their own.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold: the writer copies the log into the database file and waits for
//! two fsyncs before its `COMMIT` returns, holding the store meanwhile. In a
//! first sync the store's thread is what every fetched message waits for,
//! and the fetching stalled at each checkpoint. Here the commit only wakes a
//! second connection, which copies the log while the writer goes on (a
//! passive checkpoint never blocks the writer or readers, and WAL lets it
//! run beside them): a first sync of 20,000 messages took 10.25 s instead
//! of 11.05 s (medians of four alternating runs) and peaked at 190-200 MB
//! instead of 220-250 MB.
//!
//! The second connection is opened, and keyed, on that thread when the log
//! first needs a checkpoint, so opening the store costs no more than before
//! (a store just made with a passphrase derives its key again for it, a
//! fifth of a second).
//!
//! Should the thread not keep up (a writer that never pauses, a slow disk),
//! the writer checkpoints itself once the log passes
//! [`WRITER_CHECKPOINTS_AT`], as SQLite would: the log can only start afresh
//! once all of it has been copied, which a thread copying beside a writer
//! that never pauses does not achieve.

use std::ffi::c_int;
use std::sync::mpsc::{Receiver, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rusqlite::Connection;
use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;

/// Log size (in pages) at which the thread is woken: SQLite's own
/// automatic checkpoint threshold.
const WAKE_AT: c_int = 1_000;

/// Log size (in pages, 128 MB of 16 KB pages) at which the writer stops
/// relying on the thread and checkpoints in its commit. A first sync's log
/// stays under 100 MB.
const WRITER_CHECKPOINTS_AT: c_int = 8_000;

/// The checkpointing thread of one store; [`Checkpointer::stop`] ends it.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    thread: JoinHandle<()>,
}

impl Checkpointer {
    /// Takes over `writer`'s automatic checkpoints. `open` makes the
    /// thread's own connection to the same database, keyed. Without a
    /// thread (the system refused one), SQLite's own checkpoints stay.
    pub(crate) fn start(
        writer: &mut Connection,
        open: impl FnOnce() -> rusqlite::Result<Connection> + Send + 'static,
    ) -> Option<Self> {
        // One pending wake-up is enough: the thread checkpoints the whole log.
        let (wake, woken) = sync_channel::<()>(1);
        // Held by whoever is copying the log: the writer past its limit
        // waits for the thread's pass to end instead of being refused.
        let copying = Arc::new(Mutex::new(()));
        let thread_copying = Arc::clone(&copying);
        let thread = match std::thread::Builder::new()
            .name("candor-checkpoint".into())
            .spawn(move || checkpoint_when_woken(&woken, &thread_copying, open))
        {
            Ok(thread) => thread,
            Err(e) => {
                tracing::warn!(error = %e, "no checkpoint thread; the writer checkpoints");
                return None;
            }
        };
        // Replaces SQLite's automatic checkpoint, which is itself a WAL hook.
        // The hook runs after the commit succeeded: it never fails, or the
        // commit would report an error for a transaction that was written.
        let hooked = writer.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
            if pages >= WRITER_CHECKPOINTS_AT {
                // After the thread's pass under way, the whole log, which
                // lets the next transaction start it afresh. Refused only
                // when another process is checkpointing: the next commit
                // tries again.
                let _copying = copying.lock().unwrap_or_else(PoisonError::into_inner);
                if let Err(e) = wal.checkpoint_v2(CheckpointMode::PASSIVE) {
                    tracing::debug!(error = %e, pages, "the writer's checkpoint waits for the next commit");
                }
            } else if pages >= WAKE_AT {
                match wake.try_send(()) {
                    // Full: a wake-up is already waiting. Disconnected: the
                    // thread is gone, and the limit above still holds.
                    Ok(()) | Err(TrySendError::Full(()) | TrySendError::Disconnected(())) => {}
                }
            }
            Ok(())
        }));
        match hooked {
            // The hook's sender went with the refused hook: the thread ends.
            Err(e) => {
                tracing::warn!(error = %e, "no checkpoint thread; the writer checkpoints");
                let _ = thread.join();
                None
            }
            Ok(()) => Some(Self { thread }),
        }
    }

    /// Gives `writer` back its own checkpoints and waits for the thread to
    /// finish the checkpoint under way.
    pub(crate) fn stop(self, writer: &mut Connection) {
        // Removing the hook drops the only sender, which ends the thread.
        if writer
            .wal_hook(None::<fn(&mut Wal, c_int) -> rusqlite::Result<()>>)
            .is_ok()
        {
            let _ = self.thread.join();
        }
    }
}

fn checkpoint_when_woken(
    woken: &Receiver<()>,
    copying: &Mutex<()>,
    open: impl FnOnce() -> rusqlite::Result<Connection>,
) {
    if woken.recv().is_err() {
        return;
    }
    let conn = match open() {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "the checkpoint thread could not open the store; the writer checkpoints instead");
            return;
        }
    };
    loop {
        let copied = {
            let _copying = copying.lock().unwrap_or_else(PoisonError::into_inner);
            conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE)
        };
        if let Err(e) = copied {
            tracing::warn!(error = %e, "a background checkpoint failed; the next one tries again");
        }
        if woken.recv().is_err() {
            return;
        }
    }
}

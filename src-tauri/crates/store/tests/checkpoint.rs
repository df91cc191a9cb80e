//! The write-ahead log is copied into the database by a thread of the
//! store's own, beside the writer (src/checkpoint.rs). What must hold: the
//! log reaches the database file while the store stays open, every commit
//! succeeds and the log stays bounded however fast the writer goes, the
//! thread ends with the store (no thread left behind by each store opened),
//! and everything written is there when the store is opened again.
//!
//! One test in this file, so the threads counted are this test's own.

use std::time::{Duration, Instant};

mod common;

/// The store's checkpoint threads running in this process (Linux names
/// threads in /proc; the kernel keeps 15 characters of a name).
#[cfg(target_os = "linux")]
fn checkpoint_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc")
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim_end() == "candor-checkpoi")
        .count()
}

#[cfg(not(target_os = "linux"))]
fn checkpoint_threads() -> usize {
    0
}

/// Whether the count of checkpoint threads comes to `expected` within 10 s
/// (a new thread names itself once it runs).
fn checkpoint_threads_come_to(expected: usize) -> bool {
    let waited = Instant::now();
    while checkpoint_threads() != expected {
        if waited.elapsed() > Duration::from_secs(10) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// Bytes that do not compress, so each source fills its pages.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn the_log_reaches_the_database_beside_the_writer_and_the_thread_ends_with_the_store() {
    const SOURCE: usize = 8 << 20;
    let tmp = tempfile::tempdir().expect("tempdir");
    let linux = cfg!(target_os = "linux");
    let (mut store, account, inbox) = common::store_with_inbox(tmp.path(), "checkpoint test");
    if linux {
        assert!(
            checkpoint_threads_come_to(1),
            "the open store has its thread"
        );
    }
    let database = tmp.path().join("candor.db");
    let size = || std::fs::metadata(&database).expect("database file").len();
    let empty = size();

    // One transaction each, every one past the log size that wakes the
    // thread (1,000 pages of 16 KB).
    let mut sources = Vec::new();
    let mut ids = Vec::new();
    for n in 1..=3 {
        let mut message = common::message(account, inbox, n, true);
        message.raw = format!("Message-ID: <m{n}@test>\r\n\r\n").into_bytes();
        message.raw.extend(noise(SOURCE, n as u64));
        sources.push(message.raw.clone());
        ids.push(store.insert_messages(&[message]).expect("insert")[0].id());
    }

    let waited = Instant::now();
    while size() < empty + 3 * SOURCE as u64 {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "the log was not copied into the database: {} bytes of {}",
            size() - empty,
            3 * SOURCE
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A writer that never pauses, 160 MB in 8 MB commits: the thread's
    // copying never catches up with it, and the log could only start afresh
    // because the writer checkpoints once it passes 128 MB. Every commit
    // succeeds (a checkpoint refused while the thread copies must not turn
    // into an error for a transaction that was written).
    let file = noise(SOURCE, 99);
    for n in 10..30 {
        let mut message = common::message(account, inbox, n, true);
        message.raw = format!("Message-ID: <m{n}@test>\r\n\r\n").into_bytes();
        message.raw.extend_from_slice(&file);
        store
            .insert_messages(&[message])
            .expect("every commit succeeds");
    }
    let log = std::fs::metadata(tmp.path().join("candor.db-wal"))
        .expect("the log")
        .len();
    assert!(
        log < 140 << 20,
        "the log stays near its limit (128 MB and a transaction): {} MB",
        log >> 20
    );

    drop(store);
    if linux {
        assert_eq!(
            checkpoint_threads(),
            0,
            "closing the store ended its thread"
        );
    }
    let store = common::open_store(tmp.path(), "checkpoint test");
    let stored: Vec<Vec<u8>> = ids
        .into_iter()
        .map(|id| store.message_raw(id).expect("read").expect("stored"))
        .collect();
    assert!(stored == sources, "every source is there after reopening");
}

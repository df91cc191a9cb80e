//! Stopping an import: it stops between batches, keeps what was stored, and
//! the same file imported again brings in only the rest.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use candor_core::api::record_import::{self, BATCH_ROWS, CsvOptions};
use candor_core::api::{Candor, records};
use candor_core::{RecordKind, Unlock};
use zeroize::Zeroizing;

fn open(dir: &std::path::Path) -> Candor {
    Candor::open(
        dir,
        &Unlock::Passphrase(Zeroizing::new("import cancel test".into())),
        true,
    )
    .expect("open")
}

#[test]
fn a_stopped_import_keeps_its_batches_and_resumes_with_the_rest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let candor = open(tmp.path());
    let rows = BATCH_ROWS * 2 + 10;
    let mut csv = String::from("First Name,Last Name,Email\n");
    for i in 0..rows {
        csv.push_str(&format!("Person,{i},person{i}@example.com\n"));
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let options = CsvOptions {
        kind: RecordKind::Candidate,
        map: Vec::new(),
        encoding: None,
        dry_run: false,
        cancel: Some(Arc::clone(&cancel)),
    };

    // The user presses Stop as the first batch is reported.
    let mut reported = Vec::new();
    let stopped =
        record_import::csv_bytes(&candor, "big.csv", csv.as_bytes(), &options, &mut |p| {
            reported.push(p.done);
            cancel.store(true, Ordering::Relaxed);
        })
        .expect("import");
    assert!(stopped.cancelled, "the report says it stopped");
    assert_eq!(reported, vec![BATCH_ROWS as u64], "no batch after the stop");
    assert_eq!(stopped.imported, BATCH_ROWS as u64);
    assert_eq!(stopped.records.len(), BATCH_ROWS);
    assert!(
        stopped.problems.is_empty(),
        "rows not reached are no problem: {:?}",
        stopped.problems
    );
    assert_eq!(
        records::list(&candor, RecordKind::Candidate)
            .expect("list")
            .len(),
        BATCH_ROWS,
        "the stored batch stays"
    );

    let resumed = record_import::csv_bytes(
        &candor,
        "big.csv",
        csv.as_bytes(),
        &CsvOptions {
            cancel: None,
            ..options
        },
        &mut |_| {},
    )
    .expect("import again");
    assert!(!resumed.cancelled);
    assert_eq!(
        resumed.imported,
        (rows - BATCH_ROWS) as u64,
        "only the rest"
    );
    assert_eq!(
        resumed.duplicates, BATCH_ROWS as u64,
        "the stored rows are recognised"
    );
    assert_eq!(
        records::list(&candor, RecordKind::Candidate)
            .expect("list")
            .len(),
        rows
    );
}

//! The database file at rest: encrypted, unreadable without the key, and
//! reported as such by `candor db check`.

use std::process::Command;

use candor_tests::{Cli, require_program};

const SECRET_NAMES: [&str; 4] = [
    "Bartholomew",
    "Quennell",
    "bartholomew.quennell@example.org",
    "Brzęczyszczykiewicz",
];

#[test]
fn stored_text_is_not_in_the_file_and_sqlite3_cannot_read_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "at-rest passphrase");
    cli.run(&["init"]).ok();
    cli.run(&[
        "record",
        "add",
        "candidate",
        "--first-name",
        SECRET_NAMES[0],
        "--last-name",
        SECRET_NAMES[1],
        "--email",
        SECRET_NAMES[2],
        "--notes",
        SECRET_NAMES[3],
    ])
    .ok();

    // Every file in the data directory (database, WAL, settings), as `strings` would see them.
    for entry in std::fs::read_dir(&cli.data_dir).expect("read data dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read file");
        for needle in SECRET_NAMES {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} is readable in clear in {}",
                path.display()
            );
        }
    }

    let sqlite3 = require_program("sqlite3", "sqlite3").expect("sqlite3");
    let output = Command::new(sqlite3)
        .arg(cli.data_dir.join("candor.db"))
        .arg("SELECT count(*) FROM sqlite_master;")
        .output()
        .expect("run sqlite3");
    assert!(
        !output.status.success(),
        "sqlite3 without the key must fail to read the database"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("file is not a database"),
        "sqlite3 sees no database: {stderr}"
    );

    let report = cli.run(&["--json", "db", "check"]).ok().json();
    assert_eq!(report["encrypted"], true, "{report}");
    assert_eq!(report["problems"], serde_json::json!([]), "{report}");
    assert_eq!(report["key_source"], "passphrase");
    assert_eq!(report["fts5_trigram"], true, "{report}");
    assert_eq!(report["schema_version"], report["latest_schema_version"]);

    let human = cli.run(&["db", "check"]).ok();
    assert!(
        human.stdout.contains("encrypted:       yes"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("integrity:       ok"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_damaged_file_is_reported_not_silently_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cli = Cli::with_passphrase(tmp.path(), "damage test");
    cli.run(&["init"]).ok();
    for i in 0..50 {
        cli.run(&["record", "add", "client", "--name", &format!("Client {i}")])
            .ok();
    }
    let db = cli.data_dir.join("candor.db");
    // Fold the WAL into the file first so the damage hits stored pages.
    cli.run(&["db", "check"]).ok();
    let _ = std::fs::remove_file(cli.data_dir.join("candor.db-wal"));
    let mut bytes = std::fs::read(&db).expect("read db");
    assert!(bytes.len() > 8192, "the database spans several pages");
    let len = bytes.len();
    for b in &mut bytes[len - 2000..len - 1000] {
        *b ^= 0x5a;
    }
    std::fs::write(&db, &bytes).expect("damage db");

    let run = cli.run(&["db", "check"]);
    assert_ne!(
        run.status, 0,
        "a damaged database must not pass the check: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("HMAC verification failed"),
        "SQLCipher's page authentication names the damaged page: {}",
        run.stdout
    );
    assert!(run.stderr.contains("found problems"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("sqlcipher_page_cipher"),
        "SQLCipher's internal log stays out of the user's terminal"
    );
    assert_eq!(
        std::fs::read(&db).expect("reread"),
        bytes,
        "the check must not rewrite a damaged file"
    );
}

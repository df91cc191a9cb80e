//! Append-only schema migrations, tracked by `PRAGMA user_version` and recorded
//! with their SHA-256 digest in `schema_migrations`, so an edited migration is
//! caught both by the test below and when a database is opened.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::OpenError;
use crate::time::now_unix;

/// One step of the schema. Versions are 1, 2, 3, ... in order.
#[derive(Debug)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
    /// Work SQL cannot do, run in the same transaction after `sql`.
    pub then: Option<fn(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>>,
}

/// Every migration ever shipped, oldest first. Only ever append.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/0001_initial.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "task_sources",
        sql: include_str!("../migrations/0002_task_sources.sql"),
        then: None,
    },
    Migration {
        version: 3,
        name: "user_threading",
        sql: include_str!("../migrations/0003_user_threading.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "outbox_envelope",
        sql: include_str!("../migrations/0004_outbox_envelope.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "templates",
        sql: include_str!("../migrations/0005_templates.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "signatures",
        sql: include_str!("../migrations/0006_signatures.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "record_import",
        sql: include_str!("../migrations/0007_record_import.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "address_variants",
        sql: include_str!("../migrations/0008_address_variants.sql"),
        then: Some(crate::addresses::backfill_canonical),
    },
    Migration {
        version: 9,
        name: "pipeline_changes",
        sql: include_str!("../migrations/0009_pipeline_changes.sql"),
        then: None,
    },
    Migration {
        version: 10,
        name: "cjk_bigrams",
        sql: include_str!("../migrations/0010_cjk_bigrams.sql"),
        then: Some(crate::cjk::backfill),
    },
    Migration {
        version: 11,
        name: "drafts",
        sql: include_str!("../migrations/0011_drafts.sql"),
        then: None,
    },
    Migration {
        version: 12,
        name: "remote_content",
        sql: include_str!("../migrations/0012_remote_content.sql"),
        then: None,
    },
    Migration {
        version: 13,
        name: "unread_by_folder",
        sql: include_str!("../migrations/0013_unread_by_folder.sql"),
        then: None,
    },
    Migration {
        version: 14,
        name: "calendar_sync",
        sql: include_str!("../migrations/0014_calendar_sync.sql"),
        then: None,
    },
    Migration {
        version: 15,
        name: "contacts_sync",
        sql: include_str!("../migrations/0015_contacts_sync.sql"),
        then: None,
    },
    Migration {
        version: 16,
        name: "event_import_and_records",
        sql: include_str!("../migrations/0016_event_import_and_records.sql"),
        then: None,
    },
    Migration {
        version: 17,
        name: "contact_address",
        sql: include_str!("../migrations/0017_contact_address.sql"),
        then: None,
    },
    Migration {
        version: 18,
        name: "attachments_in_source",
        sql: include_str!("../migrations/0018_attachments_in_source.sql"),
        then: None,
    },
    Migration {
        version: 19,
        name: "compressed_sources",
        sql: include_str!("../migrations/0019_compressed_sources.sql"),
        then: None,
    },
    Migration {
        version: 20,
        name: "search_hash_size",
        sql: include_str!("../migrations/0020_search_hash_size.sql"),
        then: None,
    },
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The SHA-256 of a migration's SQL, hex-encoded.
pub fn digest(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

pub(crate) fn schema_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

pub(crate) fn apply(conn: &mut Connection, dir: &Path) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        dir: dir.to_path_buf(),
        source,
    };
    let current = schema_version(conn).map_err(sqlite)?;
    let supported = latest_version();
    if current > supported {
        return Err(OpenError::NewerSchema {
            dir: dir.to_path_buf(),
            found: current,
            supported,
        });
    }

    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            sha256     TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        )",
    )
    .map_err(sqlite)?;

    for migration in MIGRATIONS.iter().filter(|m| m.version <= current) {
        let recorded: Option<String> = conn
            .query_row(
                "SELECT sha256 FROM schema_migrations WHERE version = ?1",
                [migration.version],
                |row| row.get(0),
            )
            .optional()
            .map_err(sqlite)?;
        if recorded.is_some_and(|d| d != digest(migration.sql)) {
            return Err(OpenError::MigrationChanged {
                dir: dir.to_path_buf(),
                version: migration.version,
            });
        }
    }

    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction().map_err(sqlite)?;
        tx.execute_batch(migration.sql).map_err(sqlite)?;
        if let Some(then) = migration.then {
            then(&tx).map_err(sqlite)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![migration.version, migration.name, digest(migration.sql), now_unix()],
        )
        .map_err(sqlite)?;
        // user_version is part of the database header and so of the transaction.
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digest of every migration as it shipped. When this test fails you
    /// edited a shipped migration: revert it and add a new one instead, because
    /// users' databases already ran the old text.
    const SHIPPED: &[(u32, &str)] = &[
        (
            1,
            "bb21ed61fe91b8112669e3a1637e4aa20200d71a5f6a3d29040300a6b442574e",
        ),
        (
            2,
            "da2cf2e9e2842d31a1d656bba321c078c1a6b5e6d00cd4d820b1f2800a9af72c",
        ),
        (
            3,
            "614b363c0a1ba633fe96208ad2a7887971a56be75f51864504918820c462b527",
        ),
        (
            4,
            "2973dd405e5c89baca906ac7cd5b8d7bb67dd481d726690229d4a09403e11421",
        ),
        (
            5,
            "2489553daabc5f3cacfbbaccd932463fb4d72d7fb67f4dec53b96e1d0bd628f7",
        ),
        (
            6,
            "e7b489fe6985c923488dd3569fd69d06caa0f9a6b6e525966037aea27ae4b52d",
        ),
        (
            7,
            "4de84c7e3c32a01526c1d63cb942ea1a9d4fc42430d048041704bda99987132a",
        ),
        (
            8,
            "46950c1464edec38e0729298b9e8371ab151c527045c09f624419ffeb3e5661c",
        ),
        (
            9,
            "6f733401ad453bfd2f5eec0aff3dca98ed79c5b6751115fce5c33d81166117b4",
        ),
        (
            10,
            "e4d9fa7261f8ed6eefdc104ef6955ee98322e141cebc0b2d0fa8483d36cc6a57",
        ),
        (
            11,
            "022d2c039d0261dee97eafd409517d316f3c9cb999b47c3c583a2f6967cac428",
        ),
        (
            12,
            "684cf4e25d12bb877f3ed3288f7ea74258efc317dc82189d437ba0e42447b9ab",
        ),
        (
            13,
            "7ce1b02ba07f81a167368cc08a7a5c353dcceab12a75efeba5ea28bf145178bb",
        ),
        (
            14,
            "c4337ad7295d408af00e0f38b7f4d99daa8e1beacfa84f4dffee2de92a27ab6a",
        ),
        (
            15,
            "f9acbb291e5db233bddd7b5ba4504f4993f8cf53179f34b1cb454bb7d1d99a1f",
        ),
        (
            16,
            "1aed0da96be79b03d8ab6288d142ff9a6fcc699888704225bd02a8a86c0b361f",
        ),
        (
            17,
            "8603d5c4eab442d60c046aa62730d899d18a5eb41491d1f20bdd5a7900121529",
        ),
    ];

    #[test]
    fn shipped_migrations_are_unchanged() {
        for (version, expected) in SHIPPED {
            let migration = MIGRATIONS
                .iter()
                .find(|m| m.version == *version)
                .unwrap_or_else(|| panic!("shipped migration {version} was removed"));
            assert_eq!(
                digest(migration.sql),
                *expected,
                "migration {version} ({}) was edited after it shipped; add a new migration instead",
                migration.name
            );
        }
    }

    #[test]
    fn versions_are_consecutive_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(
                migration.version as usize,
                index + 1,
                "migration versions must be 1, 2, 3, ... in order so user_version tracks them"
            );
        }
    }
}

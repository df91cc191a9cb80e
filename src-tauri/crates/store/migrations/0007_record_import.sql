-- The rows a CSV or vCard import has turned into records, by the digest of
-- the row's mapped values. Running an import again (after a crash, or with
-- a file that has grown) skips the rows already here, including those
-- without an email address, which duplicate detection by address cannot see.
-- A record deleted by the user takes its ledger rows with it, so importing
-- the same row again brings it back, as it would a row with an address.
CREATE TABLE record_import_rows (
    kind        TEXT    NOT NULL CHECK (kind IN ('candidate', 'contact')),
    row_digest  TEXT    NOT NULL,
    record_id   INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (kind, row_digest)
);
CREATE INDEX record_import_rows_by_record ON record_import_rows (record_id);

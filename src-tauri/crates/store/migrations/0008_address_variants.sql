-- Matching plus-addresses (name+tag@) and Gmail's dots to a record is an
-- option: a canonical form of every address beside the exact one, filled in
-- by the store (Rust) as mail and records are written, and for existing rows
-- when this migration runs.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE message_addresses ADD COLUMN address_canonical TEXT;
ALTER TABLE record_emails ADD COLUMN address_canonical TEXT;
CREATE INDEX message_addresses_by_canonical ON message_addresses (address_canonical);
CREATE INDEX record_emails_by_canonical ON record_emails (address_canonical);

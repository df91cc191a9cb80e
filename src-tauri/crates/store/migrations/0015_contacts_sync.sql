-- Microsoft 365 contacts sync (issue 8): which contact record is which
-- contact in the "Candor Contacts" folder, and the field mapping the user
-- can edit. Sync state lives in graph_sync_state (resource 'contacts').

-- A row per contact record that sync has seen. graph_id NULL: set aside
-- (beyond the first sync's limit, or its remote copy was removed), sent
-- again once edited. dirty: edited here since it was last in step (set by
-- the trigger below, cleared by sync; timestamps in seconds cannot tell an
-- edit from a sync in the same second).
CREATE TABLE contact_sync (
    record_id       INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    graph_id        TEXT UNIQUE,
    graph_etag      TEXT,
    dirty           INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
    synced_at       INTEGER,
    remote_modified INTEGER
);

CREATE TRIGGER contact_sync_dirty AFTER UPDATE ON records
WHEN OLD.kind = 'contact'
BEGIN
    UPDATE contact_sync SET dirty = 1 WHERE record_id = NEW.id;
END;

-- A synced contact deleted here: its remote copy goes on the next sync.
CREATE TRIGGER contact_sync_tombstone AFTER DELETE ON contact_sync
WHEN OLD.graph_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO graph_deletions (resource, graph_id, etag, created_at)
    VALUES ('contacts', OLD.graph_id, OLD.graph_etag, unixepoch());
END;

-- Microsoft's contact field -> Candor's field. Empty: the default mapping.
CREATE TABLE contact_sync_mapping (
    graph_field  TEXT PRIMARY KEY,
    candor_field TEXT NOT NULL UNIQUE
);

-- Microsoft 365 calendar sync (issue 8). The events table of 0001 holds the
-- event (title, start/end, IANA zone, location, online flag, notes,
-- candidate/job links, is_imported, graph_id, graph_change_key); this adds
-- what two-way sync needs.

-- Which Microsoft account a sync runs as, the container's name, the window
-- frozen into the delta token, whether the first push is done, and why the
-- sync was turned off (the user deleted the calendar in Microsoft 365).
ALTER TABLE graph_sync_state ADD COLUMN account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE graph_sync_state ADD COLUMN container_name TEXT;
ALTER TABLE graph_sync_state ADD COLUMN window_start INTEGER;
ALTER TABLE graph_sync_state ADD COLUMN window_end INTEGER;
ALTER TABLE graph_sync_state ADD COLUMN initial_push_done INTEGER NOT NULL DEFAULT 0 CHECK (initial_push_done IN (0, 1));
ALTER TABLE graph_sync_state ADD COLUMN disabled_reason TEXT;

-- The ETag (W/"changeKey") sent as If-Match; the transactionId of a create
-- in flight (kept so a retried create cannot duplicate); when the event was
-- last in step with Microsoft 365 (a later updated_at means a local edit to
-- push); Graph's lastModifiedDateTime of the copy last seen (the conflict
-- policy compares it with updated_at).
ALTER TABLE events ADD COLUMN graph_etag TEXT;
ALTER TABLE events ADD COLUMN graph_transaction_id TEXT;
ALTER TABLE events ADD COLUMN graph_synced_at INTEGER;
ALTER TABLE events ADD COLUMN graph_remote_modified INTEGER;
CREATE INDEX events_to_push ON events (is_imported, graph_id);

-- Synced events deleted here, waiting for their remote delete.
CREATE TABLE graph_deletions (
    id         INTEGER PRIMARY KEY,
    resource   TEXT    NOT NULL CHECK (resource IN ('calendar', 'contacts')),
    graph_id   TEXT    NOT NULL,
    etag       TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (resource, graph_id)
);

CREATE TRIGGER events_graph_tombstone AFTER DELETE ON events
WHEN OLD.graph_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO graph_deletions (resource, graph_id, etag, created_at)
    VALUES ('calendar', OLD.graph_id, OLD.graph_etag, unixepoch());
END;

-- What a conflict (412 on If-Match) overwrote: the most recent change wins
-- and the user can see the losing version.
CREATE TABLE graph_conflicts (
    id          INTEGER PRIMARY KEY,
    resource    TEXT    NOT NULL CHECK (resource IN ('calendar', 'contacts')),
    local_id    INTEGER,
    graph_id    TEXT,
    winner      TEXT    NOT NULL CHECK (winner IN ('local', 'remote')),
    -- The overwritten version's title/subject and times, as the user saw them.
    overwritten_title TEXT NOT NULL,
    overwritten_start INTEGER,
    overwritten_end   INTEGER,
    detail      TEXT    NOT NULL DEFAULT '',
    occurred_at INTEGER NOT NULL
);
CREATE INDEX graph_conflicts_by_time ON graph_conflicts (occurred_at DESC);

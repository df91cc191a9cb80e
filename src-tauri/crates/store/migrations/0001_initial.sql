-- Schema v1. Shipped migrations are append-only: never edit this file, add a
-- new one (a test compares every shipped migration with its recorded digest).
--
-- Conventions: times are UTC Unix seconds (INTEGER); booleans are 0/1 with a
-- CHECK; what is queried has a typed column; large payloads (raw source,
-- bodies, attachment bytes) live in their own tables so list queries stay small.
-- Every message and record carries owner_user_id so team sharing can be added
-- without reshaping the data.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    display_name  TEXT    NOT NULL,
    email_address TEXT,
    -- The person using this desktop; team members arrive with team sharing.
    is_local      INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_one_local ON users (is_local) WHERE is_local = 1;

-- Mail accounts. Passwords and OAuth tokens are never stored here: they live
-- in the OS keyring under keys derived from the account id.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    owner_user_id        INTEGER NOT NULL REFERENCES users (id),
    name                 TEXT    NOT NULL UNIQUE,
    email_address        TEXT    NOT NULL,
    display_name         TEXT,
    -- 'local' holds imported mail (mbox, .eml) and has no server.
    incoming_protocol    TEXT    NOT NULL CHECK (incoming_protocol IN ('imap', 'pop3', 'local')),
    incoming_host        TEXT,
    incoming_port        INTEGER CHECK (incoming_port BETWEEN 1 AND 65535),
    incoming_security    TEXT    CHECK (incoming_security IN ('tls', 'starttls', 'none')),
    incoming_username    TEXT,
    -- Sending is optional (a read-only or local account has none).
    outgoing_host        TEXT,
    outgoing_port        INTEGER CHECK (outgoing_port BETWEEN 1 AND 65535),
    outgoing_security    TEXT    CHECK (outgoing_security IN ('tls', 'starttls', 'none')),
    outgoing_username    TEXT,
    auth_kind            TEXT    NOT NULL DEFAULT 'password'
                                 CHECK (auth_kind IN ('password', 'oauth_google', 'oauth_microsoft')),
    -- A server certificate the user chose to trust explicitly (PEM), per account.
    pinned_certificate_pem TEXT,
    pop3_leave_on_server          INTEGER NOT NULL DEFAULT 1 CHECK (pop3_leave_on_server IN (0, 1)),
    pop3_delete_after_days        INTEGER CHECK (pop3_delete_after_days > 0),
    pop3_delete_when_deleted_here INTEGER NOT NULL DEFAULT 0 CHECK (pop3_delete_when_deleted_here IN (0, 1)),
    signature_html       TEXT,
    sync_interval_secs   INTEGER NOT NULL DEFAULT 300 CHECK (sync_interval_secs > 0),
    sharing_level        TEXT    NOT NULL DEFAULT 'private'
                                 CHECK (sharing_level IN ('private', 'public', 'custom', 'admin')),
    status               TEXT    NOT NULL DEFAULT 'new'
                                 CHECK (status IN ('new', 'connected', 'error', 'needs_password', 'needs_sign_in', 'disconnected')),
    last_sync_at         INTEGER,
    last_error           TEXT,
    created_at           INTEGER NOT NULL,
    CHECK (incoming_protocol = 'local' OR (incoming_host IS NOT NULL AND incoming_port IS NOT NULL
           AND incoming_security IS NOT NULL AND incoming_username IS NOT NULL)),
    CHECK ((outgoing_host IS NULL) = (outgoing_port IS NULL)
           AND (outgoing_host IS NULL) = (outgoing_security IS NULL))
);

-- Credentials of accounts whose database is in passphrase mode (a machine
-- without an OS keyring): kept inside the encrypted database, never in clear.
-- With a keyring, credentials live in the keyring and this table stays empty.
CREATE TABLE account_secrets (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL
);

-- Folders with their IMAP sync state (RFC 3501 UIDVALIDITY/UIDNEXT, RFC 7162 HIGHESTMODSEQ).
CREATE TABLE folders (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    delimiter      TEXT,
    role           TEXT    CHECK (role IN ('inbox', 'sent', 'drafts', 'trash', 'archive', 'junk', 'all', 'flagged')),
    is_selectable  INTEGER NOT NULL DEFAULT 1 CHECK (is_selectable IN (0, 1)),
    uidvalidity    INTEGER,
    uidnext        INTEGER,
    highestmodseq  INTEGER,
    last_synced_at INTEGER,
    UNIQUE (account_id, name)
);

-- The sync ledger: per folder and pass, what the server had and what became of it.
CREATE TABLE sync_ledger (
    id             INTEGER PRIMARY KEY,
    folder_id      INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    on_server      INTEGER NOT NULL DEFAULT 0,
    stored         INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0
);

-- A message that was skipped or failed, and why; nothing is silently missing.
CREATE TABLE sync_problems (
    id          INTEGER PRIMARY KEY,
    folder_id   INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    uid         INTEGER,
    pop3_uidl   TEXT,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('skipped', 'failed')),
    reason      TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL
);

-- POP3 keeps no folders on the server side beyond one mailbox: what we have seen, by UIDL.
CREATE TABLE pop3_seen (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uidl         TEXT    NOT NULL,
    first_seen_at INTEGER NOT NULL,
    deleted_on_server_at INTEGER,
    PRIMARY KEY (account_id, uidl)
);

CREATE TABLE threads (
    id             INTEGER PRIMARY KEY,
    owner_user_id  INTEGER NOT NULL REFERENCES users (id),
    subject        TEXT    NOT NULL DEFAULT '',
    latest_at      INTEGER NOT NULL,
    message_count  INTEGER NOT NULL DEFAULT 0,
    unread_count   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_by_latest ON threads (latest_at DESC);

CREATE TABLE messages (
    id                 INTEGER PRIMARY KEY,
    owner_user_id      INTEGER NOT NULL REFERENCES users (id),
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    folder_id          INTEGER REFERENCES folders (id) ON DELETE CASCADE,
    uid                INTEGER,
    pop3_uidl          TEXT,
    modseq             INTEGER,
    message_id_header  TEXT,
    in_reply_to        TEXT,
    references_header  TEXT,
    subject            TEXT    NOT NULL DEFAULT '',
    from_address       TEXT,
    from_name          TEXT,
    sent_at            INTEGER,
    received_at        INTEGER NOT NULL,
    size_bytes         INTEGER NOT NULL DEFAULT 0,
    is_seen            INTEGER NOT NULL DEFAULT 0 CHECK (is_seen IN (0, 1)),
    is_flagged         INTEGER NOT NULL DEFAULT 0 CHECK (is_flagged IN (0, 1)),
    is_answered        INTEGER NOT NULL DEFAULT 0 CHECK (is_answered IN (0, 1)),
    is_draft           INTEGER NOT NULL DEFAULT 0 CHECK (is_draft IN (0, 1)),
    has_attachments    INTEGER NOT NULL DEFAULT 0 CHECK (has_attachments IN (0, 1)),
    thread_id          INTEGER REFERENCES threads (id) ON DELETE SET NULL,
    -- Set when the user split or merged by hand: resyncs keep the user's choice.
    thread_pinned      INTEGER NOT NULL DEFAULT 0 CHECK (thread_pinned IN (0, 1)),
    -- What the MIME parser could not understand; the raw source is still kept.
    parse_error        TEXT,
    -- SHA-256 of the raw source: the same message imported twice is stored once.
    source_sha256      TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    UNIQUE (folder_id, uid),
    UNIQUE (account_id, pop3_uidl)
);
CREATE INDEX messages_by_thread ON messages (thread_id, sent_at);
CREATE INDEX messages_by_folder_date ON messages (folder_id, received_at DESC);
CREATE INDEX messages_by_message_id ON messages (message_id_header);
CREATE INDEX messages_by_source ON messages (account_id, source_sha256);

-- Every address of a message, one row per (role, position), normalised for matching.
CREATE TABLE message_addresses (
    message_id         INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    role               TEXT    NOT NULL CHECK (role IN ('from', 'sender', 'reply_to', 'to', 'cc', 'bcc')),
    position           INTEGER NOT NULL,
    address            TEXT    NOT NULL,
    address_normalized TEXT    NOT NULL,
    display_name       TEXT,
    PRIMARY KEY (message_id, role, position)
);
CREATE INDEX message_addresses_by_address ON message_addresses (address_normalized);

-- Full-text search over what a recruiter looks for. The trigram tokenizer
-- finds any substring of three or more characters, which is what unspaced
-- Chinese and Japanese text needs; rowid is messages.id.
CREATE VIRTUAL TABLE message_search USING fts5 (
    subject,
    body,
    addresses,
    attachment_names,
    tokenize = 'trigram'
);

CREATE TABLE message_sources (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    raw        BLOB    NOT NULL
);

CREATE TABLE message_bodies (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    text_plain TEXT,
    text_html  TEXT
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    filename     TEXT,
    content_type TEXT    NOT NULL,
    content_id   TEXT,
    is_inline    INTEGER NOT NULL DEFAULT 0 CHECK (is_inline IN (0, 1)),
    size_bytes   INTEGER NOT NULL,
    data         BLOB    NOT NULL,
    UNIQUE (message_id, position)
);

-- Records: one id space for every kind (so "record 42" is unambiguous), with
-- a typed detail table per kind.
CREATE TABLE records (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL CHECK (kind IN ('candidate', 'contact', 'client', 'job')),
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    notes         TEXT    NOT NULL DEFAULT '',
    -- Created by a CSV/vCard import: Microsoft 365 sync must not send these.
    is_imported   INTEGER NOT NULL DEFAULT 0 CHECK (is_imported IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX records_by_kind ON records (kind, updated_at DESC);

CREATE TABLE clients (
    record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    name      TEXT    NOT NULL CHECK (name <> ''),
    website   TEXT,
    phone     TEXT
);
CREATE INDEX clients_by_name ON clients (name COLLATE NOCASE);

CREATE TABLE candidates (
    record_id          INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    first_name         TEXT    NOT NULL DEFAULT '',
    last_name          TEXT    NOT NULL DEFAULT '',
    current_title      TEXT,
    current_employer   TEXT,
    CHECK (first_name <> '' OR last_name <> '')
);

CREATE TABLE contacts (
    record_id  INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    first_name TEXT    NOT NULL DEFAULT '',
    last_name  TEXT    NOT NULL DEFAULT '',
    job_title  TEXT,
    client_id  INTEGER REFERENCES clients (record_id) ON DELETE SET NULL,
    CHECK (first_name <> '' OR last_name <> '')
);

CREATE TABLE job_openings (
    record_id          INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    title              TEXT    NOT NULL CHECK (title <> ''),
    client_id          INTEGER REFERENCES clients (record_id) ON DELETE SET NULL,
    primary_contact_id INTEGER REFERENCES contacts (record_id) ON DELETE SET NULL,
    status             TEXT    NOT NULL DEFAULT 'open'
                               CHECK (status IN ('open', 'on_hold', 'filled', 'closed'))
);

-- Candidates in a job opening's pipeline.
CREATE TABLE job_pipeline (
    job_id       INTEGER NOT NULL REFERENCES job_openings (record_id) ON DELETE CASCADE,
    candidate_id INTEGER NOT NULL REFERENCES candidates (record_id) ON DELETE CASCADE,
    stage        TEXT    NOT NULL DEFAULT 'new',
    added_at     INTEGER NOT NULL,
    PRIMARY KEY (job_id, candidate_id)
);

-- A person's email addresses. address_normalized (lower-cased) is what mail is matched on.
CREATE TABLE record_emails (
    record_id          INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    address            TEXT    NOT NULL,
    address_normalized TEXT    NOT NULL,
    PRIMARY KEY (record_id, position),
    UNIQUE (record_id, address_normalized)
);
CREATE INDEX record_emails_by_address ON record_emails (address_normalized);

CREATE TABLE record_phones (
    record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    phone     TEXT    NOT NULL,
    PRIMARY KEY (record_id, position)
);

-- Which messages belong on which record page. 'auto' links are recomputed from
-- addresses; 'manual' links and 'excluded' (unlinked by hand) survive resyncs.
CREATE TABLE message_record_links (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    record_id  INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    origin     TEXT    NOT NULL CHECK (origin IN ('auto', 'manual', 'excluded')),
    PRIMARY KEY (message_id, record_id)
);
CREATE INDEX message_record_links_by_record ON message_record_links (record_id);

-- Calendar events and interviews (an interview links a candidate and a job opening).
CREATE TABLE events (
    id                INTEGER PRIMARY KEY,
    owner_user_id     INTEGER NOT NULL REFERENCES users (id),
    title             TEXT    NOT NULL,
    starts_at         INTEGER NOT NULL,
    ends_at           INTEGER NOT NULL CHECK (ends_at >= starts_at),
    -- IANA zone the event was created in, for display and for Graph round trips.
    time_zone         TEXT    NOT NULL DEFAULT 'UTC',
    is_all_day        INTEGER NOT NULL DEFAULT 0 CHECK (is_all_day IN (0, 1)),
    location          TEXT,
    is_online_meeting INTEGER NOT NULL DEFAULT 0 CHECK (is_online_meeting IN (0, 1)),
    notes             TEXT    NOT NULL DEFAULT '',
    candidate_id      INTEGER REFERENCES candidates (record_id) ON DELETE SET NULL,
    job_id            INTEGER REFERENCES job_openings (record_id) ON DELETE SET NULL,
    -- Imported from a file: never sent to Microsoft 365.
    is_imported       INTEGER NOT NULL DEFAULT 0 CHECK (is_imported IN (0, 1)),
    graph_id          TEXT UNIQUE,
    graph_change_key  TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX events_by_start ON events (starts_at);

CREATE TABLE event_attendees (
    event_id           INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    address            TEXT    NOT NULL,
    address_normalized TEXT    NOT NULL,
    display_name       TEXT,
    attendance         TEXT    NOT NULL DEFAULT 'required' CHECK (attendance IN ('required', 'optional', 'resource')),
    PRIMARY KEY (event_id, position)
);

-- Microsoft Graph sync state per dedicated container (calendar or contact folder).
CREATE TABLE graph_sync_state (
    id              INTEGER PRIMARY KEY,
    owner_user_id   INTEGER NOT NULL REFERENCES users (id),
    resource        TEXT    NOT NULL CHECK (resource IN ('calendar', 'contacts')),
    container_id    TEXT,
    delta_link      TEXT,
    enabled         INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    last_synced_at  INTEGER,
    last_error      TEXT,
    UNIQUE (owner_user_id, resource)
);

-- Two-phase user actions: the local half is applied in the same transaction
-- that writes the task; a supervisor performs the remote half and records the outcome.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    owner_user_id    INTEGER NOT NULL REFERENCES users (id),
    account_id       INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    kind             TEXT    NOT NULL CHECK (kind IN ('set_flags', 'move', 'delete', 'append', 'save_draft')),
    message_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    target_folder_id INTEGER REFERENCES folders (id) ON DELETE CASCADE,
    flag_seen        INTEGER CHECK (flag_seen IN (0, 1)),
    flag_flagged     INTEGER CHECK (flag_flagged IN (0, 1)),
    state            TEXT    NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    finished_at      INTEGER
);
CREATE INDEX tasks_pending ON tasks (state, next_attempt_at);

-- The durable outbox: the message (and its Message-ID) is fixed here before any
-- network work, so a crash can neither lose it nor send it twice.
CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    owner_user_id     INTEGER NOT NULL REFERENCES users (id),
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    message_id_header TEXT    NOT NULL UNIQUE,
    raw               BLOB    NOT NULL,
    state             TEXT    NOT NULL DEFAULT 'queued'
                              CHECK (state IN ('queued', 'sending', 'unknown', 'sent', 'failed', 'cancelled')),
    send_at           INTEGER NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER NOT NULL,
    last_error        TEXT,
    sent_at           INTEGER,
    created_at        INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

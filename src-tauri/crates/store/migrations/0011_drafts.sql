-- What the user is writing, saved as they type so that closing a form, a
-- crash or a restart loses nothing. One draft per place it is written from
-- (a new message from a record's page, a reply to a message); the compose
-- form takes it up again when it opens there. Attachments are not kept.
CREATE TABLE drafts (
    id            INTEGER PRIMARY KEY,
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    context       TEXT    NOT NULL UNIQUE,
    account       TEXT    NOT NULL DEFAULT '',
    to_list       TEXT    NOT NULL DEFAULT '',
    cc_list       TEXT    NOT NULL DEFAULT '',
    bcc_list      TEXT    NOT NULL DEFAULT '',
    subject       TEXT    NOT NULL DEFAULT '',
    body          TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER NOT NULL
);

-- What the outbox needs beyond the message itself: the SMTP envelope (BCC
-- recipients are in no header, so they live here), the subject for the
-- outbox list, and the local message a reply answers.
ALTER TABLE outbox ADD COLUMN envelope_from TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN replying_to INTEGER REFERENCES messages (id) ON DELETE SET NULL;
CREATE TABLE outbox_recipients (
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    address   TEXT    NOT NULL,
    PRIMARY KEY (outbox_id, address)
);

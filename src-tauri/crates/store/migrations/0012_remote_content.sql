-- Senders whose mail may load remote content (images, style sheets) when it
-- is shown: the user's "always load remote content from this sender". The
-- address is kept trimmed and lower-cased, like message_addresses'
-- address_normalized, so a sender matches whatever case their mail uses.
CREATE TABLE remote_content_senders (
    id            INTEGER PRIMARY KEY,
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    address       TEXT    NOT NULL UNIQUE CHECK (address <> '' AND address = lower(address)),
    added_at      INTEGER NOT NULL
);

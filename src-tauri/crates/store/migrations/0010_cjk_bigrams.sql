-- Chinese, Japanese and Korean words are mostly one or two characters, below
-- the trigram index's three. Beside it, each message's CJK text as its single
-- characters and overlapping pairs, one token each, so such a word is an index
-- lookup instead of a scan. Only messages with CJK text have a row; rowid is
-- messages.id. Filled by the store as mail is written, and for stored mail
-- when this migration runs.
CREATE VIRTUAL TABLE message_cjk USING fts5 (
    subject,
    body,
    addresses,
    attachment_names,
    tokenize = 'unicode61'
);

CREATE TRIGGER messages_delete_cjk AFTER DELETE ON messages BEGIN
    DELETE FROM message_cjk WHERE rowid = old.id;
END;

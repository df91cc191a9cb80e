-- Raw sources compressed (issue 3, initial sync speed and disk use): zstd
-- makes base64 attachments three quarters of their size and text a third,
-- so a first sync encrypts and writes a fifth less (476 -> 374 MB for the
-- benchmark's mailbox). `compression` is 'zstd' for those; sources stored
-- before stay as they are (NULL), byte for byte.
ALTER TABLE message_sources ADD COLUMN compression TEXT CHECK (compression IN ('zstd'));

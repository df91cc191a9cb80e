-- The Email tab shows every folder's unread count on each refresh. Counting
-- unread mail by scanning a 50,000-message Inbox's rows costs tens of
-- milliseconds under SQLCipher; this partial index holds only unread
-- messages, so the count reads a handful of index pages.
CREATE INDEX messages_unread_by_folder ON messages (folder_id) WHERE is_seen = 0;

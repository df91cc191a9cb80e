-- The user's own threading (split a message off, merge conversations),
-- kept across resyncs: messages the user placed carry the key of the group
-- they were put in, and conversations are rebuilt around them. Keys are
-- handed out fresh for every split or merge, so they never collide.
ALTER TABLE messages ADD COLUMN pinned_group INTEGER;
CREATE INDEX messages_by_pinned_group ON messages (pinned_group) WHERE pinned_group IS NOT NULL;

-- Moves and deletes change the local copy at once (it leaves its folder, or
-- the database), while the server still holds the message under its old
-- folder and UID until the task runs. The task keeps that address, so the
-- sync neither fetches the message back as new nor loses track of it.
ALTER TABLE tasks ADD COLUMN source_folder_id INTEGER REFERENCES folders (id) ON DELETE CASCADE;
ALTER TABLE tasks ADD COLUMN source_uid INTEGER;
CREATE INDEX tasks_by_source ON tasks (source_folder_id, state);
CREATE INDEX tasks_by_message ON tasks (message_id, state);
